"""Worker processes and the in-process worker: one loop (``Worker.run_until``) for every way jobs run.

``ragcore worker --concurrency N`` runs N processes, each building its own container (its own model,
connections). SIGTERM or SIGINT to the parent is forwarded to every child; a child finishes its current
batch of jobs, then exits. A child killed outright (SIGKILL, OOM) leaves its job leased: any other worker
takes it again once the lease expires. ``serve`` runs the same worker on a thread; ``ingest``, ``eval``
and the benchmarks run it in their own thread until their documents have ended (``drain``).
"""

import multiprocessing
import signal
from collections.abc import Callable

import structlog

from ragcore.app.worker.runner import Worker

log = structlog.get_logger(__name__)
PENDING = ("queued", "processing")  # document states that still wait for a job to end


def worker_for(container) -> Worker:
    """The production worker of ``container``: its JobService, batch size, poll interval and reconciler."""
    queue = container.settings().queue
    return Worker(
        container.services.jobs(),
        poll_seconds=queue.worker_poll_seconds,
        batch_documents=queue.worker_batch_documents,
        reconcile=container.services.doctor().reconcile_jobs,
        reconcile_seconds=queue.reconcile_seconds,
    )


def drain(container, collection: str, progress: Callable[[int, int], None] = lambda done, total: None) -> None:
    """Run ``worker_for(container)`` in this thread until no document of ``collection`` is queued or
    processing; ``progress(documents ended, documents that were pending)`` before every round."""
    documents = container.services.documents()

    def pending() -> int:
        return sum(len(documents.list(collection_name=collection, status=s)) for s in PENDING)

    total = pending()

    def done() -> bool:
        left = pending()
        progress(total - left, total)
        return left == 0

    worker_for(container).run_until(done)


def run_one() -> None:
    """Run one worker in this process until SIGTERM/SIGINT."""
    from ragcore.app.bootstrap import bootstrap

    worker = worker_for(bootstrap())
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: worker.stop_event.set())
    worker.run_forever()


def run_pool(concurrency: int) -> int:
    """Run ``concurrency`` worker processes until they exit; returns the worst exit code."""
    if concurrency <= 1:
        run_one()
        return 0
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no forked torch/sqlite state
    children = [context.Process(target=run_one, name=f"ragcore-worker-{i}") for i in range(concurrency)]
    for child in children:
        child.start()

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            if child.is_alive():
                child.terminate()  # SIGTERM: the child finishes its current job first

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for child in children:
        child.join()
        log.info("worker_process_exited", name=child.name, exitcode=child.exitcode)
    return max(abs(child.exitcode or 0) for child in children)
