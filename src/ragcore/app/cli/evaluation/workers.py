"""Running ingestion jobs on several threads of one process, sharing the compute.

Ingestion embeds one document per job (about two chunks of an abstract); a transformer on CPU is
markedly faster on batches, so THREADS worker threads run jobs at once and a BatchingEmbedder merges
their embedding calls into one batch. Docling's converter is shared, so parsing goes one at a time.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from dependency_injector import providers

from ragcore.adapters.compute.batching import BatchingEmbedder
from ragcore.app.container import embedder_provider

THREADS = 4
Advance = Callable[[int, int], None]  # (documents done, documents to do)


def batch_compute(container: Any, backend: str = "torch") -> None:
    """Let several worker threads share the compute: the embeddings of ``backend`` (the eval collection's)
    merged into batches, parsing one at a time."""
    compute = container.compute
    embedder = embedder_provider(compute, backend)
    embedder.override(providers.Object(BatchingEmbedder(embedder())))
    compute.parser.override(providers.Object(_OneAtATime(compute.parser())))


class _OneAtATime:
    """A parser proxy that lets one thread parse at a time (Docling's converter is shared)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._lock = threading.Lock()

    def detect_format(self, data: bytes, filename: str) -> str:
        return self._inner.detect_format(data, filename)

    def parse(self, data: bytes, filename: str, *, heartbeat: Any = None) -> Any:
        with self._lock:
            return self._inner.parse(data, filename, heartbeat=heartbeat)


def run_jobs(services: Any, collection: str, worker_id: str, advance: Advance) -> None:
    """Run due jobs on THREADS threads until no document of ``collection`` is queued or processing;
    ``advance(done, total)`` after each finished job. Re-raises the first error of a thread."""
    _Pool(services, collection, advance).run([f"{worker_id}-{i}" for i in range(THREADS)])


class _Pool:
    def __init__(self, services: Any, collection: str, advance: Advance) -> None:
        self._services = services
        self._collection = collection
        self._advance = advance
        self._lock = threading.Lock()
        self._done = 0
        self._total = 0
        self._errors: list[BaseException] = []

    def run(self, worker_ids: list[str]) -> None:
        self._total = self._pending()
        self._advance(0, self._total)
        threads = [threading.Thread(target=self._work, args=(w,), daemon=True) for w in worker_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self._errors:
            raise self._errors[0]

    def _work(self, worker_id: str) -> None:
        try:
            while self._step(worker_id):
                pass
        except BaseException as exc:  # re-raised in the calling thread
            self._errors.append(exc)

    def _step(self, worker_id: str) -> bool:
        """Run one job; False when nothing of the collection is left to run."""
        job = self._services.jobs().run_next(worker_id)
        if job is not None:
            with self._lock:
                self._done += job.status in ("succeeded", "failed")
                self._advance(self._done, self._total)
            return True
        if self._pending() == 0:
            return False
        time.sleep(0.5)  # a retry's backoff, or the lease of a crashed earlier run, has not expired yet
        return True

    def _pending(self) -> int:
        documents = self._services.documents()
        return sum(len(documents.list(collection_name=self._collection, status=s)) for s in ("queued", "processing"))
