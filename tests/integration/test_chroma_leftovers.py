"""Deleted collections leave no ChromaDB segment folder on disk (embedded PersistentClient), and the
doctor reports (and removes) any leftover one."""

import uuid

from tests.http.conftest import make_container


def _folders(path) -> set[str]:
    return {p.name for p in path.iterdir() if p.is_dir()}


def test_deleting_a_collection_removes_its_segment_folder(tmp_path, embedder, parser):
    container = make_container(tmp_path / "data", embedder, parser)
    services, chroma = container.services, container.settings().storage.chroma_path
    services.collections().create("keep")
    before = _folders(chroma)
    services.collections().create("gone")
    services.documents().upload("gone", [("birds.md", b"# Birds\n\nThe goose migrates south.\n" * 40)])
    while services.jobs().run_next("worker") is not None:
        pass
    services.search().search("gone", "goose", top_k=1)  # the index is on disk now
    assert _folders(chroma) - before  # the new collection's segment folder

    services.collections().delete("gone")

    assert _folders(chroma) == before
    assert services.doctor().check().clean


def test_the_doctor_reports_and_removes_a_leftover_segment_folder(tmp_path, embedder, parser):
    container = make_container(tmp_path / "data", embedder, parser)
    services, chroma = container.services, container.settings().storage.chroma_path
    services.collections().create("docs")  # the store's database exists
    leftover = str(uuid.uuid4())
    (chroma / leftover).mkdir()
    (chroma / leftover / "data_level0.bin").write_bytes(b"\0" * 16)

    (finding,) = services.doctor().check().findings
    assert (finding.kind, finding.ids, finding.action, finding.outcome, finding.detail) == (
        "leftover_segment_folder", (leftover,), "remove_folder", "found",
        f"vector-store folder {leftover} belongs to no collection (a dropped collection's index)")
    (repaired,) = services.doctor().repair().findings
    assert repaired.outcome == "repaired" and not (chroma / leftover).exists()
    assert services.doctor().check().clean
