from datetime import timedelta

import pytest

from ragcore.adapters.memory_vectors import MemoryVectorStore
from ragcore.domain.errors import NotFound
from tests.unit.conftest import build
from tests.unit.fakes import FlakyVectorStore


def _setup(rag, data: bytes, filename: str = "a.txt"):
    rag.collection_service.create("docs")
    (accepted,) = rag.document_service.upload("docs", [(filename, data)])
    return accepted, rag.collection_service.get("docs").store_id


def test_job_runs_to_ready_with_progress_and_frees_the_blob(rag):
    accepted, store_id = _setup(rag, b"one\n\ntwo\fthree")
    job = rag.job_service.run_next("w1")
    doc = rag.document_service.get(accepted.document.id)
    assert (job.status, job.progress, job.stage, job.attempts, job.lease_owner) == ("succeeded", 100, "done", 1, None)
    assert (doc.status, doc.chunk_count, doc.page_count, doc.blob_key) == ("ready", 3, 2, None)
    assert rag.vectors.count(store_id, doc.id) == 3
    assert rag.blobs.exists(accepted.document.blob_key) is False
    assert [c.id for c in rag.document_service.chunks(doc.id)] == [f"{doc.id}:{i}" for i in range(3)]
    assert [c.pages for c in rag.document_service.chunks(doc.id)] == [(1,), (1,), (2,)]


def test_no_queued_job_returns_none(rag):
    assert rag.job_service.run_next("w1") is None


@pytest.mark.parametrize(
    ("data", "code"), [(b" \n\t \n", "no_extractable_text"), (b"BROKEN pdf", "unparseable_document")]
)
def test_permanent_failures_fail_at_once_with_zero_vectors(rag, data, code):
    accepted, store_id = _setup(rag, data)
    job = rag.job_service.run_next("w1")
    doc = rag.document_service.get(accepted.document.id)
    assert (job.status, job.error_code, job.attempts) == ("failed", code, 1)
    assert (doc.status, doc.error_code) == ("failed", code)
    assert rag.vectors.count(store_id) == 0


def test_transient_failure_retries_with_backoff_then_succeeds_without_duplicates():
    flaky = build(vectors=FlakyVectorStore(MemoryVectorStore(), 1))
    accepted, store_id = _setup(flaky, b"p1\n\np2\n\np3")  # batch size 2: first batch fails
    job = flaky.job_service.run_next("w1")
    assert (job.status, job.error_code, job.attempts) == ("queued", "vector_store_unavailable", 1)
    assert job.available_at == flaky.clock.now() + timedelta(seconds=2)
    assert flaky.job_service.run_next("w1") is None  # not due yet
    flaky.clock.advance(2)
    job = flaky.job_service.run_next("w1")
    assert (job.status, job.attempts, job.error_code) == ("succeeded", 2, None)
    assert flaky.vectors.count(store_id) == 3


def test_transient_failures_exhaust_attempts_and_keep_the_last_error():
    rag = build(vectors=FlakyVectorStore(MemoryVectorStore(), 10))
    accepted, store_id = _setup(rag, b"text")
    for delay in (2, 4):
        assert rag.job_service.run_next("w1").status == "queued"
        rag.clock.advance(delay)
    job = rag.job_service.run_next("w1")
    assert (job.status, job.attempts, job.error_code, job.error_message) == (
        "failed", 3, "vector_store_unavailable", "vector store is down")
    assert rag.vectors.count(store_id) == 0
    doc = rag.document_service.get(accepted.document.id)
    assert (doc.status, doc.error_code) == ("failed", "vector_store_unavailable")


def test_expired_lease_is_taken_by_another_worker_and_finishes_once(rag):
    accepted, store_id = _setup(rag, b"a\n\nb")
    crashed = rag.jobs.lease("dead-worker", 30)  # a worker took it and died
    assert crashed.attempts == 1
    assert rag.job_service.run_next("w2") is None  # lease still valid
    rag.clock.advance(31)
    job = rag.job_service.run_next("w2")
    assert (job.status, job.attempts) == ("succeeded", 2)
    assert rag.vectors.count(store_id) == 2


def test_job_of_a_deleted_document_fails_with_document_not_found(rag):
    accepted, _ = _setup(rag, b"text")
    rag.documents.remove(accepted.document.id)
    job = rag.job_service.run_next("w1")
    assert (job.status, job.error_code) == ("failed", "document_not_found")


def test_missing_job_is_not_found(rag):
    with pytest.raises(NotFound) as err:
        rag.job_service.get("nope")
    assert err.value.code == "job_not_found"


def test_a_job_whose_workers_keep_dying_fails_with_worker_lost(rag):
    accepted, store_id = _setup(rag, b"text")
    for _ in range(3):  # three workers lease it and die
        assert rag.jobs.lease("doomed", 30) is not None
        rag.clock.advance(31)
    job = rag.job_service.run_next("w4")
    doc = rag.document_service.get(accepted.document.id)
    assert (job.status, job.error_code, job.attempts) == ("failed", "worker_lost", 4)
    assert (doc.status, doc.error_code) == ("failed", "worker_lost")
