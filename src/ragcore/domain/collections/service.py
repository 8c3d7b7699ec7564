"""Collection use cases: create, list, get with stats, delete (cascading to every store)."""

from __future__ import annotations

from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.collections.rules import check_embedding_backend, check_pinned_model, validate_name
from ragcore.domain.errors import Conflict, NotFound
from ragcore.domain.ids import new_id
from ragcore.domain.models import Collection, CollectionStats
from ragcore.domain.ports import (
    BlobStore,
    Clock,
    CollectionCatalog,
    DocumentRepository,
    Embedder,
    EmbedderRegistry,
    JobQueue,
)


class CollectionService:
    def __init__(
        self,
        *,
        catalog: CollectionCatalog,
        documents: DocumentRepository,
        jobs: JobQueue,
        chunks: ChunkIndex,
        blobs: BlobStore,
        embedders: EmbedderRegistry,
        clock: Clock,
        store_prefix: str = "rc_",
    ) -> None:
        """``chunks``: the vectors and keyword index of every collection; ``embedders``: the embedding
        backends collections pin; ``store_prefix`` starts every store collection name (a deployment's own
        namespace)."""
        self._store_prefix = store_prefix
        self._catalog = catalog
        self._documents = documents
        self._jobs = jobs
        self._chunks = chunks
        self._blobs = blobs
        self._embedders = embedders
        self._clock = clock
        self._pinned: dict[str, tuple[tuple[str, str, int], Embedder]] = {}  # collection id -> (pin, embedder)

    def create(
        self, name: str, *, embedding_dimension: int | None = None, extract_metadata: bool = False,
        embedding_backend: str | None = None,
    ) -> Collection:
        """Create a collection pinned to the model, dimension and backend of ``embedding_backend``'s
        embedder (None: the registry's default backend); ``extract_metadata`` turns on the metadata
        stage of its ingestion.

        Raises Invalid (name, "unknown_embedding_backend"), Conflict "collection_exists" or
        "embedding_dimension_mismatch", Unavailable if the backend's model cannot load. The catalog row
        is written first (its unique name decides races); the store collection second, and the row is
        removed again if that fails.
        """
        validate_name(name)
        backend = self._embedders.default_backend if embedding_backend is None else embedding_backend
        embedder = self._embedders.get(check_embedding_backend(backend, self._embedders.backends))
        if embedding_dimension is not None and embedding_dimension != embedder.dimension:
            raise Conflict(
                f"embedding_dimension {embedding_dimension} does not match the configured "
                f"embedder {embedder.model_name} ({embedder.dimension} dims)",
                code="embedding_dimension_mismatch",
            )
        collection = Collection(
            id=new_id(),
            name=name,
            store_id=f"{self._store_prefix}{new_id()}",
            embedding_model=embedder.model_name,
            embedding_dimension=embedder.dimension,
            created_at=self._clock.now(),
            extract_metadata=extract_metadata,
            embedding_backend=backend,
        )
        self._catalog.add(collection)
        try:
            self._chunks.create(collection.store_id, collection.embedding_dimension)
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

    def embedder(self, collection: Collection) -> Embedder:
        """The embedder of the collection's pinned backend: the only one that may write or query its
        vectors. Call it where the model is used (embedding, dense search), never on upload: the first
        call per collection may load the model (or ask remote compute for its name).

        The check is cached by collection id (with the pin it passed: a catalog row whose pin changed
        is checked again); a failed check is not cached. Raises Conflict "embedding_backend_mismatch" /
        "embedding_dimension_mismatch", Unavailable if the model cannot load."""
        pin = (collection.embedding_backend, collection.embedding_model, collection.embedding_dimension)
        cached = self._pinned.get(collection.id)
        if cached is not None and cached[0] == pin:
            return cached[1]
        embedder = check_pinned_model(collection, self._embedders)
        self._pinned[collection.id] = (pin, embedder)
        return embedder

    def stats(self, name: str) -> CollectionStats:
        """Counts of documents, chunks (vectors) and uploaded bytes."""
        collection = self.get(name)
        documents, size = self._documents.count(collection.id)
        chunks = self._chunks.count(collection.store_id)
        return CollectionStats(collection=collection, documents=documents, chunks=chunks, bytes=size)

    def delete(self, name: str) -> None:
        """Remove the collection, its vectors, keyword index, documents, jobs and blobs."""
        collection = self.get(name)
        self._chunks.drop(collection.store_id)
        for doc in self._documents.list(collection_id=collection.id):
            if doc.blob_key:
                self._blobs.delete(doc.blob_key)
            self._jobs.remove_for_document(doc.id)
            self._documents.remove(doc.id)
        self._catalog.remove(collection.id)
        self._pinned.pop(collection.id, None)
