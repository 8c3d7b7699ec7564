"""The doctor: finds drift between catalog, registry, job queue, vectors and blobs, and repairs it.

Repairs run kind by kind, each kind detected afresh after the previous one was repaired (a recreated
store collection then shows its ready documents as missing vectors); each repair checks its finding
again first, so drift that went away meanwhile ends "resolved" with nothing touched.

Accepted races: a blob stored by an upload that has not registered its document yet may be deleted
as an orphan (blobs have no timestamps); a collection being created right now may get its store
collection recreated first (create then fails with a Conflict; the next run drops the orphan).
Documents changed less than ``stuck_after_seconds`` ago are never taken for lost jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.doctor import drift
from ragcore.domain.doctor.drift import DriftReport, Finding
from ragcore.domain.doctor.repairs import DriftRepairs
from ragcore.domain.ports import BlobStore, Clock, CollectionCatalog, DocumentRepository, JobQueue

Step = tuple[Callable[[], list[Finding]], Callable[[Finding], Finding]]


class DoctorService:
    def __init__(
        self,
        *,
        catalog: CollectionCatalog,
        documents: DocumentRepository,
        jobs: JobQueue,
        chunks: ChunkIndex,
        blobs: BlobStore,
        clock: Clock,
        stuck_after_seconds: float = 600.0,
        store_prefix: str = "rc_",
    ) -> None:
        """``stuck_after_seconds``: how long a job may run on an expired lease, or a queued or processing
        document may stay unchanged without a runnable job, before the doctor reports it. ``chunks``:
        the vectors (checked) and keyword index (cleaned wherever vectors are)."""
        self._catalog = catalog
        self._store_prefix = store_prefix
        self._documents = documents
        self._jobs = jobs
        self._chunks = chunks
        self._blobs = blobs
        self._clock = clock
        self._stuck_after = timedelta(seconds=stuck_after_seconds)
        self._repairs = DriftRepairs(
            catalog=catalog, documents=documents, jobs=jobs, chunks=chunks, blobs=blobs, clock=clock,
        )

    def check(self) -> DriftReport:
        """Every drift found (outcome "found"); changes nothing. Raises Unavailable if a store is down."""
        return DriftReport(findings=tuple(f for detect, _ in self._steps() for f in detect()))

    def repair(self) -> DriftReport:
        """Repair every drift (stuck jobs are only reported); returns what was found and done.

        Raises Unavailable if a store cannot be reached (repairs done until then stay done).
        """
        return DriftReport(findings=tuple(fix(f) for detect, fix in self._steps() for f in detect()))

    def reconcile_jobs(self) -> list[Finding]:
        """Requeue (or fail) documents whose job was lost and report stuck jobs: the part of ``repair``
        for workers to run periodically. Raises Unavailable if a store cannot be reached."""
        return [fix(f) for detect, fix in self._job_steps() for f in detect()]

    def _steps(self) -> list[Step]:
        """(detect, repair) per kind, in repair order."""
        catalog, documents, chunks, repairs = self._catalog, self._documents, self._chunks, self._repairs
        return [
            (lambda: drift.orphan_store_collections(catalog, chunks, self._store_prefix), repairs.drop_collection),
            (lambda: drift.missing_store_collections(catalog, chunks), repairs.recreate_collection),
            (lambda: drift.leftover_segment_folders(chunks), repairs.remove_folder),
            (lambda: drift.orphan_vectors(catalog, documents, chunks), repairs.delete_vectors),
            (lambda: drift.missing_vectors(catalog, documents, chunks), repairs.fail_lost_vectors),
            (lambda: drift.orphan_blobs(documents, self._blobs), repairs.blob_deleter()),
            *self._job_steps(),
        ]

    def _job_steps(self) -> list[Step]:
        cutoff = self._clock.now() - self._stuck_after
        return [
            (lambda: drift.lost_jobs(self._documents, self._jobs, self._blobs, cutoff), self._repairs.requeue),
            (lambda: drift.stuck_jobs(self._jobs, cutoff), lambda finding: finding),  # report only
        ]
