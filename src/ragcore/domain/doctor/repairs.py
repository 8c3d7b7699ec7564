"""Repairs of the doctor's findings, one per drift kind.

Each repair checks its finding again before it changes anything; a finding that went away meanwhile
comes back with outcome "resolved", a repaired one with "repaired". Errors: Unavailable when a store
cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.doctor import drift
from ragcore.domain.doctor.drift import Finding
from ragcore.domain.errors import Conflict, NotFound
from ragcore.domain.models import Document, Job, updated
from ragcore.domain.ports import BlobStore, Clock, CollectionCatalog, DocumentRepository, JobQueue


class DriftRepairs:
    def __init__(
        self,
        *,
        catalog: CollectionCatalog,
        documents: DocumentRepository,
        jobs: JobQueue,
        chunks: ChunkIndex,
        blobs: BlobStore,
        clock: Clock,
    ) -> None:
        """``chunks``: the vectors and keyword index, repaired together."""
        self._chunks = chunks
        self._catalog = catalog
        self._documents = documents
        self._jobs = jobs
        self._blobs = blobs
        self._clock = clock

    def drop_collection(self, finding: Finding) -> Finding:
        """orphan_store_collection: drop it with its vectors and keyword index."""
        (store_id,) = finding.ids
        if any(c.store_id == store_id for c in self._catalog.list()):
            return _resolved(finding)
        self._chunks.drop(store_id)
        return _repaired(finding)

    def remove_folder(self, finding: Finding) -> Finding:
        """leftover_segment_folder: delete it (resolved when it is gone already)."""
        (name,) = finding.ids
        if name not in self._chunks.leftover_segments():
            return _resolved(finding)
        self._chunks.remove_leftover_segment(name)
        return _repaired(finding)

    def recreate_collection(self, finding: Finding) -> Finding:
        """missing_store_collection: create it empty with the catalog's dimension."""
        collection_id, store_id = finding.ids
        collection = self._catalog.get(collection_id)
        if collection is None:
            return _resolved(finding)
        try:
            self._chunks.create(store_id, collection.embedding_dimension)
        except Conflict:  # recreated meanwhile
            return _resolved(finding)
        return _repaired(finding)

    def delete_vectors(self, finding: Finding) -> Finding:
        """orphan_vectors: delete the document's vectors (and keyword entries) from that store collection."""
        store_id, document_id = finding.ids
        document = self._documents.get(document_id)
        owner = self._catalog.get(document.collection_id) if document else None
        if owner is not None and owner.store_id == store_id:
            return _resolved(finding)
        self._chunks.delete_documents(store_id, [document_id])
        return _repaired(finding)

    def fail_lost_vectors(self, finding: Finding) -> Finding:
        """missing_vectors: delete the rest of the vectors, mark the document failed "vectors_lost"."""
        store_id, document_id = finding.ids
        document = self._documents.get(document_id)
        if document is None or document.status != "ready":
            return _resolved(finding)
        if drift.vector_count(self._chunks, store_id, document_id) == document.chunk_count:
            return _resolved(finding)
        self._chunks.delete_documents(store_id, [document_id])
        message = f"the vectors of {document.filename!r} were lost from the vector store; upload it again"
        return self._fail(document, "vectors_lost", message, finding)

    def requeue(self, finding: Finding) -> Finding:
        """lost_job: set the document queued and enqueue a new job, or, when its upload is gone, mark it
        failed "worker_lost". The finding comes back with the new job's id."""
        (document_id,) = finding.ids
        document = self._documents.get(document_id)
        if document is None or document.status not in ("queued", "processing"):
            return _resolved(finding)
        if drift.has_runnable_job(self._jobs, document_id):
            return _resolved(finding)
        if not drift.bytes_stored(self._blobs, document):
            message = f"the ingestion job of {document.filename!r} was lost and its upload is gone; upload it again"
            failing = msgspec.structs.replace(finding, action="fail_document")
            return self._fail(document, "worker_lost", message, failing)
        if not self._update(document, status="queued", error_code=None, error_message=None):
            return _resolved(finding)
        job = self._enqueue(document)  # after the registry write, so a fast worker's result is not overwritten
        return msgspec.structs.replace(finding, ids=(document_id, job.id), action="requeue", outcome="repaired")

    def blob_deleter(self) -> Callable[[Finding], Finding]:
        """orphan_blob: a repair that deletes the blob unless a document refers to it by now (the
        registry is read again once, at the first blob)."""
        referenced: set[str | None] | None = None

        def delete(finding: Finding) -> Finding:
            nonlocal referenced
            if referenced is None:
                referenced = {d.blob_key for d in self._documents.list()}
            (key,) = finding.ids
            if key in referenced:
                return _resolved(finding)
            self._blobs.delete(key)
            return _repaired(finding)

        return delete

    def _fail(self, document: Document, code: str, message: str, finding: Finding) -> Finding:
        if not self._update(document, status="failed", error_code=code, error_message=message):
            return _resolved(finding)
        return _repaired(finding)

    def _update(self, document: Document, **changes: object) -> bool:
        """Write the changed document; False when it was deleted meanwhile."""
        try:
            self._documents.update(updated(document, self._clock.now(), **changes))
        except NotFound:
            return False
        return True

    def _enqueue(self, document: Document) -> Job:
        latest = self._jobs.latest_for_document(document.id)
        attempts = {"max_attempts": latest.max_attempts} if latest else {}
        job = Job.queued(document_id=document.id, collection_id=document.collection_id, now=self._clock.now(),
                         **attempts)
        self._jobs.enqueue(job)
        return job


def _repaired(finding: Finding) -> Finding:
    return msgspec.structs.replace(finding, outcome="repaired")


def _resolved(finding: Finding) -> Finding:
    return msgspec.structs.replace(finding, outcome="resolved")
