"""JobService.cancel / retry, lease fencing (LeaseLost, JobCancelled) and priorities, on the memory stores."""

import msgspec
import pytest

from ragcore.adapters.memory_vectors import MemoryVectorStore
from ragcore.domain.errors import Conflict, Invalid, NotFound
from ragcore.domain.jobs.service import JobService
from ragcore.domain.models import Job
from tests.unit.conftest import build
from tests.unit.fakes import FlakyVectorStore, HookedVectorStore, RecordingJobQueue
from tests.unit.test_keyword_consistency import keyword_chunks

THREE_CHUNKS = b"alpha\n\nbeta\n\ngamma"  # batch size 2: two upserts, progress 76 after the first


def _setup(rag, data: bytes, filename: str = "a.txt", priority: int = 0):
    rag.collection_service.create("docs")
    (accepted,) = rag.document_service.upload("docs", [(filename, data)], priority=priority)
    return accepted, rag.collection_service.get("docs").store_id


def _recorded(rag, progress_seconds: float = 1.0) -> tuple[RecordingJobQueue, JobService]:
    queue = RecordingJobQueue(rag.jobs)
    return queue, JobService(queue=queue, handler=rag.ingestion, clock=rag.clock, lease_seconds=30,
                             progress_seconds=progress_seconds)


def test_cancel_of_a_queued_job_fails_its_document_and_it_is_never_run(rag):
    accepted, _ = _setup(rag, b"text")
    rag.clock.advance(5)
    cancelled = rag.job_service.cancel(accepted.job.id)
    expected = msgspec.structs.replace(accepted.job, status="cancelled", stage="cancelled", updated_at=rag.clock.now())
    assert cancelled == expected
    assert rag.jobs.get(accepted.job.id) == expected
    doc = rag.document_service.get(accepted.document.id)
    assert (doc.status, doc.error_code, doc.error_message) == ("failed", "job_cancelled", "ingestion was cancelled")
    rag.clock.advance(3600)
    assert rag.job_service.run_next("w1") is None


@pytest.mark.parametrize(("progress_seconds", "saves", "progress"), [
    (0.0, [("w1", 5, "saved"), ("w1", 30, "saved"), ("w1", 76, "JobCancelled")], 30),  # every step written
    (1.0, [("w1", 95, "JobCancelled")], 0),  # no time passes: only the write before "ready" notices it
])
def test_cancel_of_a_running_job_stops_it_at_its_next_written_progress_step(progress_seconds, saves, progress):
    rag = build(vectors=HookedVectorStore(MemoryVectorStore()))
    accepted, store_id = _setup(rag, THREE_CHUNKS)
    doc_id, job_id = accepted.document.id, accepted.job.id
    queue, service = _recorded(rag, progress_seconds)
    written: list[int] = []

    def cancel_mid_ingestion() -> None:
        written.append(rag.vectors.count(store_id, doc_id))
        service.cancel(job_id)

    rag.vectors.hook = cancel_mid_ingestion
    job = service.run_next("w1")
    assert written == [2]
    assert queue.saves == saves
    assert job == rag.jobs.get(job_id)
    assert (job.status, job.stage, job.progress, job.attempts) == ("cancelled", "cancelled", progress, 1)
    assert job.lease_owner is None
    assert rag.vectors.count(store_id) == 0
    assert keyword_chunks(rag, store_id) == []
    doc = rag.document_service.get(doc_id)
    assert (doc.status, doc.error_code, doc.chunk_count) == ("failed", "job_cancelled", 0)
    assert rag.blobs.exists(doc.blob_key)  # kept for a retry
    rag.clock.advance(3600)
    assert service.run_next("w2") is None
    assert rag.jobs.get(job_id).status == "cancelled"


def test_progress_steps_are_written_once_progress_seconds_have_passed():
    rag = build()
    _setup(rag, THREE_CHUNKS)
    queue, service = _recorded(rag, progress_seconds=1.0)
    rag.parser.parse = _ticking(rag.parser.parse, rag.clock)  # each parse takes 1 s of the clock
    assert service.run_next("w1").status == "succeeded"
    assert queue.saves == [("w1", 30, "saved"), ("w1", 95, "saved"), ("w1", 100, "saved")]


def _ticking(parse, clock):
    def parse_for_a_second(data, filename, *, heartbeat=None):
        clock.advance(1)
        return parse(data, filename, heartbeat=heartbeat)
    return parse_for_a_second


def test_cancel_of_an_ended_or_unknown_job_is_refused(rag):
    accepted, _ = _setup(rag, b"text")
    done = rag.job_service.run_next("w1")
    with pytest.raises(Conflict) as err:
        rag.job_service.cancel(done.id)
    assert err.value.code == "job_finished"
    assert rag.jobs.get(done.id) == done
    with pytest.raises(NotFound) as missing:
        rag.job_service.cancel("nope")
    assert missing.value.code == "job_not_found"


def test_retry_of_a_failed_job_queues_a_new_job_and_the_document_again():
    rag = build(vectors=FlakyVectorStore(MemoryVectorStore(), 3))
    accepted, store_id = _setup(rag, b"text")
    for delay in (2, 4):
        assert rag.job_service.run_next("w1").status == "queued"
        rag.clock.advance(delay)
    failed = rag.job_service.run_next("w1")
    assert (failed.status, failed.attempts) == ("failed", 3)
    rag.clock.advance(10)
    new = rag.job_service.retry(failed.id)
    now = rag.clock.now()
    assert new == Job(
        id=new.id, document_id=accepted.document.id, collection_id=accepted.document.collection_id,
        status="queued", priority=0, max_attempts=3, available_at=now, created_at=now, updated_at=now,
    )
    assert new.id != failed.id
    assert rag.jobs.get(failed.id) == failed
    doc = rag.document_service.get(accepted.document.id)
    assert (doc.status, doc.error_code, doc.error_message) == ("queued", None, None)
    done = rag.job_service.run_next("w2")
    assert (done.id, done.status, done.attempts) == (new.id, "succeeded", 1)
    assert rag.vectors.count(store_id) == 1
    assert rag.document_service.get(accepted.document.id).status == "ready"


