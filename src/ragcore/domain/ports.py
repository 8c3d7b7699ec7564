"""Ports: what the domain needs from the outside world. Adapters implement these Protocols.

Every method may raise ``Unavailable`` when its backend cannot be reached. Adapters translate
driver errors into domain errors; no driver type crosses this boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Protocol

from ragcore.domain.models import (
    ChatMessage,
    Chunk,
    Collection,
    Document,
    DocumentMetadata,
    DocumentStatus,
    Job,
    JobStatus,
    ParsedDocument,
    SearchHit,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...


class CollectionCatalog(Protocol):
    """Collections catalog (SQL in every setup)."""

    def add(self, collection: Collection) -> None:
        """Insert; raises Conflict(code="collection_exists") if the name is taken."""
        ...

    def get(self, collection_id: str) -> Collection | None: ...

    def get_by_name(self, name: str) -> Collection | None: ...

    def list(self) -> list[Collection]:
        """All collections ordered by name."""
        ...

    def remove(self, collection_id: str) -> None:
        """Delete the row; no error when absent."""
        ...


class DocumentRepository(Protocol):
    """Document registry."""

    def add(self, document: Document) -> None:
        """Insert; raises Conflict(code="duplicate_document") if (collection_id, sha256) exists."""
        ...

    def get(self, document_id: str) -> Document | None: ...

    def get_many(self, document_ids: Sequence[str]) -> dict[str, Document]:
        """Documents by id; unknown ids are absent from the result."""
        ...

    def find_by_sha256(self, collection_id: str, sha256: str) -> Document | None: ...

    def list(
        self, *, collection_id: str | None = None, status: DocumentStatus | None = None
    ) -> list[Document]:
        """Matching documents, oldest first."""
        ...

    def update(self, document: Document) -> None:
        """Replace the stored entry with the same id; raises NotFound if absent."""
        ...

    def remove(self, document_id: str) -> None:
        """Delete; no error when absent."""
        ...

    def add_many(self, documents: Sequence[Document]) -> None:
        """Insert all or none; Conflict("duplicate_document") if any id or (collection, sha256) exists."""
        ...

    def remove_many(self, document_ids: Sequence[str]) -> None:
        """Delete every listed document (unknown ids are ignored), atomically."""
        ...

    def count(self, collection_id: str) -> tuple[int, int]:
        """(number of documents, sum of size_bytes) of one collection."""
        ...


class JobQueue(Protocol):
    """Durable ingestion jobs with leases: a job whose lease expires is handed out again."""

    def enqueue(self, job: Job) -> None: ...

    def get(self, job_id: str) -> Job | None: ...

    def latest_for_document(self, document_id: str) -> Job | None: ...

    def lease(self, worker_id: str, lease_seconds: float) -> Job | None:
        """Atomically take the next due job (queued and available, or running with an expired lease),
        highest ``priority`` first, then earliest ``available_at``.

        Sets status "running", ``lease_owner`` and ``lease_expires_at``; increments ``attempts``;
        returns None when nothing is due. Cancelled jobs are never leased.
        """
        ...

    def save(self, job: Job, worker_id: str) -> None:
        """Store a job leased by ``worker_id`` (progress, stage, lease renewal = heartbeat, end state).

        Raises NotFound if absent, JobCancelled if it was cancelled meanwhile, LeaseLost if it is no
        longer running under ``worker_id``'s lease. A saved ``queued`` job is due at ``available_at``.
        """
        ...

    def update(self, job: Job) -> None:
        """Overwrite a job regardless of leases (cancel, repair); raises NotFound if absent."""
        ...

    def list(self, *, status: JobStatus | None = None, document_id: str | None = None) -> list[Job]:
        """Matching jobs, oldest first."""
        ...

    def purge_finished(self, before: datetime) -> int:
        """Delete succeeded, failed and cancelled jobs last updated before ``before``; returns how many."""
        ...

    def remove_for_document(self, document_id: str) -> None: ...


class BlobStore(Protocol):
    """Uploaded bytes until their job ends. Keys are server-generated."""

    def put(self, data: bytes) -> str:
        """Store ``data``; returns its new key."""
        ...

    def get(self, key: str) -> bytes:
        """Raises NotFound if the key is unknown."""
        ...

    def delete(self, key: str) -> None:
        """No error when absent."""
        ...

    def exists(self, key: str) -> bool: ...

    def keys(self) -> list[str]:
        """Every stored key, sorted."""
        ...


class VectorStore(Protocol):
    """Chunk vectors, one store collection per catalog collection, cosine similarity."""

    def create_collection(self, store_id: str, dimension: int) -> None:
        """Create; raises Conflict if it exists."""
        ...

    def drop_collection(self, store_id: str) -> None:
        """Delete with all vectors; no error when absent."""
        ...

    def collection_ids(self) -> list[str]:
        """Ids of every store collection."""
        ...

    def upsert(self, store_id: str, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Insert or replace by chunk id; raises NotFound if the store collection is missing."""
        ...

    def delete_document(self, store_id: str, document_id: str) -> None:
        """Remove the document's chunks; no error when it has none or the collection is missing."""
        ...

    def document_ids(self, store_id: str) -> set[str]:
        """Ids of every document with at least one chunk; NotFound if the collection is missing."""
        ...

    def count(self, store_id: str, document_id: str | None = None) -> int:
        """Number of chunks in the collection (or of one document); NotFound if missing."""
        ...

    def chunks(self, store_id: str, document_id: str) -> list[Chunk]:
        """A document's chunks ordered by index; NotFound if the collection is missing."""
        ...

    def query(
        self, store_id: str, embedding: Sequence[float], top_k: int, document_ids: frozenset[str] | None = None
    ) -> list[SearchHit]:
        """Nearest chunks, best first, score = cosine similarity; NotFound if missing.

        ``document_ids``: when given, only chunks of these documents (an empty set finds nothing).
        """
        ...


