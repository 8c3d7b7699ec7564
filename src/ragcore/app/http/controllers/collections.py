"""/api/v1/collections"""

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.status_codes import HTTP_202_ACCEPTED

from ragcore.app.http.schemas.collections import CollectionCreate, CollectionOut
from ragcore.app.http.schemas.documents import UploadItem, UploadOut
from ragcore.domain.collections import CollectionService
from ragcore.domain.documents import DocumentService


class CollectionController(Controller):
    path = "/api/v1/collections"
    tags = ["collections"]

    @post("/", sync_to_thread=True)
    def create(self, data: CollectionCreate, collections: CollectionService) -> CollectionOut:
        """Create a collection pinned to the configured embedding model. 409 if the name exists."""
        return CollectionOut.of(collections.create(data.name, embedding_dimension=data.embedding_dimension))

    @get("/", sync_to_thread=True)
    def list_all(self, collections: CollectionService) -> list[CollectionOut]:
        return [CollectionOut.of(c) for c in collections.list()]

    @get("/{name:str}", sync_to_thread=True)
    def show(self, name: str, collections: CollectionService) -> CollectionOut:
        """The collection with stats: documents, chunks, bytes."""
        stats = collections.stats(name)
        return CollectionOut.of(stats.collection, stats)

    @delete("/{name:str}", sync_to_thread=True)
    def remove(self, name: str, collections: CollectionService) -> None:
        """Delete the collection with its documents, vectors, jobs and blobs."""
        collections.delete(name)

    @post("/{name:str}/documents", status_code=HTTP_202_ACCEPTED, sync_to_thread=True)
    def upload(
        self,
        name: str,
        data: Annotated[list[UploadFile], Body(media_type=RequestEncodingType.MULTI_PART)],
        documents: DocumentService,
        priority: Annotated[int, Parameter(ge=-100, le=100)] = 0,
    ) -> UploadOut:
        """Upload one or more files (multipart); each gets a document and an ingestion job.

        ``priority`` (query, -100..100): higher runs first.
        """
        files = [(f.filename or "", f.file.read()) for f in data]
        return UploadOut(items=[UploadItem.of(a) for a in documents.upload(name, files, priority=priority)])
