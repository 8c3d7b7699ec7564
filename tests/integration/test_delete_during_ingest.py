"""Delete and cancel a document at every stage of its ingestion (queued, parsing in its own process,
embedding, storing), on the real embedded stores: a deleted document is gone from every store and never
comes back; a cancelled one ends failed "job_cancelled" with 0 chunks; the worker logs no error."""

import threading

import pytest
import structlog.testing

from ragcore.adapters.compute.isolated_parser import IsolatedParser
from ragcore.app.worker.runner import Worker
from ragcore.domain.errors import NotFound
from tests.compute.parser_doubles import SleepsForever
from tests.http.conftest import make_container
from tests.integration.conftest import wait_until

MATE = b"# Lakes\n\nSwans stay all winter on the lake.\n"
CANCELLED = "ingestion was cancelled"


class HookedEmbedder:
    """The session's embedder; ``before`` runs once before the first call, ``after`` once after it."""

    def __init__(self, inner) -> None:
        self._inner, self.before, self.after = inner, None, None

    def embed_documents(self, texts):
        hook, self.before = self.before, None
        if hook:
            hook()
        vectors = self._inner.embed_documents(texts)
        hook, self.after = self.after, None
        if hook:
            hook()
        return vectors

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


@pytest.fixture(scope="module")
def sleepy_parser():
    parser = IsolatedParser(SleepsForever, timeout_seconds=120, poll_seconds=0.1)
    yield parser
    parser.close()


@pytest.fixture
def rag(tmp_path, embedder, sleepy_parser):
    hooked = HookedEmbedder(embedder)
    container = make_container(tmp_path / "data", hooked, sleepy_parser, lease_seconds=1.5, job_progress_seconds=0)
    container.services.collections().create("docs")
    container.hooked = hooked
    return container


def _act(rag, action: str, accepted) -> None:
    if action == "delete":
        rag.services.documents().delete(accepted.document.id)
    else:
        rag.services.jobs().cancel(accepted.job.id)


def _run_worker(rag, stage: str, act) -> None:
    """One worker round over the batch, ``act()`` called at ``stage``."""
    worker = Worker(rag.services.jobs(), batch_documents=10, poll_seconds=0.1, reconcile=None, reconcile_seconds=60.0)
    if stage == "queued":
        act()
    elif stage == "embedding":
        rag.hooked.before = act
    elif stage == "storing":
        rag.hooked.after = act  # the vectors are computed; the upsert comes next
    if stage != "parsing":
        worker._run_one()
        return
    thread = threading.Thread(target=worker._run_one)
    thread.start()
    jobs = rag.services.jobs()
    wait_until(lambda: jobs.get(_run_worker.job_id).stage == "parsing", 60, "the parse to start")
    act()
    thread.join(60)
    assert not thread.is_alive(), "the worker is still held by the parse"


@pytest.mark.parametrize("stage", ["queued", "parsing", "embedding", "storing"])
@pytest.mark.parametrize("action", ["delete", "cancel"])
def test_delete_or_cancel_at_every_stage(rag, action, stage):
    services, stores = rag.services, rag.stores
    victim_bytes = b"SLEEP forever" if stage == "parsing" else b"# Birds\n\nThe goose migrates south.\n"
    victim, mate = services.documents().upload("docs", [("victim.md", victim_bytes), ("mate.md", MATE)])
    _run_worker.job_id = victim.job.id
    with structlog.testing.capture_logs() as logs:
        _run_worker(rag, stage, lambda: _act(rag, action, victim))
    assert [event for event in logs if event["log_level"] in ("warning", "error", "critical")] == []

    store_id = services.collections().get("docs").store_id
    assert services.documents().get(mate.document.id).status == "ready"
    assert stores.vectors().count(store_id, victim.document.id) == 0
    assert stores.keywords().query(store_id, "goose migrates", 5) == []
    if action == "delete":
        with pytest.raises(NotFound):
            services.documents().get(victim.document.id)
        with pytest.raises(NotFound):
            services.jobs().get(victim.job.id)
        assert stores.vectors().document_ids(store_id) == {mate.document.id}
    else:
        document = services.documents().get(victim.document.id)
        assert (document.status, document.error_code, document.error_message) == (
            "failed", "job_cancelled", CANCELLED)
        assert services.jobs().get(victim.job.id).status == "cancelled"
    assert services.jobs().run_batch("worker-2", 10) == []  # nothing left to run: it never comes back
    assert stores.vectors().count(store_id, victim.document.id) == 0
    assert services.doctor().check().clean
