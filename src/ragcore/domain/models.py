"""Plain data types of the domain (msgspec Structs, no behaviour)."""

from datetime import datetime
from typing import Literal, TypeVar, get_args

import msgspec

from ragcore.domain.ids import new_id

DocumentStatus = Literal["queued", "processing", "ready", "failed"]
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
FINISHED_JOB_STATUSES: tuple[JobStatus, ...] = ("succeeded", "failed", "cancelled")
# The runtimes of the bundled embedding model a collection can pin (settings, CLI, API and adapters use these)
EmbeddingBackend = Literal["torch", "onnx", "onnx-int8"]
EMBEDDING_BACKENDS: tuple[EmbeddingBackend, ...] = get_args(EmbeddingBackend)


class Collection(msgspec.Struct, frozen=True, kw_only=True):
    """A named set of documents. ``store_id`` names its vector-store collection (never user text).

    ``extract_metadata``: ingestion also extracts title, summary and keywords into ``Document.extracted``.
    ``embedding_backend``: the runtime that embeds its chunks and queries (e.g. "torch", "onnx-int8"),
    pinned at creation like the model: its vectors are only ever written and queried with it.
    """

    id: str
    name: str
    store_id: str
    embedding_model: str
    embedding_dimension: int
    created_at: datetime
    extract_metadata: bool = False
    embedding_backend: str = "torch"


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

    @classmethod
    def queued(
        cls, *, document_id: str, collection_id: str, now: datetime, priority: int = 0, max_attempts: int = 3
    ) -> "Job":
        """A new job (fresh id) for the document, due at ``now``."""
        return cls(
            id=new_id(), document_id=document_id, collection_id=collection_id, status="queued", priority=priority,
            max_attempts=max_attempts, available_at=now, created_at=now, updated_at=now,
        )


Record = TypeVar("Record", Document, Job)


def updated(record: Record, now: datetime, **changes: object) -> Record:
    """``record`` with ``changes`` applied and ``updated_at`` set to ``now``."""
    return msgspec.structs.replace(record, updated_at=now, **changes)


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
    """A chunk returned by search; higher ``score`` is better. Its scale depends on the search mode:
    cosine similarity in [-1, 1] (dense), BM25 (keyword), reciprocal-rank-fusion score (hybrid)."""

    chunk: Chunk
    score: float


def chunk_id(document_id: str, index: int) -> str:
    """Deterministic chunk id, so a retried job upserts instead of duplicating."""
    return f"{document_id}:{index}"


ChatRole = Literal["system", "user", "assistant"]


class ChatMessage(msgspec.Struct, frozen=True):
    """One message of a chat with a language model."""

    role: ChatRole
    content: str


class Citation(msgspec.Struct, frozen=True, kw_only=True):
    """What an answer's ``[marker]`` points at: one retrieved passage (a chunk) and its source."""

    marker: int
    document_id: str
    filename: str
    pages: tuple[int, ...]
    chunk_id: str
    text: str
    score: float


AnswerMode = Literal["generate", "extractive"]


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """A grounded answer. ``text`` is None in extractive mode (the citations are the answer).

    ``citations``: one per distinct marker cited in ``text``, in order of first appearance (extractive:
    every passage). ``dropped_markers``: markers that pointed at no passage, removed from ``text``.
    ``passages``: passages put in the prompt; ``passages_cut``: retrieved ones left out by the budget.
    """

    question: str
    collection: str
    mode: AnswerMode
    text: str | None
    citations: tuple[Citation, ...] = ()
    dropped_markers: tuple[int, ...] = ()
    passages: int = 0
    passages_cut: int = 0
