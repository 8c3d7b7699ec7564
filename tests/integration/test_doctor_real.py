"""The doctor on the real embedded stores (SQLite, embedded Chroma, filesystem blobs), drift made
through the adapters directly, as a crash, a lost Redis or a hand edit would leave it."""

import json

from typer.testing import CliRunner

from ragcore.adapters.blobs import FilesystemBlobStore
from ragcore.adapters.chroma import ChromaVectorStore
from ragcore.app.cli import app
from ragcore.domain.doctor.service import DoctorService
from tests.http.conftest import make_container

MD = "# {0}\n\n{0} is a bird that migrates south every autumn in large flocks.\n"


def _upload(container, collection: str, name: str):
    files = [(f"{name}.md", MD.format(name).encode())]
    (accepted,) = container.services.documents().upload(collection, files)
    return accepted.document


def _run_jobs(container) -> None:
    while (job := container.services.jobs().run_next("test-worker")) is not None:
        assert job.status == "succeeded", job


def _drifted(tmp_path, embedder, parser):
    """Two collections with ready documents, one queued document, then drift of every kind."""
    container = make_container(tmp_path / "data", embedder, parser)
    collections, stores = container.services.collections(), container.stores
    kept, lost = collections.create("kept"), collections.create("lost")
    docs = {name: _upload(container, collection, name) for collection, name in
            [("kept", "Goose"), ("kept", "Swan"), ("lost", "Crane")]}
    _run_jobs(container)
    docs["Stork"] = _upload(container, "kept", "Stork")  # queued, never run
    stores.vectors().create_collection("rc_stray", kept.embedding_dimension)
    stores.vectors().drop_collection(lost.store_id)
    stores.documents().remove(docs["Swan"].id)  # its vectors stay behind
    stray = stores.blobs().put(b"stray bytes")
    stores.jobs().remove_for_document(docs["Stork"].id)  # the queue lost its job
    return container, kept, lost, docs, stray


def test_doctor_finds_and_repairs_drift_in_the_real_stores(tmp_path, embedder, parser):
    container, kept, lost, docs, stray = _drifted(tmp_path, embedder, parser)
    stores = container.stores
    doctor = DoctorService(catalog=stores.catalog(), documents=stores.documents(), jobs=stores.jobs(),
                           chunks=stores.chunks(), blobs=stores.blobs(), clock=stores.clock(), stuck_after_seconds=0)
    expected = [
        ("orphan_store_collection", ("rc_stray",)),
        ("missing_store_collection", (lost.id, lost.store_id)),
        ("orphan_vectors", (kept.store_id, docs["Swan"].id)),
        ("missing_vectors", (lost.store_id, docs["Crane"].id)),
        ("orphan_blob", (stray,)),
        ("lost_job", (docs["Stork"].id,)),
    ]
    assert [(f.kind, f.ids, f.outcome) for f in doctor.check().findings] == [(*e, "found") for e in expected]
    # the container's doctor gives a queued document stuck_after_seconds before calling its job lost
    assert [f.kind for f in container.services.doctor().check().findings] == [k for k, _ in expected[:-1]]

    report = doctor.repair()
    (job,) = stores.jobs().list(document_id=docs["Stork"].id)
    expected[-1] = ("lost_job", (docs["Stork"].id, job.id))
    assert [(f.kind, f.ids, f.outcome) for f in report.findings] == [(*e, "repaired") for e in expected]
    _assert_repaired(container, kept, lost, docs)
    assert doctor.check().clean

    _run_jobs(container)  # the requeued document is ingested into a healthy store
    assert stores.documents().get(docs["Stork"].id).status == "ready"
    assert doctor.check().clean


def _assert_repaired(container, kept, lost, docs) -> None:
    stores = container.stores
    vectors = stores.vectors()
    assert vectors.collection_ids() == sorted([kept.store_id, lost.store_id])
    assert vectors.document_ids(kept.store_id) == {docs["Goose"].id}
    assert vectors.count(lost.store_id) == 0
    crane = stores.documents().get(docs["Crane"].id)
    assert (crane.status, crane.error_code) == ("failed", "vectors_lost")
    stork = stores.documents().get(docs["Stork"].id)
    assert stork.status == "queued" and stores.blobs().keys() == [stork.blob_key]


def test_doctor_command_exit_codes_and_json(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("RAGCORE_DATA_DIR", str(data))
    runner = CliRunner()
    assert runner.invoke(app, ["doctor"]).output == "no drift\n"
    vectors = ChromaVectorStore.persistent(str(data / "chroma"))
    vectors.create_collection("rc_stray", 4)
    vectors.close()
    stray = FilesystemBlobStore(data / "blobs").put(b"stray")

    found = runner.invoke(app, ["doctor"])
    assert found.exit_code == 1
    assert found.output.splitlines() == [
        "found     orphan_store_collection  drop_collection     store collection rc_stray has no catalog row",
        f"found     orphan_blob              delete_blob         blob {stray} belongs to no document",
        "2 finding(s)",
    ]
    repaired = runner.invoke(app, ["doctor", "--repair", "--json"])
    assert repaired.exit_code == 0
    assert [(f["kind"], f["ids"], f["outcome"]) for f in json.loads(repaired.output)["findings"]] == [
        ("orphan_store_collection", ["rc_stray"], "repaired"),
        ("orphan_blob", [stray], "repaired"),
    ]
    clean = runner.invoke(app, ["doctor", "--json"])
    assert (clean.exit_code, json.loads(clean.output)) == (0, {"findings": []})
