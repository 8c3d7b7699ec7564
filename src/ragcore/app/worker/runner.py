"""The worker loop: lease a batch of jobs, run them, repeat; sleep while the queue is empty."""

import os
import socket
import threading
import time
from collections.abc import Callable

import structlog

from ragcore.domain.ids import new_id
from ragcore.domain.jobs.service import JobService

log = structlog.get_logger(__name__)


def worker_id() -> str:
    """``<host>:<pid>:<random>``: unique per worker, readable in the job's lease_owner."""
    return f"{socket.gethostname()}:{os.getpid()}:{new_id()[:8]}"


class Worker:
    """Runs jobs until ``stop_event`` is set, up to ``batch_documents`` at a time (JobService.run_batch:
    their chunks are embedded together); every ``reconcile_seconds`` it also runs ``reconcile``
    (re-queues documents whose jobs were lost, e.g. when Redis lost its keys)."""

    def __init__(
        self,
        jobs: JobService,
        *,
        poll_seconds: float,
        batch_documents: int,
        reconcile: Callable[[], object] | None,
        reconcile_seconds: float,
    ) -> None:
        self._jobs = jobs
        self._poll = poll_seconds
        self._batch = max(1, batch_documents)
        self._reconcile = reconcile
        self._reconcile_seconds = reconcile_seconds
        self._next_reconcile = 0.0
        self.id = worker_id()
        self.stop_event = threading.Event()

    def run_forever(self) -> None:
        """Run until ``stop_event`` is set; the current batch always finishes first."""
        self.run_until(self.stop_event.is_set)

    def run_until(self, done: Callable[[], bool]) -> None:
        """The worker loop: reconcile when due, run a batch, wait ``poll_seconds`` when none was due;
        until ``done()`` (asked before every round). ``ragcore worker`` and ``serve`` stop on a signal;
        ``ingest``, ``eval`` and the benchmarks when their documents have ended (``drain``)."""
        log.info("worker_started", worker=self.id)
        while not done():
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
        """Run one batch; False if no job was due (or the batch failed)."""
        try:
            jobs = self._jobs.run_batch(self.id, self._batch)
        except Exception:  # a store outage must not kill the worker; the leases hand the jobs back
            log.exception("worker_iteration_failed", worker=self.id)
            self.stop_event.wait(self._poll)
            return False
        for job in jobs:
            log.info("job_finished", job=job.id, status=job.status, error=job.error_code)
        return bool(jobs)

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name=f"ragcore-worker-{self.id}", daemon=True)
        thread.start()
        return thread
