"""``ragcore worker --concurrency N``: N worker processes sharing the configured stores.

Each process builds its own container (its own model, connections). SIGTERM or SIGINT to the parent
is forwarded to every child; a child finishes its current batch of jobs, then exits. A child killed outright
(SIGKILL, OOM) leaves its job leased: any other worker takes it again once the lease expires.
"""

import multiprocessing
import signal

import structlog

log = structlog.get_logger(__name__)


def run_one() -> None:
    """Run one worker in this process until SIGTERM/SIGINT."""
    from ragcore.app.bootstrap import bootstrap
    from ragcore.app.worker.runner import Worker

    container = bootstrap()
    worker = Worker(
        container.services.jobs(),
        poll_seconds=container.settings.worker_poll_seconds,
        batch_documents=container.settings.worker_batch_documents,
        reconcile=container.services.doctor().reconcile_jobs,
        reconcile_seconds=container.settings.reconcile_seconds,
    )
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