class KeywordIndex(Protocol):
    """Full-text (BM25) index of chunks, one per store collection (keyed by its ``store_id``).

    A chunk is searched by its heading path and its text. Writes are visible to every process that
    shares the backend (API replicas, workers). There is no explicit create: an unknown ``store_id``
    is an empty index.
    """

    def index(self, store_id: str, chunks: Sequence[Chunk]) -> None:
        """Insert or replace ``chunks`` by chunk id, atomically (a retried job never duplicates)."""
        ...

    def delete_document(self, store_id: str, document_id: str) -> None:
        """Remove the document's chunks; no error when it has none."""
        ...

    def drop(self, store_id: str) -> None:
        """Remove every chunk of the store collection; no error when absent."""
        ...

    def query(
        self, store_id: str, text: str, top_k: int, document_ids: frozenset[str] | None = None
    ) -> list[SearchHit]:
        """Up to ``top_k`` chunks sharing at least one term with ``text``, best first, score = BM25 (> 0).

        ``document_ids``: when given, only chunks of these documents. Raises Invalid "invalid_top_k"
        (below 1).
        """
        ...


class SearchCache(Protocol):
    """Recent search results by key, each kept for a bounded time (TTL, LRU-evicted when full), and
    one generation counter per collection that changes whenever the collection's content does.

    Keys are opaque strings built by the domain (they include the generation). ``get`` returns None
    on a miss or an expired entry; ``generation`` is 0 for a collection never bumped. Every method
    raises Unavailable(code="search_cache_unavailable") when its backend cannot be reached.
    """

    def get(self, key: str) -> list[SearchHit] | None: ...

    def put(self, key: str, hits: Sequence[SearchHit]) -> None: ...

    def generation(self, collection_id: str) -> int: ...

    def bump(self, collection_id: str) -> None:
        """Change the collection's generation, so no earlier key is looked up again."""
        ...


class Parser(Protocol):
    def detect_format(self, data: bytes, filename: str) -> str:
        """Format name (e.g. "pdf", "docx", "md"); raises Invalid(code="unsupported_format")."""
        ...

    def parse(self, data: bytes, filename: str) -> ParsedDocument:
        """Text blocks with pages and heading paths.

        Raises IngestionFailed(code="unparseable_document" | "unsupported_format" |
        "no_extractable_text").
        """
        ...


class Chunker(Protocol):
    def chunk(self, parsed: ParsedDocument, *, document_id: str, filename: str) -> list[Chunk]:
        """Chunks of at most the embedder's max sequence length in tokens, ids ``<doc>:<i>``."""
        ...


class Embedder(Protocol):
    """Text embedding model; vectors are L2-normalised float32 of length ``dimension``."""

    model_name: str
    dimension: int
    max_seq_length: int

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """(len(texts), dimension) vectors, batched."""
        ...

    def embed_query(self, text: str) -> list[float]: ...


class MetadataExtractor(Protocol):
    """Title, summary and keywords of a document's text (keyword statistics today, an LLM later)."""

    def extract(self, text: str, *, filename: str) -> DocumentMetadata:
        """Metadata of ``text`` (the document's blocks joined by blank lines; ``filename`` is a hint).

        Fields that cannot be found are None (title, summary) or empty (keywords). May raise
        Unavailable (e.g. code="compute_unavailable" for the remote adapter).
        """
        ...


class LanguageModel(Protocol):
    """A chat language model (any OpenAI-compatible server, or none).

    ``context_tokens``: the model's context window (prompt + answer) in tokens, as configured.
    ``count_tokens`` estimates the tokens of a text the same way for every call (it may over-count,
    never meant to under-count). Every call raises Unavailable(code="llm_unavailable") when no model
    is configured, the server cannot be reached, times out after its retries, or answers an error.
    """

    model_name: str
    context_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def complete(self, messages: Sequence[ChatMessage], *, max_tokens: int) -> str:
        """The whole reply to ``messages`` (at most ``max_tokens`` tokens)."""
        ...

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int) -> Iterator[str]:
        """The reply as text pieces. Connects before returning (Unavailable is raised here when the
        server cannot be reached); the iterator itself raises Unavailable if the connection breaks."""
        ...


ProgressCallback = Callable[[int, str], None]
"""Called with (percent 0-100, stage message)."""
