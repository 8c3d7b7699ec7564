"""Document, upload and chunk DTOs."""

from datetime import datetime

import msgspec

from ragcore.domain.documents.service import Accepted
from ragcore.domain.models import Chunk, Document, DocumentMetadata


class ExtractedOut(msgspec.Struct):
    """Metadata found in the document's text (collections with ``extract_metadata``)."""

    title: str | None
    summary: str | None
    keywords: list[str]

    @classmethod
    def of(cls, m: DocumentMetadata | None) -> "ExtractedOut | None":
        return None if m is None else cls(title=m.title, summary=m.summary, keywords=list(m.keywords))


class DocumentOut(msgspec.Struct):
    id: str
    collection_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    status: str
    chunk_count: int
    page_count: int | None
    error_code: str | None
    error_message: str | None
    created_at: datetime
    updated_at: datetime
    user_metadata: dict[str, str | int | float | bool] = {}  # given at upload (form field "metadata")
    extracted: ExtractedOut | None = None  # None until metadata extraction ran
    encoding: str | None = None  # the text encoding detected at parsing (text formats), e.g. "cp1252"

    @classmethod
    def of(cls, d: Document) -> "DocumentOut":
        fields = {f: getattr(d, f) for f in cls.__struct_fields__ if f not in ("extracted", "user_metadata")}
        return cls(**fields, user_metadata=dict(d.user_metadata), extracted=ExtractedOut.of(d.extracted))


class UploadItem(msgspec.Struct):
    document: DocumentOut
    job_id: str | None
    duplicate: bool

    @classmethod
    def of(cls, a: Accepted) -> "UploadItem":
        return cls(document=DocumentOut.of(a.document), job_id=a.job.id if a.job else None, duplicate=a.duplicate)


class UploadOut(msgspec.Struct):
    items: list[UploadItem]


class ChunkOut(msgspec.Struct):
    id: str
    index: int
    text: str
    pages: list[int]
    headings: list[str]

    @classmethod
    def of(cls, c: Chunk) -> "ChunkOut":
        return cls(id=c.id, index=c.index, text=c.text, pages=list(c.pages), headings=list(c.headings))
