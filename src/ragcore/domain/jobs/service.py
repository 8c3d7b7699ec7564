"""Job use cases: status, cancel, retry, and running the next due jobs (a worker's loop body)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial

import msgspec

from ragcore.domain.errors import Conflict, IngestionFailed, JobCancelled, LeaseLost, NotFound, RagCoreError
from ragcore.domain.jobs.lease import CANCELLED, BatchHandler, LeasedDocument
from ragcore.domain.models import FINISHED_JOB_STATUSES, Document, Job, updated
from ragcore.domain.ports import Clock, JobQueue


class JobService:
    def __init__(
        self,
        *,
        queue: JobQueue,
        handler: BatchHandler,
        clock: Clock,
        lease_seconds: float = 60.0,
        backoff_seconds: float = 2.0,
        backoff_cap_seconds: float = 300.0,
        progress_seconds: float = 1.0,
    ) -> None:
        """``handler``: runs the documents of leased jobs (the container gives IngestionService);
        ``progress_seconds``: a running job's progress steps are written (each write renews its lease
        and notices a cancellation or a lost lease) at most this often, and always right before its
        document is marked ready; each write is one fenced store round trip."""
        self._queue = queue
        self._handler = handler
        self._clock = clock
        self._lease_seconds = lease_seconds
        self._backoff = backoff_seconds
        self._backoff_cap = backoff_cap_seconds
        self._progress_every = timedelta(seconds=progress_seconds)

    def get(self, job_id: str) -> Job:
        """Raises NotFound(code="job_not_found")."""
        job = self._queue.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id!r} does not exist", code="job_not_found")
        return job

    def cancel(self, job_id: str) -> Job:
        """Cancel a queued or running job; its document ends ``failed`` with code "job_cancelled".

        A running job stops at its next written progress step (within ``progress_seconds``, and
        before its document becomes ready). Raises NotFound, Conflict "job_finished".
        """
        job = self.get(job_id)
        if job.status in FINISHED_JOB_STATUSES:
            raise Conflict(f"job {job_id!r} has already ended ({job.status})", code="job_finished")
        cancelled = updated(
            job, self._clock.now(), status="cancelled", stage="cancelled", lease_owner=None, lease_expires_at=None,
        )
        self._queue.update(cancelled)
        self._handler.mark_failed(job.document_id, "job_cancelled", CANCELLED)
        return cancelled

    def retry(self, job_id: str, *, priority: int | None = None) -> Job:
        """Queue a new job for the document of a failed or cancelled job; returns the new job.

        Raises NotFound (job or document), Conflict "job_not_retryable" (queued, running or
        succeeded), "job_superseded" (not the document's latest job), "document_bytes_gone" (the
        upload is no longer stored).
        """
        job = self.get(job_id)
        if job.status not in ("failed", "cancelled"):
            raise Conflict(f"job {job_id!r} is {job.status}; only failed or cancelled jobs are retried",
                           code="job_not_retryable")
        others = [j for j in self._queue.list(document_id=job.document_id) if j.id != job.id]
        if any(j.status in ("queued", "running", "succeeded") or j.created_at > job.created_at for j in others):
            raise Conflict(f"the document of job {job_id!r} already has a newer job", code="job_superseded")
        self._handler.reset(job.document_id)
        new = Job.queued(
            document_id=job.document_id, collection_id=job.collection_id, now=self._clock.now(),
            priority=job.priority if priority is None else priority, max_attempts=job.max_attempts,
        )
        self._queue.enqueue(new)
        return new

    def run_next(self, worker_id: str) -> Job | None:
        """Lease one due job and run it to an end state; returns it, or None if none was due.

        Permanent failures end the job ``failed`` at once; transient ones re-queue it after an
        exponential backoff (``backoff_seconds`` * 2^(attempt-1), capped) until ``max_attempts``.
        Each written progress step renews the lease (the heartbeat); if the lease was lost or the job
        was cancelled meanwhile, the worker stops and leaves the job to its new owner.
        """
        jobs = self.run_batch(worker_id, 1)
        return jobs[0] if jobs else None

    def run_batch(self, worker_id: str, max_jobs: int) -> list[Job]:
        """Lease up to ``max_jobs`` due jobs and run them together (the handler's ``process_many``: the
        chunks of all their documents are embedded in one length-sorted stream); returns their end
        states in lease order, empty if none was due.

        Each job ends as ``run_next`` would end it alone: a permanent failure, a lost lease or a
        cancellation affects only its own job; a failed embedding call re-queues (or dead-letters)
        every job of its stream. Leases are renewed while the others' documents are worked on. If
        saving some job's end state fails, the others are still saved, then the first error is raised.
        """
        runners = [
            _Run(self._queue, self._clock, self._lease_seconds, self._progress_every, job, worker_id)
            for job in self._queue.lease_many(worker_id, self._lease_seconds, max_jobs)
        ]
        ends = self._end_all(runners)
        errors = [end for end in ends.values() if isinstance(end, Exception)]
        if errors:
            raise errors[0]
        return [end for r in runners if isinstance(end := ends[r.job.id], Job)]

    def _end_all(self, runners: list[_Run]) -> dict[str, Job | Exception | None]:
        """Per job id: its saved end state, None (the job is gone) or the error saving it raised. Jobs
        whose earlier holders died mid-job too often end first; the others once the handler ran them."""
        lost = [r for r in runners if r.job.attempts > r.job.max_attempts]
        live = [r for r in runners if r not in lost]
        ends = {r.job.id: _ended(partial(self._abandoned, r)) for r in lost}
        for runner, outcome in zip(live, self._process(live), strict=True):
            ends[runner.job.id] = _ended(partial(self._end, runner, outcome))
        return ends

    def _process(self, runners: list[_Run]) -> list[Document | Exception]:
        """The handler's outcome per runner's document, in order (no call for none)."""
        if not runners:
            return []
        return self._handler.process_many([LeasedDocument(r.job.document_id, r) for r in runners])

    def _abandoned(self, runner: _Run) -> Job:
        """Earlier holders died mid-job (crash, OOM) ``max_attempts`` times: stop retrying."""
        message = f"the job was abandoned by its worker {runner.job.max_attempts} times"
        self._handler.mark_failed(runner.job.document_id, "worker_lost", message)
        return runner.fail("worker_lost", message)

    def _end(self, runner: _Run, outcome: object) -> Job | None:
        """Save the end state of a job whose document ended with ``outcome`` (ready, or an exception)."""
        if isinstance(outcome, (LeaseLost, JobCancelled)):  # the job is someone else's now, or over
            return self._queue.get(runner.job.id)
        if isinstance(outcome, (IngestionFailed, NotFound)):  # permanent: the file, or the document, is gone
            return runner.fail(outcome.code, outcome.message)
        if isinstance(outcome, Exception):  # transient or unexpected: retry with backoff, keep the last error
            return self._retry_or_fail(runner, outcome)
        return runner.save(status="succeeded", progress=100, stage="done", error_code=None, error_message=None)

    def _retry_or_fail(self, runner: _Run, exc: Exception) -> Job:
        code = exc.code if isinstance(exc, RagCoreError) else "internal_error"
        message = exc.message if isinstance(exc, RagCoreError) else f"{type(exc).__name__}: {exc}"
        job = runner.job
        if job.attempts >= job.max_attempts:  # dead-letter: failed for good, last error kept
            self._handler.mark_failed(job.document_id, code, message)
            return runner.fail(code, message)
        delay = min(self._backoff * 2 ** (job.attempts - 1), self._backoff_cap)
        return runner.save(
            status="queued", stage=f"retrying after attempt {job.attempts}", error_code=code,
            error_message=message, available_at=self._clock.now() + timedelta(seconds=delay),
        )


class _Run:
    """One leased job as a worker sees it: every save is fenced by the worker's lease."""

    def __init__(
        self, queue: JobQueue, clock: Clock, lease_seconds: float, progress_every: timedelta, job: Job, worker_id: str
    ) -> None:
        self._queue = queue
        self._clock = clock
        self._lease_seconds = lease_seconds
        self._progress_every = progress_every
        self.job = job
        self._worker_id = worker_id
        self._written = clock.now()  # the lease was just written

    def progress(self, percent: int, stage: str) -> None:
        """Record a step; it is written once ``progress_every`` has passed since the last write (a
        step costs a store round trip, and a batch takes several per document)."""
        self.job = msgspec.structs.replace(self.job, progress=percent, stage=stage)
        if self._clock.now() - self._written >= self._progress_every:
            self.checkpoint()

    def keep_alive(self) -> None:
        """Renew the lease once a third of it has passed since the last write (a cheap heartbeat for
        a job waiting while the other documents of its batch are worked on)."""
        if self._clock.now() - self._written >= timedelta(seconds=self._lease_seconds / 3):
            self.checkpoint()

    def checkpoint(self) -> None:
        """Write the current step and renew the lease now; raises LeaseLost or JobCancelled if the job
        is no longer this worker's."""
        self._written = self._clock.now()
        self.save(lease_expires_at=self._written + timedelta(seconds=self._lease_seconds))

    def fail(self, code: str, message: str) -> Job:
        return self.save(status="failed", stage="failed", error_code=code, error_message=message)

    def save(self, **changes: object) -> Job:
        if "status" in changes:  # an end state, or back to the queue: the lease is released
            changes.update(lease_owner=None, lease_expires_at=None)
        self.job = updated(self.job, self._clock.now(), **changes)
        self._queue.save(self.job, self._worker_id)
        return self.job


def _ended(end: Callable[[], Job | None]) -> Job | Exception | None:
    """The job's end state ``end()`` (None: the job is gone), or the exception that saving it raised
    (e.g. the queue is down: the lease expires and the job is handed out again). A job deleted with its
    document meanwhile (NotFound) is not an error: there is nothing to save."""
    try:
        return end()
    except NotFound:
        return None
    except Exception as exc:
        return exc
