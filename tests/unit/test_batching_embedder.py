"""BatchingEmbedder: concurrent embed_documents calls merge into batches; results and errors reach their callers."""

import threading
import time

from ragcore.adapters.compute.batching import BatchingEmbedder
from ragcore.domain.errors import Unavailable


class SlowEmbedder:
    model_name, dimension, max_seq_length = "slow", 1, 8

    def __init__(self, fail: bool = False) -> None:
        self.batches: list[int] = []
        self.fail = fail

    def embed_documents(self, texts):
        self.batches.append(len(texts))
        time.sleep(0.05)
        if self.fail:
            raise Unavailable("down", code="embedding_model_unavailable")
        return [[float(len(t))] for t in texts]

    def embed_query(self, text):
        return [0.5]

    def tokenize(self, text):
        return list(text)


def _concurrently(embedder, n: int) -> dict[int, object]:
    out: dict[int, object] = {}

    def call(i: int) -> None:
        try:
            out[i] = embedder.embed_documents(["x" * i, "y" * (i + 1)])
        except Unavailable as exc:
            out[i] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_concurrent_calls_share_batches_and_each_caller_gets_its_own_vectors():
    inner = SlowEmbedder()
    out = _concurrently(BatchingEmbedder(inner, max_texts=8), 12)
    assert out == {i: [[float(i)], [float(i + 1)]] for i in range(12)}
    assert sum(inner.batches) == 24 and max(inner.batches) <= 8 and len(inner.batches) < 12


def test_an_error_reaches_every_caller_of_the_batch():
    out = _concurrently(BatchingEmbedder(SlowEmbedder(fail=True)), 4)
    assert all(isinstance(v, Unavailable) for v in out.values())


def test_everything_else_is_the_inner_embedders():
    embedder = BatchingEmbedder(SlowEmbedder())
    assert (embedder.model_name, embedder.dimension, embedder.max_seq_length) == ("slow", 1, 8)
    assert embedder.embed_query("q") == [0.5]
    assert embedder.tokenize("ab") == ["a", "b"]
    assert embedder.embed_documents([]) == []
