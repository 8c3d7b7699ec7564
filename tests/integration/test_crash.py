"""A worker SIGKILLed in the middle of embedding: another worker finishes the job exactly once."""

import time

from tests.conftest import shared_path
from tests.integration.conftest import WorkerProcess, container_for, wait_until

LEASE_SECONDS = 4


def test_a_killed_worker_s_job_completes_exactly_once_on_another_worker(distributed_env, tmp_path, embedder, parser):
    env = distributed_env | {"RAGCORE_LEASE_SECONDS": str(LEASE_SECONDS), "RAGCORE_EMBED_BATCH_SIZE": "1",
                             "RAGCORE_UPSERT_BATCH_SIZE": "1",  # killed with some of its vectors stored
                             "RAGCORE_JOB_PROGRESS_SECONDS": "0"}  # every step written: the test waits for one
    container = container_for(env, embedder, parser)
    collection = container.services.collections().create("crash")
    data = (shared_path("docs") / "multi_page.pdf").read_bytes()
    (accepted,) = container.services.documents().upload("crash", [("multi_page.pdf", data)])
    jobs, vectors = container.services.jobs(), container.stores.vectors()

    first = WorkerProcess(env, tmp_path / "worker-1.log")
    try:
        embedding = wait_until(lambda: _embedding(jobs.get(accepted.job.id)), 120, "the first worker to embed")
    except AssertionError:
        first.kill()
        raise AssertionError(first.log()) from None
    first.kill()
    killed_at = time.monotonic()
    partial = vectors.count(collection.store_id, accepted.document.id)
    assert (embedding.status, embedding.attempts, embedding.lease_owner is not None) == ("running", 1, True)

    second = WorkerProcess(env, tmp_path / "worker-2.log")
    try:
        done = wait_until(lambda: _ended(jobs.get(accepted.job.id)), LEASE_SECONDS + 180, "the second worker")
    finally:
        exit_code = second.stop()
    assert time.monotonic() - killed_at < LEASE_SECONDS + 180
    document = container.services.documents().get(accepted.document.id)
    chunks = vectors.chunks(collection.store_id, document.id)
    assert (done.status, done.attempts, done.error_code) == ("succeeded", 2, None), second.log()
    assert document.status == "ready" and document.chunk_count > partial
    assert vectors.count(collection.store_id, document.id) == document.chunk_count
    assert [c.id for c in chunks] == [f"{document.id}:{i}" for i in range(document.chunk_count)]
    assert exit_code == 0, second.log()  # SIGTERM: graceful shutdown


def _embedding(job):
    return job if job.stage.startswith("embedding") and job.progress < 80 else None


def _ended(job):
    return job if job.status in ("succeeded", "failed") else None
