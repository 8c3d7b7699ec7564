"""/api/v1/collections"""

from litestar import Controller, delete, get, post

from ragcore.app.http.auth.access import HttpAccess
from ragcore.app.schemas.collections import CollectionCreate, CollectionOut
from ragcore.domain.collections.service import CollectionService


class CollectionController(Controller):
    path = "/api/v1/collections"
    tags = ["collections"]

    @post("/", sync_to_thread=True)
    def create(self, data: CollectionCreate, collections: CollectionService, access: HttpAccess) -> CollectionOut:
        """Create a collection pinned to the embedding model and backend (``embedding_backend``, default
        the configured one). 409 if the name exists; 422 "unknown_embedding_backend" names the allowed ones.
        The caller owns it; a key without the ``write`` scope gets 403."""
        access.require_scope("write")
        created = collections.create(
            data.name, embedding_dimension=data.embedding_dimension, extract_metadata=data.extract_metadata,
            embedding_backend=data.embedding_backend,
        )
        access.created(created)
        return CollectionOut.of(created)

    @get("/", sync_to_thread=True)
    def list_all(self, collections: CollectionService, access: HttpAccess) -> list[CollectionOut]:
        """The collections the caller owns or was granted (admins: all)."""
        return [CollectionOut.of(c) for c in access.visible_collections(collections.list())]

    @get("/{name:str}", sync_to_thread=True)
    def show(self, name: str, collections: CollectionService, access: HttpAccess) -> CollectionOut:
        """The collection with stats: documents, chunks, bytes."""
        access.collection(name, "read")
        stats = collections.stats(name)
        return CollectionOut.of(stats.collection, stats)

    @delete("/{name:str}", sync_to_thread=True)
    def remove(self, name: str, collections: CollectionService, access: HttpAccess) -> None:
        """Delete the collection with its documents, vectors, jobs and blobs (its owner or an admin)."""
        collection_id = access.managed(name)
        collections.delete(name)
        access.deleted(collection_id, name)
