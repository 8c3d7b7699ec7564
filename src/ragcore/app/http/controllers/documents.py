"""/api/v1/documents"""

import mimetypes
from urllib.parse import quote

from litestar import Controller, Response, delete, get

from ragcore.app.http.auth.access import HttpAccess
from ragcore.app.http.deps import Blobs
from ragcore.app.schemas.documents import ChunkOut, DocumentOut
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.errors import NotFound
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

    @get("/{document_id:str}/file", sync_to_thread=True, media_type="application/octet-stream")
    def original(self, document_id: str, documents: DocumentService, blobs: Blobs, access: HttpAccess
                 ) -> Response[bytes]:
        """The uploaded file, as an attachment, while it is kept (queued, processing, failed or cancelled).

        404 "original_not_kept" once the document is ready: its bytes are removed after ingestion.
        """
        access.document(document_id, "read")
        document = documents.get(document_id)
        if not document.blob_key:
            raise NotFound(f"the original of {document.filename!r} is no longer kept: uploaded bytes are removed "
                           "once the document is ready", code="original_not_kept")
        media_type = mimetypes.guess_type(document.filename)[0] or "application/octet-stream"
        headers = {"content-disposition": _attachment(document.filename)}
        return Response(blobs.get(document.blob_key), media_type=media_type, headers=headers)

    @delete("/{document_id:str}", sync_to_thread=True)
    def remove(self, document_id: str, documents: DocumentService, access: HttpAccess) -> None:
        """Delete the document's vectors, blob, jobs and registry entry."""
        access.document(document_id, "write")
        documents.delete(document_id)
        access.audit("document.delete", f"document:{document_id}")


def _attachment(filename: str) -> str:
    """A Content-Disposition value for ``filename`` (RFC 6266: ASCII fallback plus the UTF-8 name)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(filename)}'
