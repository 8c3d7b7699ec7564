"""Plain data types of the domain (msgspec Structs, no behaviour)."""

from datetime import datetime
from typing import Literal

import msgspec

DocumentStatus = Literal["queued", "processing", "ready", "failed"]
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
FINISHED_JOB_STATUSES: tuple[JobStatus, ...] = ("succeeded", "failed", "cancelled")


class Collection(msgspec.Struct, frozen=True, kw_only=True):
    """A named set of documents. ``store_id`` names its vector-store collection (never user text)."""

    id: str
    name: str
    store_id: str
    embedding_model: str
    embedding_dimension: int
    created_at: datetime


class CollectionStats(msgspec.Struct, frozen=True, kw_only=True):
    collection: Collection
    documents: int
    chunks: int
    bytes: int


MetadataValue = str | int | float | bool


class DocumentMetadata(msgspec.Struct, frozen=True, kw_only=True):
    """What metadata extraction found in a document's text."""

    title: str | None = None
    summary: str | None = None
    keywords: tuple[str, ...] = ()


class Document(msgspec.Struct, frozen=True, kw_only=True):
    """A registry entry. ``sha256`` is the hex digest of the uploaded bytes; ``size_bytes`` in bytes.

    ``user_metadata``: flat key -> value pairs given at upload; ``extracted``: title, summary and
    keywords found by metadata extraction (None until it ran).
    """

    id: str
    collection_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    blob_key: str | None
    status: DocumentStatus
    chunk_count: int = 0
    page_count: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    user_metadata: dict[str, MetadataValue] = {}
    extracted: DocumentMetadata | None = None
    created_at: datetime
    updated_at: datetime


class Job(msgspec.Struct, frozen=True, kw_only=True):
    """An ingestion job. ``progress`` is 0-100; ``lease_expires_at`` is set while a worker holds it.

    ``priority``: higher runs first (default 0); among equals, the earliest ``available_at`` first.
    """

    id: str
    document_id: str
    collection_id: str
    status: JobStatus
    priority: int = 0
    progress: int = 0
    stage: str = "queued"
    attempts: int = 0
    max_attempts: int = 3
    error_code: str | None = None
    error_message: str | None = None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    available_at: datetime
    created_at: datetime
    updated_at: datetime


class TextBlock(msgspec.Struct, frozen=True):
    """One paragraph, list item, table or caption of a parsed document, on 1-based ``page`` (or None)."""

    text: str
    page: int | None
    headings: tuple[str, ...] = ()


class ParsedDocument(msgspec.Struct, frozen=True):
    blocks: list[TextBlock]
    page_count: int | None = None


class Chunk(msgspec.Struct, frozen=True, kw_only=True):
    """A piece of a document as stored in the vector store. ``id`` is ``<document_id>:<index>``."""

    id: str
    document_id: str
    index: int
    text: str
    pages: tuple[int, ...] = ()
    headings: tuple[str, ...] = ()
    filename: str = ""


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    """A chunk returned by search; ``score`` is cosine similarity in [-1, 1], higher is better."""

    chunk: Chunk
    score: float


def chunk_id(document_id: str, index: int) -> str:
    """Deterministic chunk id, so a retried job upserts instead of duplicating."""
    return f"{document_id}:{index}"
