"""In-memory adapters for tests and demos: same semantics as the real ones, state in dicts under a lock."""

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

import msgspec

from ragcore.domain.errors import Conflict, NotFound
from ragcore.domain.models import Collection, Document, DocumentStatus, Job
from ragcore.domain.ports import Clock


class MemoryCollectionCatalog:
    """CollectionCatalog in a dict. ``add`` raises Conflict(code="collection_exists")."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, Collection] = {}

    def add(self, collection: Collection) -> None:
        with self._lock:
            taken = any(c.name == collection.name for c in self._rows.values())
            if taken or collection.id in self._rows:
                raise Conflict(f"collection {collection.name!r} already exists", code="collection_exists")
            self._rows[collection.id] = collection

    def get(self, collection_id: str) -> Collection | None:
        with self._lock:
            return self._rows.get(collection_id)

    def get_by_name(self, name: str) -> Collection | None:
        with self._lock:
            return next((c for c in self._rows.values() if c.name == name), None)

    def list(self) -> list[Collection]:
        with self._lock:
            return sorted(self._rows.values(), key=lambda c: c.name)

    def remove(self, collection_id: str) -> None:
        with self._lock:
            self._rows.pop(collection_id, None)


class MemoryDocumentRepository:
    """DocumentRepository in a dict.

    ``add`` (and an ``update`` that would collide) raise Conflict(code="duplicate_document");
    ``update`` raises NotFound(code="document_not_found").
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, Document] = {}

    def _holder(self, collection_id: str, sha256: str) -> Document | None:
        return next(
            (d for d in self._rows.values() if (d.collection_id, d.sha256) == (collection_id, sha256)), None
        )

    def _check_unique(self, document: Document) -> None:
        holder = self._holder(document.collection_id, document.sha256)
        if holder is not None and holder.id != document.id:
            raise Conflict(
                f"collection {document.collection_id!r} already holds sha256 {document.sha256}",
                code="duplicate_document",
            )

    def add(self, document: Document) -> None:
        with self._lock:
            self._check_unique(document)
            if document.id in self._rows:
                raise Conflict(f"document {document.id!r} already exists", code="duplicate_document")
            self._rows[document.id] = document

    def get(self, document_id: str) -> Document | None:
        with self._lock:
            return self._rows.get(document_id)

    def get_many(self, document_ids: Sequence[str]) -> dict[str, Document]:
        with self._lock:
            return {i: self._rows[i] for i in document_ids if i in self._rows}

    def find_by_sha256(self, collection_id: str, sha256: str) -> Document | None:
        with self._lock:
            return self._holder(collection_id, sha256)

    def list(
        self, *, collection_id: str | None = None, status: DocumentStatus | None = None
    ) -> list[Document]:
        with self._lock:
            found = [
                d for d in self._rows.values()
                if collection_id in (None, d.collection_id) and status in (None, d.status)
            ]
        return sorted(found, key=lambda d: (d.created_at, d.id))

    def update(self, document: Document) -> None:
        with self._lock:
            if document.id not in self._rows:
                raise NotFound(f"document {document.id!r} does not exist", code="document_not_found")
            self._check_unique(document)
            self._rows[document.id] = document

    def remove(self, document_id: str) -> None:
        with self._lock:
            self._rows.pop(document_id, None)


def _due(job: Job, now: datetime) -> bool:
    """Queued and available, or running with an expired lease (same rule as SqlJobQueue)."""
    if job.status == "queued":
        return job.available_at <= now
    return job.status == "running" and job.lease_expires_at is not None and job.lease_expires_at < now


class MemoryJobQueue:
    """JobQueue in a dict; ``clock`` decides what is due and when leases expire.

    ``enqueue`` raises Conflict(code="job_exists") for a duplicate id; ``save`` raises
    NotFound(code="job_not_found").
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rows: dict[str, Job] = {}

    def enqueue(self, job: Job) -> None:
        with self._lock:
            if job.id in self._rows:
                raise Conflict(f"job {job.id!r} already exists", code="job_exists")
            self._rows[job.id] = job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._rows.get(job_id)

    def latest_for_document(self, document_id: str) -> Job | None:
        with self._lock:
            jobs = [j for j in self._rows.values() if j.document_id == document_id]
        return max(jobs, key=lambda j: (j.created_at, j.id), default=None)

    def lease(self, worker_id: str, lease_seconds: float) -> Job | None:
        now = self._clock.now()
        with self._lock:
            due = [j for j in self._rows.values() if _due(j, now)]
            if not due:
                return None
            job = min(due, key=lambda j: (j.available_at, j.created_at, j.id))
            leased = msgspec.structs.replace(
                job, status="running", lease_owner=worker_id, attempts=job.attempts + 1,
                lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now,
            )
            self._rows[job.id] = leased
            return leased

    def save(self, job: Job) -> None:
        with self._lock:
            if job.id not in self._rows:
                raise NotFound(f"job {job.id!r} does not exist", code="job_not_found")
            self._rows[job.id] = job

    def remove_for_document(self, document_id: str) -> None:
        with self._lock:
            self._rows = {k: j for k, j in self._rows.items() if j.document_id != document_id}
