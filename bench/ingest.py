"""Ingestion throughput: the real pipeline vs the raw encode + Chroma add ceiling, in one run.

Uploads the first ``--docs`` SciFact abstracts (``# title`` + text markdown) through
DocumentService.upload into a fresh data dir (SQLite, embedded Chroma, SQL keyword index) and runs
their jobs with an in-process worker (JobService.run_next, one thread, like ``ragcore worker``).
Then, on exactly the chunk texts the pipeline stored, the raw ceiling: ``SentenceTransformer.encode``
(same batch size, normalised) + ``collection.add`` into a bare Chroma collection, once per document
(as the pipeline calls it) and once as one length-sorted stream over all documents. Prints docs/s,
chunks/s, truncated chunks and the pipeline/raw ratios.

    .venv/bin/python bench/ingest.py [--docs 5183] [--batch-size 32] [--corpus PATH]
"""

import argparse
import datetime
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

from ragcore.app.bootstrap import bootstrap
from ragcore.app.evaluation.beir import read_corpus
from ragcore.app.evaluation.workers import batch_compute
from ragcore.app.settings import Settings
from ragcore.domain.ingestion import embedding_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "scifact" / "corpus.jsonl"
COLLECTION = "bench"


def run_pipeline(
    data_dir: Path, records: list, batch_size: int, threads: int = 1
) -> tuple[float, list[list[str]], object]:
    """Upload + ingest ``records`` with ``threads`` worker threads (more than one: their embedding calls
    merge into length-sorted batches, BatchingEmbedder); returns (wall seconds, embedding texts per
    document, container)."""
    settings = Settings(data_dir=data_dir, embed_batch_size=batch_size, log_level="WARNING")
    container = bootstrap(settings, log_level="WARNING")
    if threads > 1:
        batch_compute(container)
    services = container.services
    services.collections().create("warmup")  # model load and lazy imports (Docling, LlamaIndex) happen once
    services.documents().upload("warmup", [("warmup.md", b"# Warm-up\n\nOne document loads the pipeline.\n")])
    work(services, 1)
    services.collections().create(COLLECTION)
    started = time.perf_counter()
    for record in records:
        services.documents().upload(COLLECTION, [(f"{record.id}.md", record.markdown())])
    work(services, threads)
    seconds = time.perf_counter() - started
    documents = services.documents().list(collection_name=COLLECTION, status="ready")
    if len(documents) != len(records):
        raise SystemExit(f"only {len(documents)} of {len(records)} documents became ready")
    texts = [[embedding_text(c) for c in services.documents().chunks(d.id)] for d in documents]
    return seconds, texts, container


def work(services, threads: int) -> None:
    """Run every due job on ``threads`` threads (each a worker with its own id)."""

    def loop(n: int) -> None:
        while services.jobs().run_next(f"bench-{n}") is not None:
            pass

    pool = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def run_raw(chroma_dir: Path, model, texts: list[list[str]], batch_size: int, stream: bool) -> float:
    """Wall seconds of encode + add of ``texts``: per document, or all documents in one encode call
    (sentence-transformers sorts each call's texts by length)."""
    import chromadb

    client = chromadb.PersistentClient(str(chroma_dir))
    collection = client.create_collection(f"raw{int(stream)}", configuration={"hnsw": {"space": "cosine"}},
                                          embedding_function=None)
    groups = [[t for doc in texts for t in doc]] if stream else texts
    started = time.perf_counter()
    n = 0
    for group in groups:
        vectors = model.encode(group, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
        for start in range(0, len(group), 5000):  # below Chroma's max batch size
            ids = [str(n + i) for i in range(start, min(start + 5000, len(group)))]
            collection.add(ids=ids, embeddings=vectors[start : start + 5000], documents=group[start : start + 5000])
        n += len(group)
    return time.perf_counter() - started


def truncated(embedder, texts: list[list[str]]) -> int:
    """Chunks longer than the model reads (max_seq_length minus [CLS]/[SEP])."""
    limit = embedder.max_seq_length - 2
    return sum(embedder.count_tokens(t) > limit for doc in texts for t in doc)


def report(docs: int, chunks: int, times: dict[str, float], cut: int, command: str) -> str:
    lines = [
        f"ragcore ingest benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, {platform.processor() or platform.machine()}",
        f"command: {command}",
        f"{docs} documents, {chunks} chunks, truncated chunks {cut}, load average at the end {os.getloadavg()[0]:.2f}",
        f"{'':34}{'seconds':>10}{'docs/s':>10}{'chunks/s':>10}{'pipeline/this':>15}",
    ]
    pipeline = next(iter(times.values()))
    for name, seconds in times.items():
        lines.append(f"{name:34}{seconds:>10.2f}{docs / seconds:>10.2f}{chunks / seconds:>10.2f}"
                     f"{pipeline / seconds:>15.2f}")
    overhead = pipeline / times["raw encode+add per document"] - 1
    lines.append(f"pipeline overhead over raw encode+add on the same chunks: {overhead:+.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; returns (and prints) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5183, help="first N corpus records (tiny input: 5)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="worker threads sharing one batching embedder")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    records = read_corpus(args.corpus)[: args.docs]
    with tempfile.TemporaryDirectory(prefix="ragcore-bench-") as tmp:
        seconds, texts, container = run_pipeline(Path(tmp) / "data", records, args.batch_size, args.threads)
        embedder = container.compute.embedder()
        model = getattr(embedder, "_inner", embedder)._load()  # the same SentenceTransformer instance, already warm
        times = {f"pipeline (upload + worker x{args.threads})": seconds}
        times["raw encode+add per document"] = run_raw(Path(tmp) / "raw", model, texts, args.batch_size, False)
        times["raw encode+add one sorted stream"] = run_raw(Path(tmp) / "raw", model, texts, args.batch_size, True)
        cut = truncated(embedder, texts)
    command = " ".join(["python bench/ingest.py", *(sys.argv[1:] if argv is None else argv)])
    text = report(len(records), sum(map(len, texts)), times, cut, command)
    print(text)
    return text


if __name__ == "__main__":
    main()
