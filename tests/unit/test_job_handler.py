"""JobService runs any BatchHandler under the lease protocol: it knows nothing of ingestion."""

from datetime import timedelta

import msgspec

from ragcore.adapters.memory import MemoryJobQueue
from ragcore.domain.errors import IngestionFailed, Unavailable
from ragcore.domain.jobs.lease import CANCELLED, LeasedDocument
from ragcore.domain.jobs.service import JobService
from ragcore.domain.models import Document, Job
from tests.unit.fakes import FixedClock


class ScriptedHandler:
    """Reports one step per document under its lease, then returns the scripted outcome."""

    def __init__(self, outcomes: dict[str, object]) -> None:
        self.outcomes = outcomes
        self.seen: list[str] = []
        self.failed: list[tuple[str, str, str]] = []

    def process_many(self, tasks: list[LeasedDocument]) -> list[object]:
        for task in tasks:
            self.seen.append(task.document_id)
            task.lease.progress(50, "half way")
            task.lease.checkpoint()
        return [self.outcomes[task.document_id] for task in tasks]

    def mark_failed(self, document_id: str, code: str, message: str) -> None:
        self.failed.append((document_id, code, message))

    def reset(self, document_id: str) -> Document:
        raise AssertionError("not retried here")


def setup(outcomes: dict[str, object]):
    clock = FixedClock()
    queue = MemoryJobQueue(clock)
    for document_id in outcomes:
        queue.enqueue(Job.queued(document_id=document_id, collection_id="c", now=clock.now()))
        clock.advance(1)
    handler = ScriptedHandler(outcomes)
    return clock, queue, handler, JobService(queue=queue, handler=handler, clock=clock, lease_seconds=30)


def test_each_job_ends_by_its_documents_outcome_and_the_lease_carries_its_progress():
    clock = FixedClock()
    ready = Document(id="a", collection_id="c", filename="a.txt", content_type="text/plain", size_bytes=1,
                     sha256="0", blob_key=None, status="ready", created_at=clock.now(), updated_at=clock.now())
    outcomes = {"a": ready, "b": IngestionFailed("b.pdf is encrypted", code="encrypted_document"),
                "c": Unavailable("compute is down", code="compute_unavailable")}
    clock, queue, handler, service = setup(outcomes)
    ended = service.run_batch("w1", 3)
    assert handler.seen == ["a", "b", "c"]
    assert [(j.document_id, j.status, j.progress, j.stage, j.error_code) for j in ended] == [
        ("a", "succeeded", 100, "done", None),
        ("b", "failed", 50, "failed", "encrypted_document"),
        ("c", "queued", 50, "retrying after attempt 1", "compute_unavailable"),
    ]
    assert ended[2].available_at == clock.now() + timedelta(seconds=2)
    assert handler.failed == []  # IngestionFailed: the handler already marked its document


def test_a_cancelled_job_marks_its_document_failed_through_the_handler():
    _, queue, handler, service = setup({"a": None})
    (job,) = queue.list()
    cancelled = service.cancel(job.id)
    assert (cancelled.status, handler.failed) == ("cancelled", [("a", "job_cancelled", CANCELLED)])
    assert CANCELLED == "ingestion was cancelled"


def test_a_job_abandoned_too_often_fails_worker_lost_without_running_the_handler():
    _, queue, handler, service = setup({"a": None})
    (job,) = queue.list()
    queue.update(msgspec.structs.replace(job, attempts=3))  # three earlier holders died mid-job
    (ended,) = service.run_batch("w1", 1)
    assert (ended.status, ended.error_code, handler.seen) == ("failed", "worker_lost", [])
    assert handler.failed == [("a", "worker_lost", "the job was abandoned by its worker 3 times")]
