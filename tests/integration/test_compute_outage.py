"""Remote compute dies mid-ingest: the job goes back to the queue with compute_unavailable, and once
the compute service is back on the same port the retried job finishes with every vector."""

from dependency_injector import providers

from ragcore.app.bootstrap import bootstrap
from ragcore.app.settings import Settings
from tests.conftest import shared_path
from tests.integration.conftest import wait_until


class KillComputeAfterUpserts:
    """The real vector store, which SIGKILLs the compute process once ``upserts`` batches are written
    (so the kill lands while the document is being embedded, batch after batch)."""

    def __init__(self, vectors, upserts: int, kill) -> None:
        self._vectors, self._left, self._kill = vectors, upserts, kill

    def upsert(self, *args, **kwargs) -> None:
        self._vectors.upsert(*args, **kwargs)
        self._left -= 1
        if self._left == 0:
            self._kill()

    def __getattr__(self, name: str):
        return getattr(self._vectors, name)


def test_killing_compute_mid_ingest_requeues_the_job_and_it_finishes_once_compute_is_back(
    tmp_path, compute_server
) -> None:
    compute_server.ensure_running()
    settings = Settings(
        data_dir=tmp_path / "data", compute="remote", compute_urls=[compute_server.url], compute_retries=2,
        embed_batch_size=1, upsert_batch_size=1, chunk_size=64, chunk_overlap=8,  # 35 chunks, 35 requests + upserts
    )
    container = bootstrap(settings, log_level="WARNING")
    vectors = container.stores.vectors()
    container.stores.vectors.override(providers.Object(KillComputeAfterUpserts(vectors, 3, compute_server.kill)))
    services = container.services
    collection = services.collections().create("outage")
    data = shared_path("docs", "multi_page.pdf").read_bytes()
    [accepted] = services.documents().upload("outage", [("multi_page.pdf", data)])
    jobs = services.jobs()
    try:
        interrupted = jobs.run_next("worker-1")
        assert not compute_server.running()
        assert (interrupted.status, interrupted.error_code) == ("queued", "compute_unavailable")
        assert (interrupted.attempts, interrupted.stage) == (1, "retrying after attempt 1")
        assert jobs.run_next("worker-1") is None  # backing off
        compute_server.start()  # the same port: the client's URL list does not change
        finished = wait_until(lambda: jobs.run_next("worker-1"), timeout=30, what="the retried job")
    finally:
        compute_server.ensure_running()
    assert (finished.status, finished.attempts, finished.error_code) == ("succeeded", 2, None)
    document = services.documents().get(accepted.document.id)
    # 41 chunks since PDF chunks carry heading paths counted in the chunk size (issue 15; 35 before)
    assert (document.status, document.chunk_count, document.page_count) == ("ready", 41, 5)
    assert vectors.count(collection.store_id, document.id) == 41
