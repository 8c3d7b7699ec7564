"""Ports of retrieval: chunk vectors, the keyword index, the search cache."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from ragcore.domain.models import (
    Chunk,
    SearchHit,
)


class VectorStore(Protocol):
    """Chunk vectors, one store collection per catalog collection, cosine similarity."""

    def create_collection(self, store_id: str, dimension: int) -> None:
        """Create; raises Conflict if it exists."""
        ...

    def drop_collection(self, store_id: str) -> None:
        """Delete with all vectors; no error when absent."""
        ...

    def collection_ids(self) -> list[str]:
        """Ids of every store collection."""
        ...

    def leftover_segments(self) -> list[str]:
        """Names of on-disk index folders of this store that no collection owns (an embedded store's
        dropped collections); empty for a store whose files are not this process's (a server)."""
        ...

    def remove_leftover_segment(self, name: str) -> None:
        """Delete leftover folder ``name``; no error when it is gone or owned again."""
        ...

    def upsert(self, store_id: str, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Insert or replace by chunk id; raises NotFound if the store collection is missing."""
        ...

    def delete_documents(self, store_id: str, document_ids: Collection[str]) -> None:
        """Remove every chunk of these documents in one call; no error for a document without chunks
        or a missing collection."""
        ...

    def document_ids(self, store_id: str) -> set[str]:
        """Ids of every document with at least one chunk; NotFound if the collection is missing."""
        ...

    def count(self, store_id: str, document_id: str | None = None) -> int:
        """Number of chunks in the collection (or of one document); NotFound if missing."""
        ...

    def chunks(self, store_id: str, document_id: str) -> list[Chunk]:
        """A document's chunks ordered by index; NotFound if the collection is missing."""
        ...

    def query(
        self, store_id: str, embedding: Sequence[float], top_k: int, document_ids: frozenset[str] | None = None
    ) -> list[SearchHit]:
        """Nearest chunks, best first, score = cosine similarity; NotFound if missing.

        ``document_ids``: when given, only chunks of these documents (an empty set finds nothing).
        """
        ...


class KeywordIndex(Protocol):
    """Full-text (BM25) index of chunks, one per store collection (keyed by its ``store_id``).

    A chunk is searched by its heading path and its text. Writes are visible to every process that
    shares the backend (API replicas, workers). There is no explicit create: an unknown ``store_id``
    is an empty index.
    """

    def index(self, store_id: str, chunks: Sequence[Chunk]) -> None:
        """Insert or replace ``chunks`` by chunk id, atomically (a retried job never duplicates)."""
        ...

    def delete_documents(self, store_id: str, document_ids: Collection[str]) -> None:
        """Remove every chunk of these documents in one call; no error for a document without chunks."""
        ...

    def drop(self, store_id: str) -> None:
        """Remove every chunk of the store collection; no error when absent."""
        ...

    def query(
        self, store_id: str, text: str, top_k: int, document_ids: frozenset[str] | None = None
    ) -> list[SearchHit]:
        """Up to ``top_k`` chunks sharing at least one term with ``text``, best first, score = BM25 (> 0).

        ``document_ids``: when given, only chunks of these documents. Raises Invalid "invalid_top_k"
        (below 1).
        """
        ...


class SearchCache(Protocol):
    """Recent search results by key, each kept for a bounded time (TTL, LRU-evicted when full), and
    one generation counter per collection that changes whenever the collection's content does.

    Keys are opaque strings built by the domain (they include the generation). ``get`` returns None
    on a miss or an expired entry; ``generation`` is 0 for a collection never bumped. Every method
    raises Unavailable(code="search_cache_unavailable") when its backend cannot be reached.
    """

    def get(self, key: str) -> list[SearchHit] | None: ...

    def put(self, key: str, hits: Sequence[SearchHit]) -> None: ...

    def generation(self, collection_id: str) -> int: ...

    def bump(self, collection_id: str) -> None:
        """Change the collection's generation, so no earlier key is looked up again."""
        ...
