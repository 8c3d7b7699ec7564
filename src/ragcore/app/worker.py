"""The worker loop: lease a job, run it, repeat; sleep while the queue is empty."""

import os
import socket
import threading

import structlog

from ragcore.domain.ids import new_id
from ragcore.domain.jobs import JobService

log = structlog.get_logger(__name__)


def worker_id() -> str:
    """``<host>:<pid>:<random>``: unique per worker, readable in the job's lease_owner."""
    return f"{socket.gethostname()}:{os.getpid()}:{new_id()[:8]}"


class Worker:
    def __init__(self, jobs: JobService, *, poll_seconds: float = 0.5) -> None:
        self._jobs = jobs
        self._poll = poll_seconds
        self.id = worker_id()
        self.stop_event = threading.Event()

    def run_pending(self) -> int:
        """Run due jobs until none is left; returns how many ran."""
        count = 0
        while not self.stop_event.is_set() and self._run_one():
            count += 1
        return count

    def run_forever(self) -> None:
        """Run until ``stop_event`` is set; the current job always finishes first."""
        log.info("worker_started", worker=self.id)
        while not self.stop_event.is_set():
            if not self._run_one():
                self.stop_event.wait(self._poll)
        log.info("worker_stopped", worker=self.id)

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
