"""Drift between the stores, as ``ragcore doctor`` reports it: the findings and the read-only checks.

Each check only reads. Where a concurrent writer could make a healthy state look like drift, the
check reads in the writer's order: vectors before the registry (ingestion registers a document
before writing its vectors) and blob keys before the registry (an upload stores its blob first).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.errors import NotFound
from ragcore.domain.models import Document
from ragcore.domain.ports import BlobStore, CollectionCatalog, DocumentRepository, JobQueue

DriftKind = Literal[
    "orphan_store_collection", "missing_store_collection", "orphan_vectors", "missing_vectors",
    "orphan_blob", "lost_job", "stuck_job", "leftover_segment_folder",
]
Outcome = Literal["found", "repaired", "resolved"]
RUNNABLE_JOB_STATUSES = ("queued", "running")


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One drift.

    ``ids`` by kind: orphan_store_collection (store_id,); missing_store_collection (collection_id,
    store_id); orphan_vectors and missing_vectors (store_id, document_id); orphan_blob (blob_key,);
    leftover_segment_folder (folder name,): an embedded vector store's folder of a dropped collection;
    lost_job (document_id,), or (document_id, new_job_id) once requeued; stuck_job (job_id, document_id).
    ``action``: the repair ("none" for stuck_job: any worker leases it again). ``outcome``: "found" (not
    acted on), "repaired", or "resolved" (gone by itself before the repair reached it).
    """

    kind: DriftKind
    ids: tuple[str, ...]
    detail: str
    action: str
    outcome: Outcome = "found"


class DriftReport(msgspec.Struct, frozen=True, kw_only=True):
    findings: tuple[Finding, ...] = ()

    @property
    def clean(self) -> bool:
        """True when nothing drifted."""
        return not self.findings

    @property
    def unrepaired(self) -> tuple[Finding, ...]:
        """Findings still standing (everything after ``check``; stuck jobs after ``repair``)."""
        return tuple(f for f in self.findings if f.outcome == "found")


def orphan_store_collections(catalog: CollectionCatalog, chunks: ChunkIndex, prefix: str) -> list[Finding]:
    """Store collections named ``<prefix>*`` (this deployment's) that no catalog row points to
    (action "drop_collection"); other collections on a shared server are left alone."""
    known = {c.store_id for c in catalog.list()}
    return [
        Finding(kind="orphan_store_collection", ids=(sid,), detail=f"store collection {sid} has no catalog row",
                action="drop_collection")
        for sid in sorted(chunks.store_ids())
        if sid.startswith(prefix) and sid not in known
    ]


def leftover_segment_folders(chunks: ChunkIndex) -> list[Finding]:
    """On-disk index folders of the vector store that no collection owns (action "remove_folder")."""
    return [
        Finding(kind="leftover_segment_folder", ids=(name,), action="remove_folder",
                detail=f"vector-store folder {name} belongs to no collection (a dropped collection's index)")
        for name in chunks.leftover_segments()
    ]


def missing_store_collections(catalog: CollectionCatalog, chunks: ChunkIndex) -> list[Finding]:
    """Catalog rows whose store collection is gone (action "recreate_collection")."""
    existing = set(chunks.store_ids())
    return [
        Finding(kind="missing_store_collection", ids=(c.id, c.store_id),
                detail=f"collection {c.name!r} has lost its store collection {c.store_id}",
                action="recreate_collection")
        for c in catalog.list()
        if c.store_id not in existing
    ]


def orphan_vectors(catalog: CollectionCatalog, documents: DocumentRepository, chunks: ChunkIndex) -> list[Finding]:
    """Vectors of documents not registered in their collection (action "delete_vectors")."""
    stored: dict[tuple[str, str], set[str]] = {}
    for c in catalog.list():
        try:
            stored[(c.id, c.store_id)] = chunks.document_ids(c.store_id)
        except NotFound:  # reported as missing_store_collection
            continue
    registered = {(d.collection_id, d.id) for d in documents.list()}
    return [
        Finding(kind="orphan_vectors", ids=(store_id, doc_id),
                detail=f"store collection {store_id} holds vectors of document {doc_id}, "
                f"which its collection does not register", action="delete_vectors")
        for (collection_id, store_id), doc_ids in stored.items()
        for doc_id in sorted(doc_ids)
        if (collection_id, doc_id) not in registered
    ]


def missing_vectors(catalog: CollectionCatalog, documents: DocumentRepository, chunks: ChunkIndex) -> list[Finding]:
    """Ready documents whose vector count differs from their chunk count (action "fail_document")."""
    store_ids = {c.id: c.store_id for c in catalog.list()}
    found = []
    for d in documents.list(status="ready"):
        store_id = store_ids.get(d.collection_id)
        if store_id is None:
            continue
        count = vector_count(chunks, store_id, d.id)
        if count != d.chunk_count:
            detail = f"document {d.filename!r} ({d.id}) is ready with {d.chunk_count} chunks but has {count} vectors"
            found.append(Finding(kind="missing_vectors", ids=(store_id, d.id), detail=detail, action="fail_document"))
    return found


def orphan_blobs(documents: DocumentRepository, blobs: BlobStore) -> list[Finding]:
    """Blobs no document refers to (action "delete_blob")."""
    keys = blobs.keys()
    referenced = {d.blob_key for d in documents.list()}
    return [
        Finding(kind="orphan_blob", ids=(key,), detail=f"blob {key} belongs to no document", action="delete_blob")
        for key in keys
        if key not in referenced
    ]


def lost_jobs(documents: DocumentRepository, jobs: JobQueue, blobs: BlobStore, cutoff: datetime) -> list[Finding]:
    """Documents queued or processing, unchanged since before ``cutoff``, that no job can run.

    Action "requeue" when the uploaded bytes are still stored, else "fail_document".
    """
    found = []
    for d in documents.list():
        if d.status in ("queued", "processing") and d.updated_at < cutoff and not has_runnable_job(jobs, d.id):
            action = "requeue" if bytes_stored(blobs, d) else "fail_document"
            detail = f"document {d.filename!r} ({d.id}) is {d.status} but no job can run it"
            found.append(Finding(kind="lost_job", ids=(d.id,), detail=detail, action=action))
    return found


def stuck_jobs(jobs: JobQueue, cutoff: datetime) -> list[Finding]:
    """Running jobs whose lease expired before ``cutoff`` (report only: any worker leases them again)."""
    return [
        Finding(kind="stuck_job", ids=(j.id, j.document_id), action="none",
                detail=f"job {j.id} has been running on an expired lease since {j.lease_expires_at.isoformat()}")
        for j in jobs.list(status="running")
        if j.lease_expires_at is not None and j.lease_expires_at < cutoff
    ]


def vector_count(chunks: ChunkIndex, store_id: str, document_id: str) -> int:
    """The document's vectors; 0 when its store collection is missing."""
    try:
        return chunks.count(store_id, document_id)
    except NotFound:
        return 0


def has_runnable_job(jobs: JobQueue, document_id: str) -> bool:
    """True when a queued or running job (a running one is leased again once its lease expires) exists."""
    return any(j.status in RUNNABLE_JOB_STATUSES for j in jobs.list(document_id=document_id))


def bytes_stored(blobs: BlobStore, document: Document) -> bool:
    return bool(document.blob_key) and blobs.exists(document.blob_key or "")
