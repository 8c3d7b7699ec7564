"""The ingestion pipeline of one document: parse -> chunk -> embed -> upsert vectors -> keyword index ->
registry ``ready``."""

from collections.abc import Sequence

import msgspec

from ragcore.domain.collections import CollectionService, check_pinned_model
from ragcore.domain.document_text import document_text
from ragcore.domain.errors import Conflict, IngestionFailed, JobCancelled, LeaseLost, NotFound
from ragcore.domain.models import Chunk, Collection, Document, DocumentMetadata, ParsedDocument
from ragcore.domain.ports import (
    BlobStore,
    Chunker,
    Clock,
    DocumentRepository,
    Embedder,
    KeywordIndex,
    MetadataExtractor,
    Parser,
    ProgressCallback,
    SearchCache,
    VectorStore,
)
from ragcore.domain.search_cache import SearchResults

CANCELLED = "ingestion was cancelled"


class IngestionService:
    def __init__(
        self,
        *,
        collections: CollectionService,
        documents: DocumentRepository,
        blobs: BlobStore,
        vectors: VectorStore,
        keywords: KeywordIndex,
        parser: Parser,
        chunker: Chunker,
        embedder: Embedder,
        clock: Clock,
        embed_batch_size: int = 32,
        metadata: MetadataExtractor | None = None,
        search_cache: SearchCache | None = None,
    ) -> None:
        """``metadata``: the extractor of the metadata stage, run for collections with ``extract_metadata``;
        ``search_cache``: its collection generation is bumped when a document becomes ready."""
        self._collections = collections
        self._documents = documents
        self._blobs = blobs
        self._vectors = vectors
        self._keywords = keywords
        self._parser = parser
        self._chunker = chunker
        self._embedder = embedder
        self._clock = clock
        self._batch = embed_batch_size
        self._metadata = metadata
        self._search_cache = SearchResults(search_cache)

    def process(self, document_id: str, progress: ProgressCallback) -> Document:
        """Ingest one registered document; returns it ``ready``.

        Raises IngestionFailed (permanent; the document is marked ``failed`` with its code and no
        vectors or keyword entries remain), NotFound "document_not_found" if it was deleted meanwhile,
        or Unavailable (transient; the caller retries; chunks are written again by id). The keyword
        index is written after the vectors; when that fails, the vectors are removed too.
        """
        document = self._documents.get(document_id)
        if document is None:
            raise NotFound(f"document {document_id!r} no longer exists", code="document_not_found")
        if document.status == "ready":  # an earlier attempt finished but its job was not closed
            return document
        collection = self._collections.by_id(document.collection_id)
        store_id = collection.store_id
        try:
            check_pinned_model(collection, self._embedder)
            self._set(document, status="processing")
            progress(5, "parsing")
            data = self._blobs.get(document.blob_key or "")
            parsed = self._parser.parse(data, document.filename)
            progress(30, "chunking")
            chunks = self._chunker.chunk(parsed, document_id=document.id, filename=document.filename)
            if not chunks:
                raise IngestionFailed(f"{document.filename!r} contains no text", code="no_extractable_text")
            extracted = self._extract(collection, document, parsed, progress)
            self._discard(store_id, document.id)  # stale chunks of an earlier attempt
            self._embed_and_upsert(store_id, chunks, progress)
            self._keywords.index(store_id, chunks)
            progress(95, "registering")
            ready = self._set(
                document, status="ready", chunk_count=len(chunks), page_count=parsed.page_count,
                blob_key=None, error_code=None, error_message=None, extracted=extracted or document.extracted,
            )
        except IngestionFailed as exc:
            self._discard(store_id, document.id)
            self._set(document, status="failed", error_code=exc.code, error_message=exc.message)
            raise
        except JobCancelled:
            self._discard(store_id, document.id)
            self._set(document, status="failed", error_code="job_cancelled", error_message=CANCELLED)
            raise
        except LeaseLost:  # another worker owns the job now: its vectors must not be touched
            raise
        except BaseException:
            self._discard(store_id, document.id)  # never ready without its registry entry
            raise
        self._search_cache.bump(collection.id)
        if document.blob_key:
            self._blobs.delete(document.blob_key)
        return ready

    def reset(self, document_id: str) -> Document:
        """Put a failed document back to ``queued`` for a new job.

        Raises NotFound "document_not_found", Conflict "document_bytes_gone" if its upload is gone.
        """
        document = self._documents.get(document_id)
        if document is None:
            raise NotFound(f"document {document_id!r} does not exist", code="document_not_found")
        if not document.blob_key or not self._blobs.exists(document.blob_key):
            raise Conflict(f"the uploaded bytes of {document.filename!r} are no longer stored; upload it again",
                           code="document_bytes_gone")
        return self._set(document, status="queued", error_code=None, error_message=None)

    def mark_failed(self, document_id: str, code: str, message: str) -> None:
        """Record a terminal failure decided by the job runner (e.g. attempts exhausted)."""
        document = self._documents.get(document_id)
        if document is not None:
            self._set(document, status="failed", error_code=code, error_message=message)

    def _embed_and_upsert(self, store_id: str, chunks: Sequence[Chunk], progress: ProgressCallback) -> None:
        total = len(chunks)
        for start in range(0, total, self._batch):
            batch = chunks[start : start + self._batch]
            embeddings = self._embedder.embed_documents([embedding_text(c) for c in batch])
            self._vectors.upsert(store_id, batch, embeddings)
            done = start + len(batch)
            progress(40 + int(55 * done / total), f"embedding {done}/{total} chunks")

    def _extract(
        self, collection: Collection, document: Document, parsed: ParsedDocument, progress: ProgressCallback
    ) -> DocumentMetadata | None:
        """The metadata stage (collections with ``extract_metadata``): title, summary, keywords of the text."""
        if not collection.extract_metadata or self._metadata is None:
            return None
        progress(35, "extracting metadata")
        return self._metadata.extract(document_text(parsed), filename=document.filename)

    def _discard(self, store_id: str, document_id: str) -> None:
        """Remove the document's chunks from the vector store, then from the keyword index (the second
        is tried even when the first fails)."""
        try:
            self._vectors.delete_document(store_id, document_id)
        finally:
            self._keywords.delete_document(store_id, document_id)

    def _set(self, document: Document, **changes: object) -> Document:
        updated = msgspec.structs.replace(document, updated_at=self._clock.now(), **changes)
        self._documents.update(updated)
        return updated


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its heading path as context, then its text."""
    if chunk.headings:
        return " > ".join(chunk.headings) + "\n" + chunk.text
    return chunk.text
