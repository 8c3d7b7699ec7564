"""In-memory adapters for tests and demos: same semantics as the real ones, state in dicts under a lock."""

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

import msgspec

from ragcore.domain.errors import Conflict, JobCancelled, LeaseLost, NotFound
from ragcore.domain.models import FINISHED_JOB_STATUSES, Collection, Document, DocumentStatus, Job, JobStatus
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

    ``add``/``add_many`` (and an ``update`` that would collide) raise Conflict(code="duplicate_document");
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
            raise _duplicate(f"collection {document.collection_id!r} already holds sha256 {document.sha256}")

    def add(self, document: Document) -> None:
        self.add_many([document])

    def add_many(self, documents: Sequence[Document]) -> None:
        with self._lock:
            ids = [d.id for d in documents]
            keys = {(d.collection_id, d.sha256) for d in documents}
            if len(set(ids)) != len(ids) or len(keys) != len(ids):
                raise _duplicate("the batch holds the same document twice")
            for document in documents:
                self._check_unique(document)
                if document.id in self._rows:
                    raise _duplicate(f"document {document.id!r} already exists")
            self._rows.update((d.id, d) for d in documents)

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
        self.remove_many([document_id])

    def remove_many(self, document_ids: Sequence[str]) -> None:
        with self._lock:
            for document_id in document_ids:
                self._rows.pop(document_id, None)

    def count(self, collection_id: str) -> tuple[int, int]:
        with self._lock:
            sizes = [d.size_bytes for d in self._rows.values() if d.collection_id == collection_id]
        return len(sizes), sum(sizes)


def _duplicate(message: str) -> Conflict:
    return Conflict(message, code="duplicate_document")


def _due(job: Job, now: datetime) -> bool:
    """Queued and available, or running with an expired lease (same rule as SqlJobQueue)."""
    if job.status == "queued":
        return job.available_at <= now
    return job.status == "running" and job.lease_expires_at is not None and job.lease_expires_at < now


class MemoryJobQueue:
    """JobQueue in a dict; ``clock`` decides what is due and when leases expire.

    ``enqueue`` raises Conflict(code="job_exists") for a duplicate id; ``save`` and ``update`` raise
    NotFound(code="job_not_found"); ``save`` raises JobCancelled or LeaseLost (fencing).
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
            job = min(due, key=lambda j: (-j.priority, j.available_at, j.created_at, j.id))
            leased = msgspec.structs.replace(
                job, status="running", lease_owner=worker_id, attempts=job.attempts + 1,
                lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now,
            )
            self._rows[job.id] = leased
            return leased

    def lease_many(self, worker_id: str, lease_seconds: float, limit: int) -> list[Job]:
        leased: list[Job] = []
        while len(leased) < limit and (job := self.lease(worker_id, lease_seconds)) is not None:
            leased.append(job)
        return leased

    def save(self, job: Job, worker_id: str) -> None:
        """Fenced write; raises NotFound, JobCancelled, LeaseLost."""
        with self._lock:
            _check_fence(self._rows.get(job.id), job.id, worker_id)
            self._rows[job.id] = job

    def update(self, job: Job) -> None:
        """Unfenced overwrite; raises NotFound(code="job_not_found")."""
        with self._lock:
            if job.id not in self._rows:
                raise _job_not_found(job.id)
            self._rows[job.id] = job

    def list(self, *, status: JobStatus | None = None, document_id: str | None = None) -> list[Job]:
        with self._lock:
            found = [
                j for j in self._rows.values()
                if status in (None, j.status) and document_id in (None, j.document_id)
            ]
        return sorted(found, key=lambda j: (j.created_at, j.id))

    def purge_finished(self, before: datetime) -> int:
        with self._lock:
            old = [k for k, j in self._rows.items() if j.status in FINISHED_JOB_STATUSES and j.updated_at < before]
            for key in old:
                del self._rows[key]
        return len(old)

    def remove_for_document(self, document_id: str) -> None:
        with self._lock:
            self._rows = {k: j for k, j in self._rows.items() if j.document_id != document_id}


def _job_not_found(job_id: str) -> NotFound:
    return NotFound(f"job {job_id!r} does not exist", code="job_not_found")


def _check_fence(stored: Job | None, job_id: str, worker_id: str) -> None:
    """Raises NotFound, JobCancelled, or LeaseLost unless ``stored`` runs under ``worker_id``'s lease."""
    if stored is None:
        raise _job_not_found(job_id)
    if stored.status == "cancelled":
        raise JobCancelled(f"job {job_id!r} was cancelled")
    if stored.status != "running" or stored.lease_owner != worker_id:
        raise LeaseLost(f"worker {worker_id!r} no longer holds the lease of job {job_id!r}")
