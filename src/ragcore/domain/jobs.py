"""Job use cases: read status, and run the next due job (what a worker does in its loop)."""

from datetime import timedelta

import msgspec

from ragcore.domain.errors import IngestionFailed, NotFound, RagCoreError
from ragcore.domain.ingestion import IngestionService
from ragcore.domain.models import Job
from ragcore.domain.ports import Clock, JobQueue


class JobService:
    def __init__(
        self,
        *,
        queue: JobQueue,
        ingestion: IngestionService,
        clock: Clock,
        lease_seconds: float = 60.0,
        backoff_seconds: float = 2.0,
        backoff_cap_seconds: float = 300.0,
    ) -> None:
        self._queue = queue
        self._ingestion = ingestion
        self._clock = clock
        self._lease_seconds = lease_seconds
        self._backoff = backoff_seconds
        self._backoff_cap = backoff_cap_seconds

    def get(self, job_id: str) -> Job:
        """Raises NotFound(code="job_not_found")."""
        job = self._queue.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id!r} does not exist", code="job_not_found")
        return job

    def run_next(self, worker_id: str) -> Job | None:
        """Lease one due job and run it to an end state; returns it, or None if none was due.

        Permanent failures end the job ``failed`` at once; transient ones re-queue it after an
        exponential backoff (``backoff_seconds`` * 2^(attempt-1), capped) until ``max_attempts``.
        Saving progress also renews the lease (the heartbeat).
        """
        job = self._queue.lease(worker_id, self._lease_seconds)
        if job is None:
            return None
        if job.attempts > job.max_attempts:  # earlier holders died mid-job (crash, OOM): stop retrying
            message = f"the job was abandoned by its worker {job.max_attempts} times"
            self._ingestion.mark_failed(job.document_id, "worker_lost", message)
            return self._fail(job, "worker_lost", message)
        state = {"job": job}

        def progress(percent: int, stage: str) -> None:
            state["job"] = self._save(state["job"], progress=percent, stage=stage, lease=True)

        try:
            self._ingestion.process(job.document_id, progress)
        except (IngestionFailed, NotFound) as exc:  # permanent: the file, or the document, is gone for good
            return self._fail(state["job"], exc.code, exc.message)
        except Exception as exc:  # transient or unexpected: retry with backoff, keep the last error
            return self._retry_or_fail(state["job"], exc)
        done = {"progress": 100, "stage": "done", "error_code": None, "error_message": None}
        return self._save(state["job"], status="succeeded", **done)

    def _fail(self, job: Job, code: str, message: str) -> Job:
        return self._save(job, status="failed", stage="failed", error_code=code, error_message=message)

    def _retry_or_fail(self, job: Job, exc: Exception) -> Job:
        code = exc.code if isinstance(exc, RagCoreError) else "internal_error"
        message = exc.message if isinstance(exc, RagCoreError) else f"{type(exc).__name__}: {exc}"
        if job.attempts >= job.max_attempts:
            self._ingestion.mark_failed(job.document_id, code, message)
            return self._fail(job, code, message)
        delay = min(self._backoff * 2 ** (job.attempts - 1), self._backoff_cap)
        return self._save(
            job, status="queued", stage=f"retrying after attempt {job.attempts}",
            error_code=code, error_message=message,
            available_at=self._clock.now() + timedelta(seconds=delay),
        )

    def _save(self, job: Job, *, lease: bool = False, **changes: object) -> Job:
        now = self._clock.now()
        if lease:
            changes["lease_expires_at"] = now + timedelta(seconds=self._lease_seconds)
        elif "status" in changes:
            changes.update(lease_owner=None, lease_expires_at=None)
        updated = msgspec.structs.replace(job, updated_at=now, **changes)
        self._queue.save(updated)
        return updated
