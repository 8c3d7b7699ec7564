"""SearchCache adapters: in-process (cachetools LRU + TTL) and Redis (SET EX + INCR).

``MemorySearchCache`` serves one process: a ``ragcore serve`` with its in-process worker sees every
bump. Deployments with separate worker processes or several API replicas use ``RedisSearchCache``,
whose generations are shared; with the memory cache there, a document ingested by another process
appears once its cached results expire (TTL), and a deleted one is still never served (the domain
re-checks cached hits against the registry).
"""

import threading
from collections.abc import Sequence
from typing import Any

import msgspec

from ragcore.domain.errors import Unavailable
from ragcore.domain.models import SearchHit

_HITS = msgspec.json.Decoder(list[SearchHit])
_UNAVAILABLE = "search_cache_unavailable"


class MemorySearchCache:
    """Up to ``max_entries`` results, each for ``ttl_seconds``, least recently used evicted first."""

    def __init__(self, *, max_entries: int, ttl_seconds: float) -> None:
        from cachetools import TTLCache

        self._results: Any = TTLCache(maxsize=max_entries, ttl=ttl_seconds)
        self._generations: dict[str, int] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> list[SearchHit] | None:
        with self._lock:
            hits = self._results.get(key)
        return None if hits is None else list(hits)

    def put(self, key: str, hits: Sequence[SearchHit]) -> None:
        with self._lock:
            self._results[key] = tuple(hits)

    def generation(self, collection_id: str) -> int:
        with self._lock:
            return self._generations.get(collection_id, 0)

    def bump(self, collection_id: str) -> None:
        with self._lock:
            self._generations[collection_id] = self._generations.get(collection_id, 0) + 1


class RedisSearchCache:
    """Results as msgspec JSON under ``<prefix>:search:...`` with a TTL; generations under
    ``<prefix>:search-gen:<collection id>`` (INCR, no TTL). Raises Unavailable
    "search_cache_unavailable" when Redis cannot be reached."""

    def __init__(self, client: Any, prefix: str, *, ttl_seconds: float) -> None:
        self._redis = client
        self._prefix = prefix
        self._ttl_ms = max(1, int(ttl_seconds * 1000))

    def get(self, key: str) -> list[SearchHit] | None:
        raw = self._call(self._redis.get, f"{self._prefix}:{key}")
        return None if raw is None else _HITS.decode(raw)

    def put(self, key: str, hits: Sequence[SearchHit]) -> None:
        self._call(self._redis.set, f"{self._prefix}:{key}", msgspec.json.encode(list(hits)), px=self._ttl_ms)

    def generation(self, collection_id: str) -> int:
        raw = self._call(self._redis.get, self._generation_key(collection_id))
        return 0 if raw is None else int(raw)

    def bump(self, collection_id: str) -> None:
        self._call(self._redis.incr, self._generation_key(collection_id))

    def _generation_key(self, collection_id: str) -> str:
        return f"{self._prefix}:search-gen:{collection_id}"

    @staticmethod
    def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
        import redis

        try:
            return method(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise Unavailable("the search cache cannot be reached", code=_UNAVAILABLE) from exc
