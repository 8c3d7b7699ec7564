"""The embedding stream of a batch: the chunks of many documents embedded longest first, one model
batch per call, and their vectors upserted per store collection as the documents fill up."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ragcore.domain.ingestion.runs import Batch, DocumentRun, by_store
from ragcore.domain.models import Chunk
from ragcore.domain.ports import VectorStore


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its heading path as context, then its text."""
    if chunk.headings:
        return " > ".join(chunk.headings) + "\n" + chunk.text
    return chunk.text


class EmbeddingStream:
    """``batch_size``: texts per embedding call (one model batch); ``upsert_size``: most chunks per vector
    upsert, and how many must wait before one is made mid-stream (each call has a fixed cost: ~12 ms
    in embedded Chroma, +0.5 ms per chunk)."""

    def __init__(self, vectors: VectorStore, batch_size: int, upsert_size: int = 256) -> None:
        self._vectors = vectors
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
        while pending := [pair for pair in pending if pair[0].in_flight]:  # drop documents that ended
            head, pending = pending[: self._batch], pending[self._batch :]
            try:
                vectors = embedder.embed_documents([embedding_text(chunk) for _, chunk in head])
            except BaseException as exc:  # the stream stops: each of its documents ends with the error
                batch.fail_all(group, exc)
                return
            embedded = list(per_run(head, vectors))
            for run, items in embedded:
                run.unstored.extend(items)
                run.embedded += len(items)
            for runs in by_store(group):
                self._store(batch, runs, final=False)
            for run, _ in embedded:
                if run.in_flight:
                    batch.step(run, _report_embedded)
            batch.keep_alive()
        for runs in by_store(group):
            self._store(batch, runs, final=True)

    def _store(self, batch: Batch, runs: list[DocumentRun], *, final: bool) -> None:
        """Upsert the embedded chunks of ``runs`` (one store collection) in calls of ``upsert_size``,
        mid-stream only once that many wait, at its end all of them."""
        live = [run for run in runs if run.in_flight and run.unstored]
        if not final and sum(len(run.unstored) for run in live) < self._upsert_size:
            return
        waiting = [(run, item) for run in live for item in run.unstored]
        for run in live:
            run.unstored = []
        for start in range(0, len(waiting), self._upsert_size):
            part = [(run, item) for run, item in waiting[start : start + self._upsert_size] if run.in_flight]
            if not part:  # every document of this slice ended with an earlier failed upsert
                continue
            try:
                self._vectors.upsert(runs[0].store_id, [c for _, (c, _) in part], [v for _, (_, v) in part])
            except BaseException as exc:  # the call failed for every document in it
                batch.fail_all(list({id(run): run for run, _ in part}.values()), exc)


def _report_embedded(run: DocumentRun) -> None:
    total = len(run.chunks)
    run.task.progress(40 + int(55 * run.embedded / total), f"embedding {run.embedded}/{total} chunks")


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
