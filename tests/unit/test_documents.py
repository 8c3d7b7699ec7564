import pytest

from ragcore.domain.errors import Invalid, NotFound, PayloadTooLarge


@pytest.fixture
def docs(rag):
    rag.collection_service.create("docs")
    return rag


def _store_sizes(rag):
    return len(rag.documents.list()), len(rag.blobs._blobs), rag.jobs.get("x"), rag.vectors.collection_ids()


def test_upload_to_missing_collection_is_not_found_and_stores_nothing(rag):
    with pytest.raises(NotFound) as err:
        rag.document_service.upload("nope", [("a.txt", b"hello")])
    assert err.value.code == "collection_not_found"
    assert _store_sizes(rag) == (0, 0, None, [])


def test_empty_file_is_rejected_and_nothing_is_stored(docs):
    with pytest.raises(Invalid) as err:
        docs.document_service.upload("docs", [("good.txt", b"fine"), ("empty.txt", b"")])
    assert (err.value.code, err.value.message) == ("empty_file", "'empty.txt' is empty (0 bytes)")
    assert (len(docs.documents.list()), len(docs.blobs._blobs)) == (0, 0)


def test_too_large_and_unsupported_files(docs):
    with pytest.raises(PayloadTooLarge) as err:
        docs.document_service.upload("docs", [("big.txt", b"x" * 1001)])
    assert (err.value.code, err.value.message) == ("file_too_large", "'big.txt' is 1001 bytes; the limit is 1000")
    with pytest.raises(Invalid) as err:
        docs.document_service.upload("docs", [("a.exe", b"MZ")])
    assert err.value.code == "unsupported_format"
    assert len(docs.documents.list()) == 0


def test_upload_registers_queued_document_with_job(docs):
    (accepted,) = docs.document_service.upload("docs", [("dir/a.txt", b"hello world")])
    assert (accepted.document.filename, accepted.document.status, accepted.duplicate) == ("a.txt", "queued", False)
    assert docs.jobs.get(accepted.job.id).status == "queued"
    assert docs.blobs.get(accepted.document.blob_key) == b"hello world"


def test_same_bytes_twice_returns_the_existing_document(docs):
    (first,) = docs.document_service.upload("docs", [("a.txt", b"same bytes")])
    docs.job_service.run_next("w1")
    count = docs.vectors.count(docs.collection_service.get("docs").store_id)
    (second,) = docs.document_service.upload("docs", [("copy.txt", b"same bytes")])
    assert (second.duplicate, second.document.id, second.job.id) == (True, first.document.id, first.job.id)
    assert docs.job_service.run_next("w1") is None
    assert docs.vectors.count(docs.collection_service.get("docs").store_id) == count == 1
    assert len(docs.documents.list()) == 1


def test_delete_removes_vectors_blob_jobs_and_entry(docs):
    (a,) = docs.document_service.upload("docs", [("a.txt", b"apple banana")])
    (b,) = docs.document_service.upload("docs", [("b.txt", b"cherry date")])
    blob_b = b.document.blob_key
    docs.job_service.run_next("w1")
    docs.document_service.delete(b.document.id)  # still queued: its blob exists
    docs.document_service.delete(a.document.id)
    store_id = docs.collection_service.get("docs").store_id
    assert docs.vectors.count(store_id, a.document.id) == 0
    assert docs.blobs.exists(blob_b) is False
    assert docs.jobs.latest_for_document(a.document.id) is None
    assert docs.search_service.search("docs", "apple banana", 5) == []
    with pytest.raises(NotFound) as err:
        docs.document_service.get(a.document.id)
    assert err.value.code == "document_not_found"
