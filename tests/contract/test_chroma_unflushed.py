"""The ChromaDB adapter queried while the server has not yet written a collection's vector index to
disk ("Error creating hnsw segment reader: Nothing found on disk", seen under concurrent uploads):
the search retries, then answers no hits; it never raises. Real Chroma, the error injected into the
handle's query."""

import pytest
from chromadb.errors import InternalError
from tests.contract.test_vector_store import _chroma_embedded, _chroma_http

from ragcore.domain.models import Chunk

UNFLUSHED = "Error executing plan: Internal error: Error creating hnsw segment reader: Nothing found on disk"


class Unflushed:
    """A collection handle whose first ``failures`` queries fail as a server's unflushed segment does."""

    def __init__(self, inner, failures: int) -> None:
        self._inner, self.failures, self.queries = inner, failures, 0

    def query(self, **kwargs):
        self.queries += 1
        if self.queries <= self.failures:
            raise InternalError(UNFLUSHED)
        return self._inner.query(**kwargs)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


@pytest.fixture(params=["chroma-embedded", "chroma-http"])
def store(request):
    adapter = {"chroma-embedded": _chroma_embedded, "chroma-http": _chroma_http}[request.param](request)
    adapter.create_collection("rc_unflushed", 2)
    adapter.upsert("rc_unflushed", [Chunk(id="d:0", document_id="d", index=0, text="x")], [[1.0, 0.0]])
    yield adapter
    adapter.drop_collection("rc_unflushed")
    adapter.close()


def _inject(store, failures: int) -> Unflushed:
    store.count("rc_unflushed")  # caches the handle
    handle = Unflushed(store._handles["rc_unflushed"], failures)
    store._handles["rc_unflushed"] = handle
    return handle


def test_a_query_before_the_index_is_flushed_is_retried_until_it_answers(store):
    handle = _inject(store, failures=3)
    hits = store.query("rc_unflushed", [1.0, 0.0], 5)
    assert ([h.chunk.id for h in hits], handle.queries) == (["d:0"], 4)


def test_an_index_still_not_flushed_after_the_retries_answers_no_hits(store):
    handle = _inject(store, failures=1000)
    assert store.query("rc_unflushed", [1.0, 0.0], 5) == []
    assert handle.queries == 6
