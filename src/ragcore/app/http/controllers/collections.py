"""/api/v1/collections"""

from functools import partial
from typing import Annotated

import anyio.to_thread
from litestar import Controller, Request, delete, get, post
from litestar.datastructures import UploadFile
from litestar.params import Parameter
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

    @post("/{name:str}/documents", status_code=HTTP_202_ACCEPTED)
    async def upload(
        self,
        name: str,
        request: Request,
        documents: DocumentService,
        priority: Annotated[int, Parameter(ge=-100, le=100)] = 0,
    ) -> UploadOut:
        """Upload one or more files (multipart/form-data, any field name); each gets a document and a job.

        ``priority`` (query, -100..100): higher runs first. No file parts: 422 "no_files".
        """
        form = await request.form()  # parsed here: Litestar's typed extraction 500s on an empty form
        files = [(f.filename or "", await f.read()) for _, f in form.multi_items() if isinstance(f, UploadFile)]
        accepted = await anyio.to_thread.run_sync(partial(documents.upload, name, files, priority=priority))
        return UploadOut(items=[UploadItem.of(a) for a in accepted])
