"""Caching search results per collection generation.

A result is stored under a key made of the collection id, the collection's current generation and
every search parameter. Ingestion (a document becomes ready) and deletion bump the generation, so
every earlier key is never looked up again: a search that read generation g before a delete stores
its result under g, and later searches look up g+1. A cache that cannot be reached never fails a
search: lookups miss and writes are skipped.
"""

import contextlib
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ragcore.domain.errors import Unavailable
from ragcore.domain.models import SearchHit
from ragcore.domain.ports import SearchCache


def search_key(
    collection_id: str, generation: int, query: str, top_k: int, mode: str, filters: Mapping[str, Any] | None
) -> str:
    """``search:<collection id>:<generation>:<sha256 of the parameters>``."""
    params = json.dumps([query, top_k, mode, filters], sort_keys=True, ensure_ascii=False)
    return f"search:{collection_id}:{generation}:{hashlib.sha256(params.encode()).hexdigest()}"


class SearchResults:
    """The domain's use of a SearchCache port (or none): lookups, stores and bumps that never raise."""

    def __init__(self, cache: SearchCache | None) -> None:
        self._cache = cache

    def key(
        self, collection_id: str, query: str, top_k: int, mode: str, filters: Mapping[str, Any] | None
    ) -> str | None:
        """The key of this search at the collection's current generation; None without a usable cache."""
        if self._cache is None:
            return None
        try:
            generation = self._cache.generation(collection_id)
        except Unavailable:
            return None
        return search_key(collection_id, generation, query, top_k, mode, filters)

    def get(self, key: str | None) -> list[SearchHit] | None:
        """The cached hits of ``key``, or None (no key, a miss, or the cache is unavailable)."""
        if key is None or self._cache is None:
            return None
        try:
            return self._cache.get(key)
        except Unavailable:
            return None

    def put(self, key: str | None, hits: Sequence[SearchHit]) -> None:
        if key is not None and self._cache is not None:
            with contextlib.suppress(Unavailable):
                self._cache.put(key, hits)

    def bump(self, collection_id: str) -> None:
        """Invalidate every cached result of the collection; an unreachable cache is ignored (its own
        TTL bounds staleness, and cached hits of deleted documents are dropped on the way out)."""
        if self._cache is not None:
            with contextlib.suppress(Unavailable):
                self._cache.bump(collection_id)
