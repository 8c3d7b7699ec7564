"""Where a chunk lives: its vector in the VectorStore and its text in the KeywordIndex, both under the
store collection's ``store_id``. One object, one error semantics for every feature that writes or
removes chunks (ingestion, documents, collections, the doctor's repairs).

Error semantics, for every method:
- a write is vectors first, then keywords; when the keyword write fails, the vectors of the same
  documents are removed (best effort) and the keyword error is raised, so a failed write leaves no
  document in one index only;
- a removal (``delete_documents``, ``drop``) tries both indexes even when the first fails, then
  raises the first error (the vector store's when both fail);
- reads are the vector store's (the system of record for chunks) and raise what it raises: NotFound
  for a missing store collection, Unavailable when a backend cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import suppress

from ragcore.domain.models import Chunk
from ragcore.domain.ports import KeywordIndex, VectorStore


class ChunkIndex:
    def __init__(self, vectors: VectorStore, keywords: KeywordIndex) -> None:
        self._vectors = vectors
        self._keywords = keywords

    def create(self, store_id: str, dimension: int) -> None:
        """Create the store collection for vectors of ``dimension`` (the keyword index needs no create).
        Raises Conflict if it exists."""
        self._vectors.create_collection(store_id, dimension)

    def write(self, store_id: str, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Upsert ``chunks`` with their ``embeddings`` (one vector per chunk), then keyword-index them:
        ``write_vectors`` then ``write_keywords`` in one call."""
        self.write_vectors(store_id, chunks, embeddings)
        self.write_keywords(store_id, chunks)

    def write_vectors(self, store_id: str, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """The first half of a write (callers whose vectors arrive in slices call it per slice): insert or
        replace by chunk id. Raises NotFound if the store collection is missing."""
        self._vectors.upsert(store_id, chunks, embeddings)

    def write_keywords(self, store_id: str, chunks: Sequence[Chunk]) -> None:
        """The second half of a write: keyword-index ``chunks`` (their vectors are stored). The keyword write is
        atomic; on its failure the vectors of the chunks' documents are removed, then the keyword error
        is raised (a failed removal is left to the caller's clean-up, its retry or the doctor)."""
        try:
            self._keywords.index(store_id, chunks)
        except BaseException:
            with suppress(Exception):  # the keyword error is the one to report
                self._vectors.delete_documents(store_id, sorted({chunk.document_id for chunk in chunks}))
            raise

    def delete_documents(self, store_id: str, document_ids: Collection[str]) -> None:
        """Remove every chunk of these documents from both indexes; no error for a document without
        chunks or a missing store collection. Both are tried; the first error is raised."""
        _both(lambda: self._vectors.delete_documents(store_id, document_ids),
              lambda: self._keywords.delete_documents(store_id, document_ids))

    def drop(self, store_id: str) -> None:
        """Drop the store collection with all its vectors and keyword entries; no error when absent.
        Both are tried; the first error is raised."""
        _both(lambda: self._vectors.drop_collection(store_id), lambda: self._keywords.drop(store_id))

    def count(self, store_id: str, document_id: str | None = None) -> int:
        """Number of chunks (vectors) in the store collection, or of one document; NotFound if missing."""
        return self._vectors.count(store_id, document_id)

    def chunks(self, store_id: str, document_id: str) -> list[Chunk]:
        """A document's chunks ordered by index; NotFound if the store collection is missing."""
        return self._vectors.chunks(store_id, document_id)

    def store_ids(self) -> list[str]:
        """Ids of every store collection."""
        return self._vectors.collection_ids()

    def leftover_segments(self) -> list[str]:
        """The vector store's on-disk folders that no collection owns (VectorStore.leftover_segments)."""
        return self._vectors.leftover_segments()

    def remove_leftover_segment(self, name: str) -> None:
        self._vectors.remove_leftover_segment(name)

    def document_ids(self, store_id: str) -> set[str]:
        """Ids of every document with at least one chunk; NotFound if the store collection is missing."""
        return self._vectors.document_ids(store_id)


def _both(first: Callable[[], None], second: Callable[[], None]) -> None:
    """Run ``first``, then ``second`` even when ``first`` failed; raise the first error there was."""
    error: BaseException | None = None
    try:
        first()
    except BaseException as exc:
        error = exc
    try:
        second()
    except BaseException:
        if error is None:
            raise
    if error is not None:
        raise error
