"""/api/v1/documents"""

from litestar import Controller, delete, get

from ragcore.app.schemas.documents import ChunkOut, DocumentOut
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.models import DocumentStatus


class DocumentController(Controller):
    path = "/api/v1/documents"
    tags = ["documents"]

    @get("/", sync_to_thread=True)
    def list_all(
        self, documents: DocumentService, collection: str | None = None, status: DocumentStatus | None = None
    ) -> list[DocumentOut]:
        """Documents, oldest first, optionally of one collection (by name) and/or one status."""
        return [DocumentOut.of(d) for d in documents.list(collection_name=collection, status=status)]

    @get("/{document_id:str}", sync_to_thread=True)
    def show(self, document_id: str, documents: DocumentService) -> DocumentOut:
        return DocumentOut.of(documents.get(document_id))

    @get("/{document_id:str}/chunks", sync_to_thread=True)
    def chunks(self, document_id: str, documents: DocumentService) -> list[ChunkOut]:
        return [ChunkOut.of(c) for c in documents.chunks(document_id)]

    @delete("/{document_id:str}", sync_to_thread=True)
    def remove(self, document_id: str, documents: DocumentService) -> None:
        """Delete the document's vectors, blob, jobs and registry entry."""
        documents.delete(document_id)
