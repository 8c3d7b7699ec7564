"""The search cache in the domain: repeated searches are served from it, ingestion and deletion
invalidate it, a deleted document never comes back, and an unreachable cache never fails a search."""

import pytest

from ragcore.domain.errors import Invalid, NotFound, Unavailable
from ragcore.domain.search.cache import search_key
from tests.unit.conftest import build


class RecordingSearchCache:
    """A hand-written SearchCache that records every call."""

    def __init__(self) -> None:
        self.results: dict = {}
        self.generations: dict[str, int] = {}
        self.hits = self.misses = 0

    def get(self, key):
        found = self.results.get(key)
        self.hits += found is not None
        self.misses += found is None
        return None if found is None else list(found)

    def put(self, key, hits) -> None:
        self.results[key] = list(hits)

    def generation(self, collection_id) -> int:
        return self.generations.get(collection_id, 0)

    def bump(self, collection_id) -> None:
        self.generations[collection_id] = self.generation(collection_id) + 1


class DownSearchCache:
    def _down(self, *args):
        raise Unavailable("down", code="search_cache_unavailable")

    get = put = generation = bump = _down


@pytest.fixture
def cached():
    rag = build(search_cache=RecordingSearchCache())
    rag.cache = rag.search_service._cache._cache
    rag.collection_service.create("docs")
    rag.document_service.upload("docs", [("fruit.txt", b"apples and pears"), ("cars.txt", b"engines and wheels")])
    while rag.job_service.run_next("w1"):
        pass
    return rag


def test_a_repeated_search_is_served_from_the_cache(cached):
    first = cached.search_service.search("docs", "apples and pears", 2)
    again = cached.search_service.search("docs", "apples and pears", 2)
    assert again == first and (cached.cache.hits, cached.cache.misses) == (1, 1)


def test_other_parameters_are_other_keys(cached):
    cached.search_service.search("docs", "apples", 2)
    cached.search_service.search("docs", "apples", 3)
    cached.search_service.search("docs", "apples", 2, mode="keyword")
    cached.search_service.search("docs", "apples", 2, filters={"filename": "fruit.txt"})
    assert (cached.cache.hits, cached.cache.misses) == (0, 4)


def test_a_deleted_document_never_comes_back_from_the_cache(cached):
    assert [h.chunk.filename for h in cached.search_service.search("docs", "apples and pears", 2)][0] == "fruit.txt"
    fruit = next(d for d in cached.document_service.list() if d.filename == "fruit.txt")
    cached.document_service.delete(fruit.id)
    assert [h.chunk.filename for h in cached.search_service.search("docs", "apples and pears", 2)] == ["cars.txt"]


def test_cached_hits_of_a_document_deleted_elsewhere_are_dropped(cached):
    """Another process deleted it and its bump did not reach this cache: the registry check still drops it."""
    cached.search_service.search("docs", "apples and pears", 2)
    fruit = next(d for d in cached.document_service.list() if d.filename == "fruit.txt")
    cached.documents.remove(fruit.id)
    hits = cached.search_service.search("docs", "apples and pears", 2)
    assert cached.cache.hits == 1 and [h.chunk.filename for h in hits] == ["cars.txt"]


def test_a_newly_ready_document_invalidates_the_collection(cached):
    cached.search_service.search("docs", "plums", 5)
    generation = cached.cache.generation(cached.collection_service.get("docs").id)
    cached.document_service.upload("docs", [("plums.txt", b"plums")])
    while cached.job_service.run_next("w1"):
        pass
    assert cached.cache.generation(cached.collection_service.get("docs").id) == generation + 1
    names = [h.chunk.filename for h in cached.search_service.search("docs", "plums", 5)]
    assert "plums.txt" in names and cached.cache.hits == 0


def test_an_unreachable_cache_never_fails_a_search_or_a_delete():
    rag = build(search_cache=DownSearchCache())
    rag.collection_service.create("docs")
    accepted = rag.document_service.upload("docs", [("fruit.txt", b"apples and pears")])
    while rag.job_service.run_next("w1"):
        pass
    assert [h.chunk.filename for h in rag.search_service.search("docs", "apples", 1)] == ["fruit.txt"]
    rag.document_service.delete(accepted[0].document.id)
    assert rag.search_service.search("docs", "apples", 1) == []


def test_keys_name_collection_and_generation_and_differ_by_parameter():
    key = search_key("c1", 3, "q", 5, "dense", None)
    assert key.startswith("search:c1:3:")
    others = {search_key("c1", 4, "q", 5, "dense", None), search_key("c1", 3, "q", 6, "dense", None),
              search_key("c1", 3, "q", 5, "hybrid", None), search_key("c1", 3, "q", 5, "dense", {"a": 1})}
    assert key not in others and len(others) == 4
    same = search_key("c1", 3, "q", 5, "dense", {"b": 2, "a": 1})
    assert search_key("c1", 3, "q", 5, "dense", {"a": 1, "b": 2}) == same


def test_lookup_answers_only_from_the_cache_and_complete_runs_a_miss(cached, monkeypatch):
    service = cached.search_service
    found = service.lookup("docs", "apples and pears", 2)
    assert found.hits is None and cached.cache.results == {}  # a miss runs nothing
    hits = service.complete(found)
    assert [h.chunk.filename for h in hits] == ["fruit.txt", "cars.txt"]
    monkeypatch.setattr(cached.vectors, "query", None)  # a hit never reaches the vector store
    assert service.lookup("docs", "apples and pears", 2).hits == hits
    fruit = next(d for d in cached.document_service.list() if d.filename == "fruit.txt")
    cached.documents.remove(fruit.id)  # deleted elsewhere, no bump: the registry check drops it
    assert [h.chunk.filename for h in service.lookup("docs", "apples and pears", 2).hits] == ["cars.txt"]


def test_lookup_checks_like_search_and_without_a_cache_always_misses(cached):
    with pytest.raises(NotFound) as err:
        cached.search_service.lookup("nope", "apples", 2)
    assert err.value.code == "collection_not_found"
    with pytest.raises(Invalid) as err:
        cached.search_service.lookup("docs", "apples", 0)
    assert err.value.code == "invalid_top_k"
    rag = build()
    rag.collection_service.create("docs")
    assert rag.search_service.lookup("docs", "apples", 2).hits is None
