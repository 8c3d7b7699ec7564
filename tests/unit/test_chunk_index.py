"""ChunkIndex: one error semantics for a chunk that lives in a vector store and a keyword index."""

import pytest

from ragcore.adapters.memory_keywords import MemoryKeywordIndex
from ragcore.adapters.memory_vectors import MemoryVectorStore
from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.errors import NotFound, Unavailable
from ragcore.domain.models import Chunk, chunk_id
from tests.unit.fakes import BrokenStore, FakeEmbedder, FlakyKeywordIndex

STORE = "rc_test"


def chunks_of(document_id: str, *texts: str) -> list[Chunk]:
    return [Chunk(id=chunk_id(document_id, i), document_id=document_id, index=i, text=t) for i, t in enumerate(texts)]


def vectors(chunks: list[Chunk]) -> list[list[float]]:
    return FakeEmbedder().embed_documents([c.text for c in chunks])


def stores(vector_store=None, keyword_index=None):
    vector_store = vector_store or MemoryVectorStore()
    keyword_index = keyword_index or MemoryKeywordIndex(k1=0.9, b=0.6)
    index = ChunkIndex(vector_store, keyword_index)
    index.create(STORE, FakeEmbedder.dimension)
    return index, vector_store, keyword_index


def keyword_ids(keywords, document_id: str) -> list[str]:
    return sorted(h.chunk.id for h in keywords.query(STORE, "apples", 100) if h.chunk.document_id == document_id)


def written(vector_store=None, keyword_index=None):
    """A ChunkIndex holding documents "a" (two chunks) and "b" (one)."""
    index, vector_store, keyword_index = stores(vector_store, keyword_index)
    for doc in (chunks_of("a", "apples one", "apples two"), chunks_of("b", "apples three")):
        index.write(STORE, doc, vectors(doc))
    return index, vector_store, keyword_index


def test_a_write_stores_vectors_and_keywords_of_every_chunk():
    index, _, keywords = written()
    assert (index.count(STORE), index.count(STORE, "a"), index.count(STORE, "b")) == (3, 2, 1)
    assert keyword_ids(keywords, "a") == ["a:0", "a:1"]
    assert [c.id for c in index.chunks(STORE, "a")] == ["a:0", "a:1"]
    assert (index.store_ids(), index.document_ids(STORE)) == ([STORE], {"a", "b"})


def test_a_failed_keyword_write_removes_the_vectors_of_its_documents_and_raises_the_keyword_error():
    flaky = FlakyKeywordIndex(MemoryKeywordIndex(k1=0.9, b=0.6), failures=0)
    index, vector_store, keywords = written(keyword_index=flaky)
    keywords.failures = 1
    doc = chunks_of("c", "apples four", "apples five")
    with pytest.raises(Unavailable) as caught:
        index.write(STORE, doc, vectors(doc))
    assert (caught.value.code, caught.value.message) == ("keyword_index_unavailable", "the keyword index is down")
    assert (index.count(STORE, "c"), index.count(STORE), keyword_ids(keywords, "c")) == (0, 3, [])


def test_a_failed_keyword_write_reports_the_keyword_error_even_when_removing_the_vectors_fails():
    vector_store = BrokenStore(MemoryVectorStore(), "delete_documents", code="vector_store_unavailable")
    index, _, keywords = stores(vector_store, FlakyKeywordIndex(MemoryKeywordIndex(k1=0.9, b=0.6), failures=1))
    doc = chunks_of("c", "apples four")
    with pytest.raises(Unavailable) as caught:
        index.write(STORE, doc, vectors(doc))
    assert (caught.value.code, vector_store.failed) == ("keyword_index_unavailable", ["delete_documents"])
    assert index.count(STORE, "c") == 1  # left for the caller's clean-up or the doctor


@pytest.mark.parametrize(("broken_vectors", "broken_keywords", "code", "left"), [
    (True, False, "vector_store_unavailable", (2, [])),  # keywords still removed
    (False, True, "keyword_index_unavailable", (0, ["a:0", "a:1"])),  # vectors still removed
    (True, True, "vector_store_unavailable", (2, ["a:0", "a:1"])),  # the first error is raised
])
def test_delete_documents_tries_both_indexes_and_raises_the_first_error(broken_vectors, broken_keywords, code, left):
    vector_store = MemoryVectorStore()
    keyword_index = MemoryKeywordIndex(k1=0.9, b=0.6)
    wrapped_vectors = BrokenStore(vector_store, "delete_documents", code="vector_store_unavailable")
    wrapped_keywords = BrokenStore(keyword_index, "delete_documents", code="keyword_index_unavailable")
    written(vector_store, keyword_index)
    index = ChunkIndex(wrapped_vectors if broken_vectors else vector_store,
                       wrapped_keywords if broken_keywords else keyword_index)
    with pytest.raises(Unavailable) as caught:
        index.delete_documents(STORE, ["a"])
    assert (caught.value.code, caught.value.message) == (code, "delete_documents failed")
    assert (vector_store.count(STORE, "a"), keyword_ids(keyword_index, "a")) == left
    assert (vector_store.count(STORE, "b"), keyword_ids(keyword_index, "b")) == (1, ["b:0"])


def test_delete_documents_removes_both_and_ignores_unknown_documents():
    index, _, keywords = written()
    index.delete_documents(STORE, ["a", "nobody"])
    assert (index.count(STORE, "a"), keyword_ids(keywords, "a"), index.count(STORE)) == (0, [], 1)


@pytest.mark.parametrize(("broken", "code"), [("drop_collection", "vector_store_unavailable"),
                                               ("drop", "keyword_index_unavailable")])
def test_drop_tries_both_indexes_and_raises_the_first_error(broken, code):
    vector_store, keyword_index = MemoryVectorStore(), MemoryKeywordIndex(k1=0.9, b=0.6)
    written(vector_store, keyword_index)
    index = ChunkIndex(BrokenStore(vector_store, broken, code=code) if broken == "drop_collection" else vector_store,
                       BrokenStore(keyword_index, broken, code=code) if broken == "drop" else keyword_index)
    with pytest.raises(Unavailable) as caught:
        index.drop(STORE)
    assert (caught.value.code, caught.value.message) == (code, f"{broken} failed")
    if broken == "drop":  # the vectors went first
        assert STORE not in vector_store.collection_ids() and keyword_ids(keyword_index, "a") == ["a:0", "a:1"]
    else:  # the keyword index was dropped all the same
        assert STORE in vector_store.collection_ids() and keyword_ids(keyword_index, "a") == []


def test_drop_removes_both_and_a_missing_collection_counts_as_not_found():
    index, _, keywords = written()
    index.drop(STORE)
    index.drop(STORE)  # no error when absent
    assert keyword_ids(keywords, "a") == []
    with pytest.raises(NotFound) as caught:
        index.count(STORE)
    assert caught.value.code == "store_collection_not_found"
