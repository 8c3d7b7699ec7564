"""Ports of the stores the domain owns: catalog, registry, job queue, blobs, clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ragcore.domain.models import (
    Collection,
    Document,
    DocumentStatus,
    Job,
    JobStatus,
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

    def lease_many(self, worker_id: str, lease_seconds: float, limit: int) -> list[Job]:
        """Take up to ``limit`` due jobs as ``lease`` takes one each, in the order ``lease`` would
        take them; empty when nothing is due. Each job is handed to one worker only."""
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