def test_retry_of_a_cancelled_job_keeps_or_overrides_its_priority(rag):
    accepted, _ = _setup(rag, b"text", priority=4)
    rag.job_service.cancel(accepted.job.id)
    again = rag.job_service.retry(accepted.job.id)
    assert (again.status, again.priority) == ("queued", 4)
    rag.job_service.cancel(again.id)
    assert rag.job_service.retry(again.id, priority=-2).priority == -2


@pytest.mark.parametrize("run_first", [True, False], ids=["succeeded", "queued"])
def test_retry_of_a_succeeded_or_queued_job_is_not_retryable(rag, run_first):
    accepted, _ = _setup(rag, b"text")
    if run_first:
        rag.job_service.run_next("w1")
    with pytest.raises(Conflict) as err:
        rag.job_service.retry(accepted.job.id)
    assert err.value.code == "job_not_retryable"
    assert [j.id for j in rag.jobs.list(document_id=accepted.document.id)] == [accepted.job.id]


def test_retry_when_the_uploaded_bytes_are_gone_is_refused(rag):
    accepted, _ = _setup(rag, b"BROKEN file")
    failed = rag.job_service.run_next("w1")
    assert (failed.status, failed.error_code) == ("failed", "unparseable_document")
    rag.blobs.delete(accepted.document.blob_key)
    with pytest.raises(Conflict) as err:
        rag.job_service.retry(failed.id)
    assert err.value.code == "document_bytes_gone"
    assert rag.jobs.list(document_id=accepted.document.id) == [failed]
    assert rag.document_service.get(accepted.document.id).status == "failed"


def test_stalled_worker_loses_its_lease_and_leaves_the_new_owners_vectors():
    rag = build(vectors=HookedVectorStore(MemoryVectorStore()))
    accepted, store_id = _setup(rag, THREE_CHUNKS)
    queue, service = _recorded(rag)
    finished_by_w2 = []

    def stall_then_let_w2_take_over() -> None:  # w1 hangs past its lease; w2 re-leases and finishes
        rag.clock.advance(31)
        finished_by_w2.append(service.run_next("w2"))

    rag.vectors.hook = stall_then_let_w2_take_over
    job = service.run_next("w1")
    (w2_job,) = finished_by_w2
    assert (w2_job.status, w2_job.attempts) == ("succeeded", 2)
    w1_saves = [s for s in queue.saves if s[0] == "w1"]
    assert w1_saves == [("w1", 76, "LeaseLost")]  # no time passed before the stall: steps 5 and 30 not written
    assert queue.saves[-1] == ("w1", 76, "LeaseLost")
    assert job == w2_job == rag.jobs.get(accepted.job.id)
    assert rag.vectors.count(store_id, accepted.document.id) == 3
    doc = rag.document_service.get(accepted.document.id)
    assert (doc.status, doc.chunk_count, doc.error_code) == ("ready", 3, None)


def test_stalled_worker_whose_job_another_worker_holds_gets_lease_lost():
    rag = build(vectors=HookedVectorStore(MemoryVectorStore()))
    accepted, store_id = _setup(rag, THREE_CHUNKS)
    queue, service = _recorded(rag)
    taken = []

    def stall_then_w2_leases() -> None:
        rag.clock.advance(31)
        taken.append(rag.jobs.lease("w2", 30))

    rag.vectors.hook = stall_then_w2_leases
    job = service.run_next("w1")
    assert queue.saves[-1] == ("w1", 76, "LeaseLost")
    assert job == taken[0] == rag.jobs.get(accepted.job.id)
    assert (job.status, job.lease_owner, job.attempts) == ("running", "w2", 2)
    assert rag.vectors.count(store_id, accepted.document.id) == 2  # upserted by id: w2 overwrites them


def test_higher_priority_job_runs_first(rag):
    rag.collection_service.create("docs")
    (low,) = rag.document_service.upload("docs", [("low.txt", b"low")])
    rag.clock.advance(1)
    (high,) = rag.document_service.upload("docs", [("high.txt", b"high")], priority=5)
    first, second = rag.job_service.run_next("w1"), rag.job_service.run_next("w1")
    assert [(first.id, first.priority), (second.id, second.priority)] == [(high.job.id, 5), (low.job.id, 0)]
    assert rag.job_service.run_next("w1") is None


def test_a_job_retried_once_cannot_be_retried_again(rag):
    rag.collection_service.create("docs")
    (accepted,) = rag.document_service.upload("docs", [("a.txt", b"BROKEN bytes")])
    assert rag.job_service.run_next("w1").status == "failed"
    rag.job_service.retry(accepted.job.id)
    with pytest.raises(Conflict) as err:
        rag.job_service.retry(accepted.job.id)
    assert err.value.code == "job_superseded"
    assert len(rag.jobs.list(document_id=accepted.document.id)) == 2


def test_priority_outside_the_range_is_invalid(rag):
    rag.collection_service.create("docs")
    with pytest.raises(Invalid) as err:
        rag.document_service.upload("docs", [("a.txt", b"x")], priority=101)
    assert (err.value.code, err.value.message) == ("invalid_priority", "priority must be between -100 and 100")
