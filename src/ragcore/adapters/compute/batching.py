"""BatchingEmbedder: merges concurrent ``embed_documents`` calls of several threads into one model batch.

Ingestion embeds one document at a time (about two chunks of a short abstract); a transformer on CPU
is markedly faster on batches of dozens. With several worker threads, the thread that finds the model
idle becomes the leader: it embeds every queued request at once, hands each caller its vectors and
wakes the others, one of which leads the next batch. Results are the same as unbatched calls (up to
float rounding).
"""

import threading
from collections.abc import Sequence
from typing import Any

from ragcore.domain.ports import Embedder


class _Request:
    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.vectors: list[list[float]] | None = None
        self.error: BaseException | None = None

    @property
    def finished(self) -> bool:
        return self.vectors is not None or self.error is not None


class BatchingEmbedder:
    """``Embedder`` delegating to ``inner``; ``max_texts``: texts per merged batch. Thread-safe.

    Any other attribute (``tokenize``, ``count_tokens``) is the inner embedder's.
    """

    def __init__(self, inner: Embedder, max_texts: int = 64) -> None:
        self._inner = inner
        self._max_texts = max(1, max_texts)
        self._cond = threading.Condition()
        self._queue: list[_Request] = []
        self._busy = False

    @property
    def model_name(self) -> str:
        return self._inner.model_name

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    @property
    def max_seq_length(self) -> int:
        return self._inner.max_seq_length

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """(len(texts), dimension) vectors, possibly computed in one batch with other threads' texts."""
        request = _Request(list(texts))
        with self._cond:
            self._queue.append(request)
        while True:
            with self._cond:
                while not request.finished and self._busy:
                    self._cond.wait()
                if request.finished:
                    break
                self._busy = True  # this thread leads the next batch
                batch = self._take()
            self._run(batch)
        if request.error is not None:
            raise request.error
        return request.vectors or []

    def _take(self) -> list[_Request]:
        """Queued requests up to ``max_texts`` texts (at least one request); called under the lock."""
        batch, count = [], 0
        while self._queue and (not batch or count + len(self._queue[0].texts) <= self._max_texts):
            request = self._queue.pop(0)
            batch.append(request)
            count += len(request.texts)
        return batch

    def _run(self, batch: list[_Request]) -> None:
        try:
            vectors = self._inner.embed_documents([t for r in batch for t in r.texts])
            start = 0
            for r in batch:
                r.vectors, start = vectors[start : start + len(r.texts)], start + len(r.texts)
        except BaseException as exc:  # every caller of the batch gets the error
            for r in batch:
                r.error = exc
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
