"""The embedding stream of a batch: the chunks of many documents embedded longest first, one model
batch per call, and their vectors upserted per store collection as the documents fill up."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ragcore.domain.ingestion_runs import Batch, DocumentRun, by_store
from ragcore.domain.models import Chunk
from ragcore.domain.ports import VectorStore


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its heading path as context, then its text."""
    if chunk.headings:
        return " > ".join(chunk.headings) + "\n" + chunk.text
    return chunk.text


class EmbeddingStream:
    """``batch_size``: texts per embedding call (one model batch) and chunks per document per upsert."""

    def __init__(self, vectors: VectorStore, batch_size: int) -> None:
        self._vectors = vectors
        self._batch = batch_size

    def run(self, batch: Batch, group: list[DocumentRun]) -> None:
        """Embed the chunks of ``group`` (prepared runs of one embedder) longest first, so each model
        batch holds texts of similar length whatever their documents; store vectors as they come.

        A failed call ends every run of the group with its error; a failed upsert, the runs in it.
        """
        embedder = group[0].embedder
        assert embedder is not None  # by_embedder groups prepared runs only
        pending = length_sorted(group)
        while pending := [pair for pair in pending if pair[0].in_flight]:  # drop documents that ended
            head, pending = pending[: self._batch], pending[self._batch :]
            try:
                vectors = embedder.embed_documents([embedding_text(chunk) for _, chunk in head])
            except BaseException as exc:  # the stream stops: each of its documents ends with the error
                batch.fail_all(group, exc)
                return
            for run, items in per_run(head, vectors):
                run.unstored.extend(items)
            for runs in by_store(group):
                self._store(batch, runs)
            batch.keep_alive()

    def _store(self, batch: Batch, runs: list[DocumentRun]) -> None:
        """Upsert the embedded chunks of ``runs`` (one store collection) in pieces of ``batch_size`` per
        document (its last piece once all its chunks are embedded); the pieces of every document go in
        one call, round after round (few calls: each costs tens of ms in Chroma); progress after each."""
        while pieces := [(run, piece) for run in runs if run.in_flight and (piece := run.take_piece(self._batch))]:
            chunks = [chunk for _, piece in pieces for chunk, _ in piece]
            try:
                self._vectors.upsert(runs[0].store_id, chunks, [vector for _, piece in pieces for _, vector in piece])
            except BaseException as exc:  # the call failed for every document in it
                batch.fail_all([run for run, _ in pieces], exc)
                continue
            for run, piece in pieces:
                run.stored += len(piece)
                batch.step(run, _report_stored)


def _report_stored(run: DocumentRun) -> None:
    total = len(run.chunks)
    run.task.progress(40 + int(55 * run.stored / total), f"embedding {run.stored}/{total} chunks")


def length_sorted(group: Sequence[DocumentRun]) -> list[tuple[DocumentRun, Chunk]]:
    """Every chunk of ``group``, longest embedding text first (characters, as sentence-transformers
    sorts), so that slices of this order pad little whichever embedder encodes them."""
    pairs = [(run, chunk) for run in group for chunk in run.chunks]
    return sorted(pairs, key=lambda pair: len(embedding_text(pair[1])), reverse=True)


def per_run(
    pairs: Sequence[tuple[DocumentRun, Chunk]], vectors: Sequence[Sequence[float]]
) -> Iterator[tuple[DocumentRun, list[tuple[Chunk, Sequence[float]]]]]:
    """The (chunk, vector) pairs of one embedded slice per document, each in chunk order."""
    found: dict[int, tuple[DocumentRun, list[tuple[Chunk, Sequence[float]]]]] = {}
    for (run, chunk), vector in zip(pairs, vectors, strict=True):
        found.setdefault(id(run), (run, []))[1].append((chunk, vector))
    for run, items in found.values():
        yield run, sorted(items, key=lambda item: item[0].index)
