"""The ingestion pipeline: parse -> chunk -> embed -> upsert vectors -> keyword index -> registry
``ready``, for one document or a batch whose chunks are embedded together (``process_many``)."""

from collections.abc import Callable, Sequence
from functools import partial

from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.collections.service import CollectionService
from ragcore.domain.errors import Conflict, IngestionFailed, JobCancelled, NotFound
from ragcore.domain.ingestion.document_text import document_text
from ragcore.domain.ingestion.runs import Batch, DocumentRun, by_embedder
from ragcore.domain.ingestion.stream import EmbeddingStream, embedding_text
from ragcore.domain.jobs.lease import CANCELLED, LeasedDocument, NoLease
from ragcore.domain.models import Collection, Document, DocumentMetadata, ParsedDocument, updated
from ragcore.domain.ports import (
    BlobStore,
    Chunker,
    Clock,
    DocumentRepository,
    MetadataExtractor,
    Parser,
    ProgressCallback,
    SearchCache,
)
from ragcore.domain.search.cache import SearchResults

__all__ = ["IngestionService", "embedding_text"]


class IngestionService:
    def __init__(
        self,
        *,
        collections: CollectionService,
        documents: DocumentRepository,
        blobs: BlobStore,
        chunks: ChunkIndex,
        parser: Parser,
        chunker: Chunker,
        clock: Clock,
        embed_batch_size: int = 32,
        stream_chunks: int = 512,
        upsert_size: int = 256,
        metadata: MetadataExtractor | None = None,
        search_cache: SearchCache | None = None,
    ) -> None:
        """``chunks``: where chunks are written (vectors, then keywords); ``embed_batch_size``: texts per
        embedding call; ``upsert_size``: most chunks per vector upsert;
        ``stream_chunks``: a batch's documents are embedded in streams that close once they hold this
        many chunks (a document of many chunks fills model batches alone; the cap bounds how long a
        document waits for the others of its batch and the vectors held in memory);
        ``metadata``: the extractor of the metadata stage, run for collections with ``extract_metadata``;
        ``search_cache``: its collection generation is bumped when a document becomes ready."""
        self._collections = collections
        self._documents = documents
        self._blobs = blobs
        self._chunks = chunks
        self._parser = parser
        self._chunker = chunker
        self._clock = clock
        self._stream = EmbeddingStream(chunks, embed_batch_size, upsert_size)
        self._stream_chunks = stream_chunks
        self._metadata = metadata
        self._search_cache = SearchResults(search_cache)

    def process(self, document_id: str, progress: ProgressCallback) -> Document:
        """Ingest one registered document; returns it ``ready``.

        Raises IngestionFailed (permanent; the document is marked ``failed`` with its code and no
        vectors or keyword entries remain), NotFound "document_not_found" if it was deleted meanwhile,
        or Unavailable (transient; the caller retries; chunks are written again by id). The keyword
        index is written after the vectors; when that fails, the vectors are removed too.
        """
        (outcome,) = self.process_many([LeasedDocument(document_id, NoLease(progress))])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def process_many(self, tasks: Sequence[LeasedDocument]) -> list[Document | Exception]:
        """Ingest several registered documents together; returns per task, in order, the ``ready``
        document or the exception ``process`` would have raised for it (each cleaned up the same way).

        Each document is prepared on its own (load, pinned model, ``processing``, parse, chunk,
        metadata) until the prepared ones hold ``stream_chunks`` chunks (or all are prepared). Then the
        chunks of every prepared document whose collection pins the same embedder are embedded as one
        stream, longest first, ``embed_batch_size`` per call (one model batch of
        similar lengths); the vectors of each store collection are upserted together, ``upsert_size``
        per call, once that many wait or the stream ends (EmbeddingStream). A failed embedding call ends
        every document of its stream with its error (Unavailable: each job retries), a failed upsert
        the documents in it. Then the chunks of each store collection are keyword-indexed in one call,
        each document is registered ``ready``, and the next documents are prepared.
        Every task's ``lease.keep_alive`` runs after each document step and each call; its
        ``lease.checkpoint`` right before its document is marked ready.
        """
        batch = Batch(tasks, self._clean_up)
        waiting = list(batch.runs)
        while waiting:
            prepared: list[DocumentRun] = []
            while waiting and sum(len(run.chunks) for run in prepared) < self._stream_chunks:
                run = waiting.pop(0)
                batch.step(run, partial(self._prepare, heartbeat=batch.watch(run)))
                batch.keep_alive()
                prepared.append(run)
            batch.per_store(prepared, self._discard_earlier_attempts)
            for group in by_embedder(prepared):
                self._stream.run(batch, group)
            batch.per_store(prepared, self._index_keywords)
            for run in prepared:
                if run.in_flight:
                    batch.step(run, self._register)
                    batch.keep_alive()
        return batch.outcomes()

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

    def _prepare(self, run: DocumentRun, heartbeat: Callable[[], None] | None = None) -> None:
        """Load and check the document, mark it ``processing``, parse (``heartbeat`` runs while a parse
        in another process is awaited), chunk and extract metadata. An already ``ready`` document ends
        the run as is."""
        progress = run.task.lease.progress
        document = self._documents.get(run.task.document_id)
        if document is None:
            raise NotFound(f"document {run.task.document_id!r} no longer exists", code="document_not_found")
        if document.status == "ready":  # an earlier attempt finished but its job was not closed
            run.outcome = document
            return
        run.collection = collection = self._collections.by_id(document.collection_id)
        run.document = document  # from here on a failure cleans up (Batch.fail)
        run.embedder = self._collections.embedder(collection)  # the collection's pinned backend
        self._set(document, status="processing")
        progress(5, "parsing")
        data = self._blobs.get(document.blob_key or "")
        parsed = self._parser.parse(data, document.filename, heartbeat=heartbeat)
        progress(30, "chunking")
        chunks = self._chunker.chunk(parsed, document_id=document.id, filename=document.filename)
        if not chunks:
            raise IngestionFailed(f"{document.filename!r} contains no text", code="no_extractable_text")
        run.extracted = self._extract(collection, document, parsed, progress)
        run.chunks, run.page_count = chunks, parsed.page_count

    def _discard_earlier_attempts(self, store_id: str, runs: list[DocumentRun]) -> None:
        """Remove the chunks an earlier attempt of each run's document may have left (fewer chunks this
        time would leave stale ones); called once per store collection."""
        self._chunks.delete_documents(store_id, [run.task.document_id for run in runs])

    def _index_keywords(self, store_id: str, runs: list[DocumentRun]) -> None:
        """Keyword-index the stored chunks of the runs of one store collection in one call (on failure
        their vectors are removed too, see ChunkIndex.write_keywords)."""
        self._chunks.write_keywords(store_id, [chunk for run in runs for chunk in run.chunks])

    def _register(self, run: DocumentRun) -> None:
        """Mark the document ``ready`` (its chunks are stored and keyword-indexed); then bump the search
        cache and delete the upload (a failure there leaves the document ready, the job retries into it)."""
        document, collection = run.document, run.collection
        assert document is not None and collection is not None  # set by _prepare
        run.task.lease.progress(95, "registering")
        run.task.lease.checkpoint()  # the last chance to notice a cancellation or a lost lease
        run.outcome = self._set(
            document, status="ready", chunk_count=len(run.chunks), page_count=run.page_count, blob_key=None,
            error_code=None, error_message=None, extracted=run.extracted or document.extracted,
        )
        self._search_cache.bump(collection.id)
        if document.blob_key:
            self._blobs.delete(document.blob_key)

    def _clean_up(self, run: DocumentRun, exc: BaseException) -> None:
        """Nothing of a failed attempt remains (never ready without its registry entry); permanent
        failures and cancellations mark the document ``failed``."""
        document = run.document
        assert document is not None  # Batch.fail cleans up prepared documents only
        self._chunks.delete_documents(run.store_id, [document.id])
        if isinstance(exc, IngestionFailed):
            self._set(document, status="failed", error_code=exc.code, error_message=exc.message)
        elif isinstance(exc, JobCancelled):
            self._set(document, status="failed", error_code="job_cancelled", error_message=CANCELLED)

    def _extract(
        self, collection: Collection, document: Document, parsed: ParsedDocument, progress: ProgressCallback
    ) -> DocumentMetadata | None:
        """The metadata stage (collections with ``extract_metadata``): title, summary, keywords of the text."""
        if not collection.extract_metadata or self._metadata is None:
            return None
        progress(35, "extracting metadata")
        return self._metadata.extract(document_text(parsed), filename=document.filename)

    def _set(self, document: Document, **changes: object) -> Document:
        changed = updated(document, self._clock.now(), **changes)
        self._documents.update(changed)
        return changed
