"""SearchCache contract: the in-process (cachetools) and the Redis adapter, plus the unit tests' fake."""

import time

import pytest
from redis_fixtures import redis_client
from tests.unit.test_search_cache import RecordingSearchCache

from ragcore.adapters.redis import make_redis
from ragcore.adapters.search_cache import MemorySearchCache, RedisSearchCache
from ragcore.domain.errors import Unavailable
from ragcore.domain.models import Chunk, SearchHit

TTL = 0.3


@pytest.fixture(params=["fake", "memory", "redis"])
def cache(request):
    if request.param == "fake":
        return RecordingSearchCache()
    if request.param == "memory":
        return MemorySearchCache(max_entries=100, ttl_seconds=TTL)
    client, prefix = redis_client(request)
    return RedisSearchCache(client, prefix, ttl_seconds=TTL)


def hits(*names: str) -> list[SearchHit]:
    return [
        SearchHit(chunk=Chunk(id=f"{n}:0", document_id=n, index=0, text=f"text ü {n}", pages=(1, 2),
                              headings=("A", "B"), filename=f"{n}.md"), score=0.5 + i / 10)
        for i, n in enumerate(names)
    ]


def test_a_miss_is_none_and_a_stored_result_comes_back_equal(cache) -> None:
    assert cache.get("search:c:0:k") is None
    cache.put("search:c:0:k", hits("a", "b"))
    assert cache.get("search:c:0:k") == hits("a", "b")
    cache.put("search:c:0:empty", [])
    assert cache.get("search:c:0:empty") == []


def test_generations_start_at_zero_and_change_per_collection_on_bump(cache) -> None:
    assert (cache.generation("c1"), cache.generation("c2")) == (0, 0)
    seen = [0]
    for _ in range(2):
        cache.bump("c1")
        seen.append(cache.generation("c1"))
    assert len(set(seen)) == 3 and cache.generation("c2") == 0


def test_entries_expire_after_their_ttl(cache) -> None:
    if isinstance(cache, RecordingSearchCache):
        pytest.skip("the fake has no TTL")
    cache.put("search:c:0:k", hits("a"))
    time.sleep(TTL + 0.3)
    assert cache.get("search:c:0:k") is None


def test_the_memory_cache_evicts_the_least_recently_used_entry() -> None:
    cache = MemorySearchCache(max_entries=2, ttl_seconds=60)
    cache.put("k1", hits("a"))
    cache.put("k2", hits("b"))
    cache.get("k1")
    cache.put("k3", hits("c"))
    assert (cache.get("k1"), cache.get("k2"), cache.get("k3")) == (hits("a"), None, hits("c"))


def test_an_unreachable_redis_is_unavailable() -> None:
    cache = RedisSearchCache(make_redis("redis://127.0.0.1:1/0"), "x", ttl_seconds=TTL)
    for call in (lambda: cache.get("k"), lambda: cache.put("k", []), lambda: cache.generation("c"),
                 lambda: cache.bump("c")):
        with pytest.raises(Unavailable) as err:
            call()
        assert err.value.code == "search_cache_unavailable"
