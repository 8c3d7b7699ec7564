"""In-memory ``VectorStore`` with the semantics of the real adapters.

Pure Python (no numpy, no chromadb) so domain tests and the single-process demo stay light.
The contract tests in tests/contract/ hold these fakes to the same behaviour as Chroma and the
filesystem.
"""

import math
import re
import threading
from collections.abc import Collection, Sequence

from ragcore.domain.errors import Conflict, Invalid, NotFound
from ragcore.domain.models import Chunk, SearchHit

# Chroma's collection-name rule, so the fake rejects what the real store rejects.
_STORE_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]")


class _Collection:
    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self.records: dict[str, tuple[Chunk, tuple[float, ...]]] = {}


class MemoryVectorStore:
    """``VectorStore`` in a dict; cosine similarity by brute force. Thread-safe."""

    def __init__(self) -> None:
        self._collections: dict[str, _Collection] = {}
        self._lock = threading.Lock()

    def create_collection(self, store_id: str, dimension: int) -> None:
        """Raises Conflict "store_collection_exists", Invalid "invalid_dimension" / "invalid_store_id"."""
        if dimension < 1:
            raise Invalid(f"dimension must be positive, not {dimension}", code="invalid_dimension")
        if not _STORE_ID.fullmatch(store_id):
            raise Invalid(f"invalid store collection id {store_id!r}", code="invalid_store_id")
        with self._lock:
            if store_id in self._collections:
                raise Conflict(f"store collection {store_id!r} exists", code="store_collection_exists")
            self._collections[store_id] = _Collection(dimension)

    def drop_collection(self, store_id: str) -> None:
        """No error when absent."""
        with self._lock:
            self._collections.pop(store_id, None)

    def leftover_segments(self) -> list[str]:
        """None: nothing is kept on disk."""
        return []

    def remove_leftover_segment(self, name: str) -> None:
        """Nothing to remove."""

    def collection_ids(self) -> list[str]:
        """Sorted store ids."""
        with self._lock:
            return sorted(self._collections)

    def upsert(self, store_id: str, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Raises NotFound "store_collection_not_found", Conflict "embedding_dimension_mismatch",
        Invalid "embedding_count_mismatch"."""
        if len(chunks) != len(embeddings):
            raise Invalid(
                f"{len(chunks)} chunks but {len(embeddings)} embeddings", code="embedding_count_mismatch"
            )
        with self._lock:
            collection = self._get(store_id)
            for embedding in embeddings:
                _check_dimension(embedding, collection.dimension)
            for chunk, embedding in zip(chunks, embeddings, strict=True):
                collection.records[chunk.id] = (chunk, tuple(float(x) for x in embedding))

    def delete_documents(self, store_id: str, document_ids: Collection[str]) -> None:
        """No error when the documents have no vectors or the collection is gone."""
        wanted = set(document_ids)
        with self._lock:
            collection = self._collections.get(store_id)
            if collection is None:
                return
            for key in [k for k, (c, _) in collection.records.items() if c.document_id in wanted]:
                del collection.records[key]

    def document_ids(self, store_id: str) -> set[str]:
        """Ids of every document with at least one chunk; raises NotFound "store_collection_not_found"."""
        with self._lock:
            return {c.document_id for c, _ in self._get(store_id).records.values()}

    def count(self, store_id: str, document_id: str | None = None) -> int:
        """Raises NotFound "store_collection_not_found"."""
        with self._lock:
            records = self._get(store_id).records.values()
            return sum(1 for c, _ in records if document_id is None or c.document_id == document_id)

    def chunks(self, store_id: str, document_id: str) -> list[Chunk]:
        """Ordered by index; raises NotFound "store_collection_not_found"."""
        with self._lock:
            found = [c for c, _ in self._get(store_id).records.values() if c.document_id == document_id]
        return sorted(found, key=lambda c: c.index)

    def query(
        self, store_id: str, embedding: Sequence[float], top_k: int, document_ids: frozenset[str] | None = None
    ) -> list[SearchHit]:
        """Best first (of ``document_ids`` only, when given), score = cosine similarity. Raises NotFound
        "store_collection_not_found", Conflict "embedding_dimension_mismatch", Invalid "invalid_top_k"."""
        if top_k < 1:
            raise Invalid(f"top_k must be at least 1, not {top_k}", code="invalid_top_k")
        with self._lock:
            collection = self._get(store_id)
            _check_dimension(embedding, collection.dimension)
            hits = [
                SearchHit(chunk=c, score=_cosine(embedding, v))
                for c, v in collection.records.values()
                if document_ids is None or c.document_id in document_ids
            ]
        hits.sort(key=lambda h: (-h.score, h.chunk.id))
        return hits[:top_k]

    def _get(self, store_id: str) -> _Collection:
        collection = self._collections.get(store_id)
        if collection is None:
            raise NotFound(f"store collection {store_id!r} does not exist", code="store_collection_not_found")
        return collection


def _check_dimension(embedding: Sequence[float], dimension: int) -> None:
    if len(embedding) != dimension:
        raise Conflict(
            f"embedding has {len(embedding)} dimensions, the collection {dimension}",
            code="embedding_dimension_mismatch",
        )


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    norms = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    if norms == 0.0:
        return 0.0  # a zero vector has no direction; treat it as unrelated
    return sum(x * y for x, y in zip(a, b, strict=True)) / norms
