"""The lease a running job holds, as the work it runs sees it, and the handler a JobService runs.

``jobs`` implements ``Lease`` (JobService's leased run) and calls a ``BatchHandler`` it is given
(the container wires in IngestionService); the handler depends on this module only, never on the
job service. ``LeaseLost`` and ``JobCancelled`` stay in ``ragcore.domain.errors``: the JobQueue port
and its adapters raise them, and the HTTP layer maps them with every other error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ragcore.domain.models import Document
from ragcore.domain.ports import ProgressCallback

CANCELLED = "ingestion was cancelled"  # the error message of a cancelled job's document (code "job_cancelled")


class Lease(Protocol):
    """The lease of a running job. Each method may raise LeaseLost (another worker holds the job now)
    or JobCancelled; either ends the work of this job only."""

    def progress(self, percent: int, stage: str) -> None:
        """Report a step (``percent`` 0-100, a stage message); written, renewing the lease, when due."""
        ...

    def keep_alive(self) -> None:
        """Renew the lease only when that is due: cheap, so it may be called often."""
        ...

    def checkpoint(self) -> None:
        """Write the current step and renew the lease now (before the work's result is made visible,
        so a cancelled or lost job never publishes it)."""
        ...


class NoLease:
    """A lease that never expires and is never lost: ``progress`` goes to ``report`` (work run alone,
    outside a job)."""

    def __init__(self, report: ProgressCallback | None = None) -> None:
        self._report = report

    def progress(self, percent: int, stage: str) -> None:
        if self._report is not None:
            self._report(percent, stage)

    def keep_alive(self) -> None:
        return None

    def checkpoint(self) -> None:
        return None


@dataclass(frozen=True, eq=False)
class LeasedDocument:
    """One document to work on, and the lease of the job that holds it."""

    document_id: str
    lease: Lease


class BatchHandler(Protocol):
    """What a JobService runs: the documents of leased jobs, and their registry states."""

    def process_many(self, tasks: Sequence[LeasedDocument]) -> list[Document | Exception]:
        """Per task, in order: the ``ready`` document or the exception that ended its work (LeaseLost,
        JobCancelled, IngestionFailed and NotFound are final for the job; others are retried)."""
        ...

    def mark_failed(self, document_id: str, code: str, message: str) -> None:
        """Record a terminal failure decided by the job runner; no error for a deleted document."""
        ...

    def reset(self, document_id: str) -> Document:
        """Put a failed document back to ``queued`` for a new job. Raises NotFound "document_not_found",
        Conflict "document_bytes_gone"."""
        ...
