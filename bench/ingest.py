"""Ingestion throughput: the real pipeline vs the raw encode + Chroma add ceiling, in one run.

Uploads the first ``--docs`` SciFact abstracts (``# title`` + text markdown) through
DocumentService.upload into a fresh data dir (SQLite, embedded Chroma, SQL keyword index) and runs
their jobs with the production worker loop in this process (``app.worker.pool.drain``: the loop of
``ragcore worker``, JobService.run_batch, ``--worker-batch`` jobs at a time).
Then, on exactly the chunk texts the pipeline stored, the raw ceiling: ``SentenceTransformer.encode``
(same batch size, normalised) + ``collection.add`` into a bare Chroma collection, once per document
(as a worker batch of 1 calls the model) and once as one length-sorted stream over all documents. With
``RAGCORE_EMBEDDING_BACKEND=onnx|onnx-int8`` the same two raw rows follow for that backend's model
(the adapter's ``embed_documents``: tokenize, ONNX session, mean pooling, normalise), so the pipeline's
overhead is also measured against its own model. Prints docs/s, chunks/s, truncated chunks and the
pipeline/raw ratios. ``--worker-batch 1,16`` runs the pipeline once per value (fresh data dir each), so
batch sizes are compared in one session.

    .venv/bin/python bench/ingest.py [--docs 5183] [--batch-size 32] [--worker-batch 16|1,16,...] [--corpus PATH]
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402  (bench/ is not a package)

from ragcore.app.bootstrap import bootstrap  # noqa: E402
from ragcore.app.cli.evaluation.beir import read_corpus
from ragcore.app.settings import EmbeddingSettings, QueueSettings, Settings
from ragcore.app.worker.pool import drain
from ragcore.domain.ingestion.service import embedding_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "scifact" / "corpus.jsonl"
COLLECTION = "bench"


class Timer:
    """Wall and CPU seconds (``process_time``: every thread of this process) since creation. On a shared
    machine CPU seconds show the work done, whatever share of the cores other processes took."""

    def __init__(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self._wall, time.process_time() - self._cpu


def run_pipeline(
    data_dir: Path, records: list, batch_size: int | None = None, worker_batch: int | None = None
) -> tuple[tuple[float, float], list[list[str]], object]:
    """Upload + ingest ``records`` through the production worker loop (``app.worker.pool.drain``, as
    ``ragcore worker``: JobService.run_batch, ``worker_batch`` jobs at a time; None: the settings');
    returns ((wall, CPU seconds), embedding texts per document, container)."""
    chosen = {"embed_batch_size": batch_size, "worker_batch_documents": worker_batch}
    settings = Settings(data_dir=data_dir, log_level="WARNING", **{k: v for k, v in chosen.items() if v is not None})
    container = bootstrap(settings, log_level="WARNING")
    services = container.services
    services.collections().create("warmup")  # model load and lazy imports (Docling, LlamaIndex) happen once
    services.documents().upload("warmup", [("warmup.md", b"# Warm-up\n\nOne document loads the pipeline.\n")])
    drain(container, "warmup")
    services.collections().create(COLLECTION)
    timer = Timer()
    for record in records:
        services.documents().upload(COLLECTION, [(f"{record.id}.md", record.markdown())])
    drain(container, COLLECTION)
    seconds = timer.stop()
    documents = services.documents().list(collection_name=COLLECTION, status="ready")
    if len(documents) != len(records):
        raise SystemExit(f"only {len(documents)} of {len(records)} documents became ready")
    texts = [[embedding_text(c) for c in services.documents().chunks(d.id)] for d in documents]
    return seconds, texts, container


def run_raw(chroma_dir: Path, encode, texts: list[list[str]], stream: bool, name: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``encode`` + add of ``texts`` into a new Chroma collection ``name``: per
    document, or all documents in one encode call (both encoders sort each call's texts by length)."""
    import chromadb

    client = chromadb.PersistentClient(str(chroma_dir))
    collection = client.create_collection(name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
    groups = [[t for doc in texts for t in doc]] if stream else texts
    timer = Timer()
    n = 0
    for group in groups:
        vectors = encode(group)
        for start in range(0, len(group), 5000):  # below Chroma's max batch size
            ids = [str(n + i) for i in range(start, min(start + 5000, len(group)))]
            collection.add(ids=ids, embeddings=vectors[start : start + 5000], documents=group[start : start + 5000])
        n += len(group)
    return timer.stop()


def truncated(embedder, texts: list[list[str]]) -> int:
    """Chunks longer than the model reads (max_seq_length minus [CLS]/[SEP])."""
    limit = embedder.max_seq_length - 2
    return sum(embedder.count_tokens(t) > limit for doc in texts for t in doc)


def report(docs: int, chunks: int, times: list[tuple[str, tuple[float, float]]], cut: int, command: str) -> str:
    """The table of ``times`` ((row name, (wall, CPU seconds)), the first row the reference of the
    ratios) and each pipeline row's overhead over both raw rows, in wall and in CPU seconds."""
    width = max(len(name) for name, _ in times) + 2
    lines = [
        f"ragcore ingest benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {describe()}",
        f"command: {command}",
        f"{docs} documents, {chunks} chunks, truncated chunks {cut}, load average at the end {os.getloadavg()[0]:.2f}",
        f"{'':{width}}{'seconds':>10}{'docs/s':>10}{'chunks/s':>10}{'pipeline/this':>15}{'cpu s':>10}{'cpu ratio':>11}",
    ]
    first_wall, first_cpu = times[0][1]
    for name, (wall, cpu) in times:
        lines.append(f"{name:{width}}{wall:>10.2f}{docs / wall:>10.2f}{chunks / wall:>10.2f}"
                     f"{first_wall / wall:>15.2f}{cpu:>10.2f}{first_cpu / cpu:>11.2f}")
    raws = [(name.removeprefix("raw "), wall, cpu) for name, (wall, cpu) in times if name.startswith("raw ")]
    for name, (wall, cpu) in times:
        if name.startswith("pipeline"):
            overheads = [f"{wall / raw_wall - 1:+.1%} vs {label} (cpu {cpu / raw_cpu - 1:+.1%})"
                         for label, raw_wall, raw_cpu in raws]
            lines.append(f"pipeline overhead over raw encode+add on the same chunks {name.removeprefix('pipeline ')}: "
                         + ", ".join(overheads))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; returns (and prints) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5183, help="first N corpus records (tiny input: 5)")
    parser.add_argument("--batch-size", type=int, default=EmbeddingSettings.model_fields["embed_batch_size"].default)
    parser.add_argument("--worker-batch", default=str(QueueSettings.model_fields["worker_batch_documents"].default),
                        help="jobs each worker leases and runs together (RAGCORE_WORKER_BATCH_DOCUMENTS); "
                             "a comma-separated list (1,16,1,16) runs the pipeline once per value, in that order")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    records = read_corpus(args.corpus)[: args.docs]
    times: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="ragcore-bench-") as tmp:
        for n, worker_batch in enumerate(int(v) for v in args.worker_batch.split(",")):
            seconds, texts, container = run_pipeline(Path(tmp) / f"data{n}", records, args.batch_size, worker_batch)
            times.append((f"pipeline (upload + worker, batch {worker_batch}, "
                          f"{container.settings().embedding.embedding_backend})", seconds))
            embedder = container.compute.embedder()
        model = embedder._load()  # the same SentenceTransformer instance, already warm
        encoders = {"torch fp32": lambda group: model.encode(group, batch_size=args.batch_size,
                                                              normalize_embeddings=True, show_progress_bar=False)}
        backend = container.settings().embedding.embedding_backend
        if backend != "torch":  # the pipeline's own model, already warm: the adapter without the service
            encoders[backend] = container.compute.embedders().get(backend).embed_documents
        for n, (label, encode) in enumerate(encoders.items()):
            for stream, shape in ((False, "per document"), (True, "one sorted stream")):
                times.append((f"raw {label} encode+add {shape}",
                              run_raw(Path(tmp) / "raw", encode, texts, stream, f"raw{n}{int(stream)}")))
        cut = truncated(embedder, texts)
    command = " ".join(["python bench/ingest.py", *(sys.argv[1:] if argv is None else argv)])
    text = report(len(records), sum(map(len, texts)), times, cut, command)
    print(text)
    return text


if __name__ == "__main__":
    main()
