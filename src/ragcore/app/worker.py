"""The worker loop: lease a job, run it, repeat; sleep while the queue is empty."""

import os
import socket
import threading
import time
from collections.abc import Callable

import structlog

from ragcore.domain.ids import new_id
from ragcore.domain.jobs import JobService

log = structlog.get_logger(__name__)


def worker_id() -> str:
    """``<host>:<pid>:<random>``: unique per worker, readable in the job's lease_owner."""
    return f"{socket.gethostname()}:{os.getpid()}:{new_id()[:8]}"


class Worker:
    """Runs jobs until ``stop_event`` is set; every ``reconcile_seconds`` it also runs ``reconcile``
    (re-queues documents whose jobs were lost, e.g. when Redis lost its keys)."""

    def __init__(
        self,
        jobs: JobService,
        *,
        poll_seconds: float = 0.5,
        reconcile: Callable[[], object] | None = None,
        reconcile_seconds: float = 60.0,
    ) -> None:
        self._jobs = jobs
        self._poll = poll_seconds
        self._reconcile = reconcile
        self._reconcile_seconds = reconcile_seconds
        self._next_reconcile = 0.0
        self.id = worker_id()
        self.stop_event = threading.Event()

    def run_forever(self) -> None:
        """Run until ``stop_event`` is set; the current job always finishes first."""
        log.info("worker_started", worker=self.id)
        while not self.stop_event.is_set():
            self._maybe_reconcile()
            if not self._run_one():
                self.stop_event.wait(self._poll)
        log.info("worker_stopped", worker=self.id)

    def _maybe_reconcile(self) -> None:
        if self._reconcile is None or time.monotonic() < self._next_reconcile:
            return
        self._next_reconcile = time.monotonic() + self._reconcile_seconds
        try:
            findings = self._reconcile()
            if findings:
                log.warning("reconciled_lost_jobs", worker=self.id, findings=len(findings))
        except Exception:  # reconciliation is best effort; the next round tries again
            log.exception("reconcile_failed", worker=self.id)

    def _run_one(self) -> bool:
        try:
            job = self._jobs.run_next(self.id)
        except Exception:  # a store outage must not kill the worker; the lease hands the job back
            log.exception("worker_iteration_failed", worker=self.id)
            self.stop_event.wait(self._poll)
            return False
        if job is not None:
            log.info("job_finished", job=job.id, status=job.status, error=job.error_code)
        return job is not None

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name=f"ragcore-worker-{self.id}", daemon=True)
        thread.start()
        return thread
