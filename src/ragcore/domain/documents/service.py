"""Document use cases: upload (-> queued job), get, list, list chunks, delete."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence

import msgspec

from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.collections.service import CollectionService
from ragcore.domain.documents.user_metadata import validate_user_metadata
from ragcore.domain.errors import Conflict, Invalid, NotFound, PayloadTooLarge
from ragcore.domain.ids import new_id
from ragcore.domain.models import Chunk, Collection, Document, DocumentStatus, Job, MetadataValue
from ragcore.domain.ports import (
    BlobStore,
    Clock,
    DocumentRepository,
    JobQueue,
    Parser,
    SearchCache,
)
from ragcore.domain.search.cache import SearchResults

MIN_PRIORITY, MAX_PRIORITY = -100, 100


class Accepted(msgspec.Struct, frozen=True, kw_only=True):
    """Result of an upload; ``duplicate`` is True when the same bytes were already in the collection."""

    document: Document
    job: Job | None
    duplicate: bool


class DocumentService:
    def __init__(
        self,
        *,
        collections: CollectionService,
        documents: DocumentRepository,
        jobs: JobQueue,
        blobs: BlobStore,
        chunks: ChunkIndex,
        parser: Parser,
        clock: Clock,
        max_upload_bytes: int,
        max_attempts: int = 3,
        search_cache: SearchCache | None = None,
    ) -> None:
        """``search_cache``: its collection generation is bumped when a document is deleted."""
        self._collections = collections
        self._documents = documents
        self._jobs = jobs
        self._blobs = blobs
        self._chunks = chunks
        self._parser = parser
        self._clock = clock
        self._max_upload_bytes = max_upload_bytes
        self._max_attempts = max_attempts
        self._search_cache = SearchResults(search_cache)

    def upload(
        self, collection_name: str, files: Sequence[tuple[str, bytes]], *, priority: int = 0,
        metadata: object = None,
    ) -> list[Accepted]:
        """Validate every file, then store each blob, register it ``queued`` and enqueue its job
        (``priority``: higher runs first; ``metadata``: user metadata of every new document, a flat
        JSON object, see domain/documents/user_metadata.py). A duplicate keeps its existing metadata.

        All files are checked before anything is stored, so a bad file stores nothing.
        Raises NotFound (collection), Invalid "no_files" / "empty_file" / "unsupported_format" /
        "invalid_filename" / "invalid_metadata", PayloadTooLarge "file_too_large". Never loads a model
        or calls compute for the embedder: the collection's pinned model is checked by the worker (its
        job fails with the Conflict) and by dense search.
        """
        if not MIN_PRIORITY <= priority <= MAX_PRIORITY:
            raise Invalid(f"priority must be between {MIN_PRIORITY} and {MAX_PRIORITY}", code="invalid_priority")
        user_metadata = {} if metadata is None else validate_user_metadata(metadata)
        collection = self._collections.get(collection_name)  # its pinned model is checked where it is used
        if not files:
            raise Invalid("no files were uploaded", code="no_files")
        checked = [(*self._check(filename, data), data) for filename, data in files]
        return [self._store(collection, name, kind, data, priority, user_metadata) for name, kind, data in checked]

    def _check(self, filename: str, data: bytes) -> tuple[str, str]:
        filename = _clean_filename(filename)
        if not data:
            raise Invalid(f"{filename!r} is empty (0 bytes)", code="empty_file")
        if len(data) > self._max_upload_bytes:
            raise PayloadTooLarge(
                f"{filename!r} is {len(data)} bytes; the limit is {self._max_upload_bytes}",
                code="file_too_large",
            )
        return filename, self._parser.detect_format(data, filename)

    def _store(
        self, collection: Collection, filename: str, content_type: str, data: bytes, priority: int,
        user_metadata: dict[str, MetadataValue],
    ) -> Accepted:
        sha256 = hashlib.sha256(data).hexdigest()
        existing = self._documents.find_by_sha256(collection.id, sha256)
        if existing is not None:
            return self._duplicate(existing)
        now = self._clock.now()
        document = Document(
            id=new_id(), collection_id=collection.id, filename=filename, content_type=content_type,
            size_bytes=len(data), sha256=sha256, blob_key=self._blobs.put(data), status="queued",
            user_metadata=dict(user_metadata), created_at=now, updated_at=now,
        )
        try:
            self._documents.add(document)
        except Conflict:  # a concurrent upload of the same bytes won the race
            self._blobs.delete(document.blob_key or "")
            found = self._documents.find_by_sha256(collection.id, sha256)
            if found is None:
                raise
            return self._duplicate(found)
        job = Job.queued(document_id=document.id, collection_id=collection.id, now=now, priority=priority,
                         max_attempts=self._max_attempts)
        try:
            self._jobs.enqueue(job)
        except BaseException:  # no document without a job: undo the registry entry and blob
            self._documents.remove(document.id)
            self._blobs.delete(document.blob_key or "")
            raise
        return Accepted(document=document, job=job, duplicate=False)

    def _duplicate(self, document: Document) -> Accepted:
        return Accepted(document=document, job=self._jobs.latest_for_document(document.id), duplicate=True)

    def get(self, document_id: str) -> Document:
        """Raises NotFound(code="document_not_found")."""
        document = self._documents.get(document_id)
        if document is None:
            raise NotFound(f"document {document_id!r} does not exist", code="document_not_found")
        return document

    def list(self, *, collection_name: str | None = None, status: DocumentStatus | None = None) -> list[Document]:
        collection_id = self._collections.get(collection_name).id if collection_name is not None else None
        return self._documents.list(collection_id=collection_id, status=status)

    def chunks(self, document_id: str) -> list[Chunk]:
        """The document's chunks ordered by index (empty until it is ready)."""
        document = self.get(document_id)
        return self._chunks.chunks(self._store_id(document), document.id)

    def delete(self, document_id: str) -> None:
        """Remove vectors and keyword entries first (ChunkIndex.delete_documents), then blob, job records
        and registry entry; a failed step raises and leaves the later ones undone (the doctor's drift)."""
        document = self.get(document_id)
        store_id = self._store_id(document)
        try:
            self._chunks.delete_documents(store_id, [document.id])
            if document.blob_key:
                self._blobs.delete(document.blob_key)
            self._jobs.remove_for_document(document.id)
            self._documents.remove(document.id)
        finally:  # even a half-done delete must not be served from the cache
            self._search_cache.bump(document.collection_id)

    def _store_id(self, document: Document) -> str:
        collection = self._collections.by_id(document.collection_id)
        return collection.store_id


def _clean_filename(filename: str) -> str:
    """Keep the base name only, in Unicode NFC form (macOS sends NFD: "u" + combining diaeresis);
    reject names that are empty or not printable."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or not name.isprintable() or len(name) > 255:
        raise Invalid("filename must be 1-255 printable characters", code="invalid_filename")
    return name
