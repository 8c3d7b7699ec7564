"""The keyword index follows ingestion and deletion: a document is in every store or in none."""

from ragcore.adapters.memory_keywords import MemoryKeywordIndex
from ragcore.domain.errors import Invalid
from tests.unit.conftest import build
from tests.unit.fakes import FlakyKeywordIndex


def keyword_chunks(rag, store_id: str) -> list[str]:
    """Ids of every indexed chunk: each chunk's searchable text holds its heading "Title"."""
    return sorted(h.chunk.id for h in rag.keywords.query(store_id, "title", 100))


def ingest(rag, *files: tuple[str, bytes]) -> tuple[list, str]:
    if not rag.catalog.list():
        rag.collection_service.create("docs")
    accepted = rag.document_service.upload("docs", list(files))
    while rag.job_service.run_next("w1"):
        pass
    return accepted, rag.collection_service.get("docs").store_id


def test_ingestion_indexes_every_chunk_with_deterministic_ids(rag):
    (a,), store_id = ingest(rag, ("a.txt", b"one\n\ntwo"))
    assert keyword_chunks(rag, store_id) == [f"{a.document.id}:0", f"{a.document.id}:1"]


def test_a_failed_keyword_write_removes_the_vectors_and_the_retry_does_not_duplicate():
    rag = build(keywords=FlakyKeywordIndex(MemoryKeywordIndex(k1=0.9, b=0.6), 1))
    rag.collection_service.create("docs")
    (a,) = rag.document_service.upload("docs", [("a.txt", b"one\n\ntwo\n\nthree")])
    store_id = rag.collection_service.get("docs").store_id
    job = rag.job_service.run_next("w1")
    assert (job.status, job.error_code) == ("queued", "keyword_index_unavailable")
    assert (rag.vectors.count(store_id), keyword_chunks(rag, store_id)) == (0, [])
    assert rag.documents.get(a.document.id).status == "processing"
    rag.clock.advance(2)
    assert rag.job_service.run_next("w1").status == "succeeded"
    assert rag.vectors.count(store_id) == 3
    assert keyword_chunks(rag, store_id) == [f"{a.document.id}:{i}" for i in range(3)]


def test_a_permanent_failure_leaves_no_keyword_entries(rag):
    _, store_id = ingest(rag, ("bad.txt", b"BROKEN"))
    assert keyword_chunks(rag, store_id) == []


def test_deleting_a_document_removes_its_keyword_entries(rag):
    (a, b), store_id = ingest(rag, ("a.txt", b"alpha"), ("b.txt", b"beta"))
    rag.document_service.delete(a.document.id)
    assert keyword_chunks(rag, store_id) == [f"{b.document.id}:0"]
    assert rag.search_service.search("docs", "alpha", 5, mode="keyword") == []


def test_deleting_the_collection_drops_its_keyword_index(rag):
    _, store_id = ingest(rag, ("a.txt", b"alpha"))
    rag.collection_service.delete("docs")
    assert keyword_chunks(rag, store_id) == []


def test_user_metadata_is_stored_with_every_uploaded_document(rag):
    rag.collection_service.create("docs")
    accepted = rag.document_service.upload("docs", [("a.txt", b"a"), ("b.txt", b"b")],
                                           metadata={"team": "red", "year": 2024, "draft": False, "score": 0.5})
    for item in accepted:
        assert rag.documents.get(item.document.id).user_metadata == {"team": "red", "year": 2024, "draft": False,
                                                                     "score": 0.5}


def test_invalid_user_metadata_stores_nothing(rag):
    rag.collection_service.create("docs")
    for metadata, message in [
        (["a"], "metadata must be a JSON object of key -> string, number or boolean"),
        ({"tags": ["a", "b"]}, "metadata 'tags' must be a string, number or boolean, not a list"),
        ({"owner": None}, "metadata 'owner' must be a string, number or boolean, not null"),
        ({"nested": {"a": 1}}, "metadata 'nested' must be a string, number or boolean, not an object"),
        ({"": "x"}, "metadata key '' must be 1-128 printable characters"),
        ({"x": float("nan")}, "metadata 'x' must be a finite number"),
        ({"x": "y" * 2049}, "metadata 'x' is longer than 2048 characters"),
        ({f"k{i}": i for i in range(65)}, "metadata has 65 keys; at most 64 are allowed"),
    ]:
        try:
            rag.document_service.upload("docs", [("a.txt", b"a")], metadata=metadata)
        except Invalid as exc:
            assert (exc.code, exc.message) == ("invalid_metadata", message)
        else:
            raise AssertionError(f"{metadata!r} was accepted")
    assert (rag.documents.list(), rag.blobs.keys()) == ([], [])


def test_the_doctor_removes_keyword_entries_with_orphan_vectors(rag):
    (a,), store_id = ingest(rag, ("a.txt", b"alpha"))
    rag.documents.remove(a.document.id)  # the registry lost the document: its chunks are orphans
    report = rag.doctor.repair()
    assert [f.kind for f in report.findings] == ["orphan_vectors"]
    assert (rag.vectors.count(store_id), keyword_chunks(rag, store_id)) == (0, [])
