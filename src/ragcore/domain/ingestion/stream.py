"""The embedding stream of a batch: the chunks of many documents embedded longest first, one model
batch per call, and their vectors upserted per store collection as the documents fill up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ragcore.domain.chunk_index import ChunkIndex
from ragcore.domain.ingestion.runs import Batch, DocumentRun, EmbeddedChunk, by_store
from ragcore.domain.models import Chunk
from ragcore.domain.ports import Embedder


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its heading path as context, then its text."""
    if chunk.headings:
        return " > ".join(chunk.headings) + "\n" + chunk.text
    return chunk.text


@dataclass(frozen=True, eq=False)
class PendingChunk:
    """A chunk of ``run``'s document waiting to be embedded."""

    run: DocumentRun
    chunk: Chunk


class EmbeddingStream:
    """``batch_size``: texts per embedding call (one model batch); ``upsert_size``: most chunks per vector
    upsert, and how many must wait before one is made mid-stream (each call has a fixed cost: ~12 ms
    in embedded Chroma, +0.5 ms per chunk)."""

    def __init__(self, chunks: ChunkIndex, batch_size: int, upsert_size: int = 256) -> None:
        self._chunks = chunks
        self._batch = batch_size
        self._upsert_size = upsert_size

    def run(self, batch: Batch, group: list[DocumentRun]) -> None:
        """Embed the chunks of ``group`` (prepared runs of one embedder) longest first, so each model
        batch holds texts of similar length whatever their documents; store vectors as they come; after
        each call, each document of it reports its progress (chunks embedded).

        A failed call ends every run of the group with its error; a failed upsert, the runs in it.
        """
        embedder = group[0].embedder
        assert embedder is not None  # by_embedder groups prepared runs only
        pending = length_sorted(group)
        while pending := [item for item in pending if item.run.in_flight]:  # drop documents that ended
            head, pending = pending[: self._batch], pending[self._batch :]
            if not self._embed(batch, group, embedder, head):
                return
            self._store_all(batch, group, final=False)
            for run in _runs_of(head):
                if run.in_flight:
                    batch.step(run, _report_embedded)
            batch.keep_alive()
        self._store_all(batch, group, final=True)

    def _embed(self, batch: Batch, group: list[DocumentRun], embedder: Embedder, head: list[PendingChunk]) -> bool:
        """Embed ``head`` in one call and hand each run its vectors (in chunk order); False when the call
        failed, which ends every run of ``group`` with its error."""
        try:
            vectors = embedder.embed_documents([embedding_text(item.chunk) for item in head])
        except BaseException as exc:
            batch.fail_all(group, exc)
            return False
        embedded = [EmbeddedChunk(item.run, item.chunk, vector) for item, vector in zip(head, vectors, strict=True)]
        for item in sorted(embedded, key=lambda e: e.chunk.index):
            item.run.unstored.append(item)
            item.run.embedded += 1
        return True

    def _store_all(self, batch: Batch, group: list[DocumentRun], *, final: bool) -> None:
        for runs in by_store(group):
            self._store(batch, runs, final=final)

    def _store(self, batch: Batch, runs: list[DocumentRun], *, final: bool) -> None:
        """Upsert the embedded chunks of ``runs`` (one store collection) in calls of ``upsert_size``,
        mid-stream only once that many wait, at its end all of them."""
        waiting = self._due(runs, final=final)
        for start in range(0, len(waiting), self._upsert_size):
            self._upsert(batch, runs[0].store_id, waiting[start : start + self._upsert_size])

    def _due(self, runs: list[DocumentRun], *, final: bool) -> list[EmbeddedChunk]:
        """The embedded chunks of ``runs`` in flight, taken from them, if an upsert is due (at the end,
        or once ``upsert_size`` wait); else none."""
        live = [run for run in runs if run.in_flight and run.unstored]
        if not final and sum(len(run.unstored) for run in live) < self._upsert_size:
            return []
        waiting = [item for run in live for item in run.unstored]
        for run in live:
            run.unstored = []
        return waiting

    def _upsert(self, batch: Batch, store_id: str, items: list[EmbeddedChunk]) -> None:
        """One vector upsert of the ``items`` whose documents are still in flight; a failure ends them."""
        part = [item for item in items if item.run.in_flight]
        if not part:  # every document of this slice ended with an earlier failed upsert
            return
        try:
            self._chunks.write_vectors(store_id, [item.chunk for item in part], [item.vector for item in part])
        except BaseException as exc:  # the call failed for every document in it
            batch.fail_all(_runs_of(part), exc)


def _report_embedded(run: DocumentRun) -> None:
    total = len(run.chunks)
    run.task.lease.progress(40 + int(55 * run.embedded / total), f"embedding {run.embedded}/{total} chunks")


def _runs_of(items: Sequence[PendingChunk | EmbeddedChunk]) -> list[DocumentRun]:
    """The distinct runs of ``items``, in order of first appearance."""
    return list({id(item.run): item.run for item in items}.values())


def length_sorted(group: Sequence[DocumentRun]) -> list[PendingChunk]:
    """Every chunk of ``group``, longest embedding text first (characters, as sentence-transformers
    sorts), so that slices of this order pad little whichever embedder encodes them."""
    pending = [PendingChunk(run, chunk) for run in group for chunk in run.chunks]
    return sorted(pending, key=lambda item: len(embedding_text(item.chunk)), reverse=True)
