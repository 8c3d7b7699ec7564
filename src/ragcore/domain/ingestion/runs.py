"""What a batch ingestion tracks per document, and how a failure ends one document of a batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ragcore.domain.errors import JobCancelled, LeaseLost
from ragcore.domain.jobs.lease import LeasedDocument
from ragcore.domain.models import Chunk, Collection, Document, DocumentMetadata
from ragcore.domain.ports import Embedder


@dataclass(frozen=True, eq=False)
class EmbeddedChunk:
    """A chunk of ``run``'s document with its vector, waiting to be upserted."""

    run: DocumentRun
    chunk: Chunk
    vector: Sequence[float]


@dataclass(eq=False)
class DocumentRun:
    """One document's way through a batch, under its job's lease (``task.lease``: progress, keep
    alive, checkpoint; each may raise LeaseLost or JobCancelled, which end this document only).
    ``outcome`` stays None while it is in flight, then holds the ``ready`` document or the exception
    that ended it; ``held`` turns False once its job's lease is known to be gone (no more heartbeats)."""

    task: LeasedDocument
    document: Document | None = None  # as loaded, before this attempt changed it
    collection: Collection | None = None
    embedder: Embedder | None = None
    chunks: list[Chunk] = field(default_factory=list)
    page_count: int | None = None
    extracted: DocumentMetadata | None = None
    unstored: list[EmbeddedChunk] = field(default_factory=list)  # embedded, not upserted yet
    embedded: int = 0  # chunks embedded so far (its progress)
    outcome: Document | BaseException | None = None
    held: bool = True

    @property
    def in_flight(self) -> bool:
        return self.outcome is None

    @property
    def store_id(self) -> str:
        assert self.collection is not None  # set by the prepare phase, before any store is written
        return self.collection.store_id


def by_embedder(runs: Sequence[DocumentRun]) -> list[list[DocumentRun]]:
    """The prepared runs in flight, grouped by the embedder their collection pins (one stream each)."""
    groups: dict[int, list[DocumentRun]] = {}
    for run in runs:
        if run.in_flight and run.embedder is not None:
            groups.setdefault(id(run.embedder), []).append(run)
    return list(groups.values())


def by_store(runs: Sequence[DocumentRun]) -> list[list[DocumentRun]]:
    """The runs in flight grouped by the store collection of their documents."""
    groups: dict[str, list[DocumentRun]] = {}
    for run in runs:
        if run.in_flight:
            groups.setdefault(run.store_id, []).append(run)
    return list(groups.values())


class Batch:
    """The runs of one batch and how a failure ends one of them without touching the others.

    ``clean_up(run, exc)`` undoes what the attempt wrote for a run that fails before it is ready; it
    is not called when the lease was lost (the job's new owner is writing those chunks now).
    """

    def __init__(self, tasks: Sequence[LeasedDocument], clean_up: Callable[[DocumentRun, BaseException], None]) -> None:
        self.runs = [DocumentRun(task) for task in tasks]
        self._clean_up = clean_up

    def step(self, run: DocumentRun, phase: Callable[[DocumentRun], None]) -> None:
        """Run one phase of ``run``; its failure becomes the run's outcome. BaseExceptions that are not
        Exceptions (KeyboardInterrupt) propagate once the run is cleaned up."""
        try:
            phase(run)
        except BaseException as exc:
            self.fail(run, exc)
            if not isinstance(exc, Exception):
                raise

    def fail(self, run: DocumentRun, exc: BaseException) -> None:
        """End ``run`` with ``exc``; a run that was already ready keeps its stores (it just reports the
        error, e.g. a failed blob delete, and its job retries into the ready document)."""
        was_ready, run.outcome = not run.in_flight, exc
        if isinstance(exc, (LeaseLost, JobCancelled)):
            run.held = False
        if was_ready or run.document is None or isinstance(exc, LeaseLost):
            return
        try:
            self._clean_up(run, exc)
        except Exception as cleanup_error:  # e.g. a store is down: the job retries and cleans up then
            run.outcome = cleanup_error

    def fail_all(self, runs: Sequence[DocumentRun], exc: BaseException) -> None:
        """End every run in flight of ``runs`` with ``exc`` (a call made for all of them failed);
        BaseExceptions that are not Exceptions propagate then."""
        for run in runs:
            if run.in_flight:
                self.fail(run, exc)
        if not isinstance(exc, Exception):
            raise exc

    def per_store(self, runs: Sequence[DocumentRun], call: Callable[[str, list[DocumentRun]], None]) -> None:
        """``call(store_id, its runs)`` once per store collection of the runs in flight of ``runs``; a
        failure ends that collection's runs with its error."""
        for group in by_store(runs):
            try:
                call(group[0].store_id, group)
            except BaseException as exc:
                self.fail_all(group, exc)

    def keep_alive(self) -> None:
        """Renew the lease of every job still held (when due, see Lease); a run whose job was
        lost or cancelled ends there if it was still in flight."""
        for run in self.runs:
            if not run.held:
                continue
            try:
                run.task.lease.keep_alive()
            except Exception as exc:
                run.held = False
                if run.in_flight:
                    self.fail(run, exc)

    def watch(self, run: DocumentRun) -> Callable[[], None]:
        """A heartbeat for a long step of ``run`` (a parse in another process): renews every held
        lease when due, then raises what ended ``run`` meanwhile (its job was cancelled, deleted or
        lost), so the step stops."""

        def heartbeat() -> None:
            self.keep_alive()
            if isinstance(run.outcome, BaseException):
                raise run.outcome

        return heartbeat

    def outcomes(self) -> list[Document | Exception]:
        """Per task, in order: the ready document or the exception that ended it."""
        ended = []
        for run in self.runs:
            assert isinstance(run.outcome, Document | Exception)  # every run has ended by now
            ended.append(run.outcome)
        return ended
