"""Collection use cases: create, list, get with stats, delete (cascading to every store)."""

from __future__ import annotations

import unicodedata

from ragcore.domain.errors import Conflict, Invalid, NotFound
from ragcore.domain.ids import new_id
from ragcore.domain.models import Collection, CollectionStats
from ragcore.domain.ports import (
    BlobStore,
    Clock,
    CollectionCatalog,
    DocumentRepository,
    Embedder,
    JobQueue,
    KeywordIndex,
    VectorStore,
)

MAX_NAME_LENGTH = 128


def validate_name(name: str) -> str:
    """Return ``name`` if it is a valid display name, else raise Invalid(code="invalid_collection_name").

    Rule: 1-128 printable Unicode characters, no leading/trailing whitespace, no "/".
    """
    rule = (
        "collection name must be 1-128 printable Unicode characters, "
        "without leading or trailing whitespace and without '/'"
    )
    ok = (
        0 < len(name) <= MAX_NAME_LENGTH
        and name.isprintable()
        and name == name.strip()
        and "/" not in name
        and name not in {".", ".."}
        and not any(unicodedata.category(c) in {"Cs", "Co", "Cn"} for c in name)
    )
    if not ok:
        raise Invalid(rule, code="invalid_collection_name")
    return name


def check_pinned_model(collection: Collection, embedder: Embedder) -> None:
    """Raise Conflict(code="embedding_dimension_mismatch") if the collection pins another model."""
    if (collection.embedding_model, collection.embedding_dimension) != (
        embedder.model_name,
        embedder.dimension,
    ):
        raise Conflict(
            f"collection {collection.name!r} pins {collection.embedding_model} "
            f"({collection.embedding_dimension} dims); the configured embedder is "
            f"{embedder.model_name} ({embedder.dimension} dims)",
            code="embedding_dimension_mismatch",
        )


class CollectionService:
    def __init__(
        self,
        *,
        catalog: CollectionCatalog,
        documents: DocumentRepository,
        jobs: JobQueue,
        vectors: VectorStore,
        keywords: KeywordIndex,
        blobs: BlobStore,
        embedder: Embedder,
        clock: Clock,
        store_prefix: str = "rc_",
    ) -> None:
        """``store_prefix`` starts every store collection name (a deployment's own namespace)."""
        self._store_prefix = store_prefix
        self._catalog = catalog
        self._documents = documents
        self._jobs = jobs
        self._vectors = vectors
        self._keywords = keywords
        self._blobs = blobs
        self._embedder = embedder
        self._clock = clock

    def create(
        self, name: str, *, embedding_dimension: int | None = None, extract_metadata: bool = False
    ) -> Collection:
        """Create a collection pinned to the configured embedder; ``extract_metadata`` turns on the
        metadata stage of its ingestion.

        Raises Invalid (name), Conflict "collection_exists" or "embedding_dimension_mismatch".
        The catalog row is written first (its unique name decides races); the store collection
        second, and the row is removed again if that fails.
        """
        validate_name(name)
        if embedding_dimension is not None and embedding_dimension != self._embedder.dimension:
            raise Conflict(
                f"embedding_dimension {embedding_dimension} does not match the configured "
                f"embedder {self._embedder.model_name} ({self._embedder.dimension} dims)",
                code="embedding_dimension_mismatch",
            )
        collection = Collection(
            id=new_id(),
            name=name,
            store_id=f"{self._store_prefix}{new_id()}",
            embedding_model=self._embedder.model_name,
            embedding_dimension=self._embedder.dimension,
            created_at=self._clock.now(),
            extract_metadata=extract_metadata,
        )
        self._catalog.add(collection)
        try:
            self._vectors.create_collection(collection.store_id, collection.embedding_dimension)
        except BaseException:
            self._catalog.remove(collection.id)
            raise
        return collection

    def get(self, name: str) -> Collection:
        """Raises NotFound(code="collection_not_found")."""
        collection = self._catalog.get_by_name(name)
        if collection is None:
            raise NotFound(f"collection {name!r} does not exist", code="collection_not_found")
        return collection

    def by_id(self, collection_id: str) -> Collection:
        """Raises NotFound(code="collection_not_found")."""
        collection = self._catalog.get(collection_id)
        if collection is None:
            raise NotFound(f"collection id {collection_id!r} does not exist", code="collection_not_found")
        return collection

    def list(self) -> list[Collection]:
        return self._catalog.list()

    def stats(self, name: str) -> CollectionStats:
        """Counts of documents, chunks (vectors) and uploaded bytes."""
        collection = self.get(name)
        documents, size = self._documents.count(collection.id)
        chunks = self._vectors.count(collection.store_id)
        return CollectionStats(collection=collection, documents=documents, chunks=chunks, bytes=size)

    def delete(self, name: str) -> None:
        """Remove the collection, its vectors, keyword index, documents, jobs and blobs."""
        collection = self.get(name)
        self._vectors.drop_collection(collection.store_id)
        self._keywords.drop(collection.store_id)
        for doc in self._documents.list(collection_id=collection.id):
            if doc.blob_key:
                self._blobs.delete(doc.blob_key)
            self._jobs.remove_for_document(doc.id)
            self._documents.remove(doc.id)
        self._catalog.remove(collection.id)
