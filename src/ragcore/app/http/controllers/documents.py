"""/api/v1/documents"""

from litestar import Controller, delete, get

from ragcore.app.http.auth.access import HttpAccess
from ragcore.app.schemas.documents import ChunkOut, DocumentOut
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.models import DocumentStatus


class DocumentController(Controller):
    path = "/api/v1/documents"
    tags = ["documents"]

    @get("/", sync_to_thread=True)
    def list_all(
        self, documents: DocumentService, access: HttpAccess, collection: str | None = None,
        status: DocumentStatus | None = None,
    ) -> list[DocumentOut]:
        """Documents, oldest first, optionally of one collection (by name) and/or one status; only those of
        collections the caller may read."""
        if collection is not None:
            access.collection(collection, "read")
        found = documents.list(collection_name=collection, status=status)
        return [DocumentOut.of(d) for d in access.visible_documents(found)]

    @get("/{document_id:str}", sync_to_thread=True)
    def show(self, document_id: str, documents: DocumentService, access: HttpAccess) -> DocumentOut:
        access.document(document_id, "read")
        return DocumentOut.of(documents.get(document_id))

    @get("/{document_id:str}/chunks", sync_to_thread=True)
    def chunks(self, document_id: str, documents: DocumentService, access: HttpAccess) -> list[ChunkOut]:
        access.document(document_id, "read")
        return [ChunkOut.of(c) for c in documents.chunks(document_id)]

    @delete("/{document_id:str}", sync_to_thread=True)
    def remove(self, document_id: str, documents: DocumentService, access: HttpAccess) -> None:
        """Delete the document's vectors, blob, jobs and registry entry."""
        access.document(document_id, "write")
        documents.delete(document_id)
        access.audit("document.delete", f"document:{document_id}")
