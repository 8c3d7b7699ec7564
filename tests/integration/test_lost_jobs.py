"""Redis loses its job keys while documents are queued and processing: the reconciler re-queues the
documents whose uploads are still stored and fails the others with ``worker_lost``; none stays stuck."""

from ragcore.adapters.redis import delete_prefix
from tests.integration.conftest import container_for

TEXTS = {f"bird{i}.md": f"# Bird {i}\n\nBird number {i} migrates {i * 100} km every year.\n" for i in range(3)}


def test_lost_job_keys_are_reconciled(distributed_env, embedder, parser):
    env = distributed_env | {"RAGCORE_REGISTRY": "sql", "RAGCORE_STUCK_AFTER_SECONDS": "0"}
    container = container_for(env, embedder, parser)
    container.services.collections().create("birds")
    accepted = container.services.documents().upload("birds", [(n, t.encode()) for n, t in TEXTS.items()])
    queue, documents = container.stores.jobs(), container.stores.documents()
    running = queue.lease("a-worker-that-will-vanish", 60)  # one document is mid-processing
    gone = accepted[2].document
    container.stores.blobs().delete(gone.blob_key)  # its upload is lost too

    delete_prefix(container.stores.redis(), env["RAGCORE_REDIS_PREFIX"])  # Redis restarted empty
    assert queue.get(running.id) is None and queue.list() == []

    findings = container.services.doctor().reconcile_jobs()
    assert sorted((f.kind, f.outcome) for f in findings) == [("lost_job", "repaired")] * 3
    while (job := container.services.jobs().run_next("worker")) is not None:
        assert job.status == "succeeded"
    states = {d.filename: (d.status, d.error_code) for d in documents.list()}
    assert states == {"bird0.md": ("ready", None), "bird1.md": ("ready", None), "bird2.md": ("failed", "worker_lost")}
    assert container.services.doctor().reconcile_jobs() == []
