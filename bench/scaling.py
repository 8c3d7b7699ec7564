"""Dense search latency as the store grows: p50/p95 of a top-10 query at 10k, 100k and 300k chunks.

The store part is synthetic: random L2-normalised 384-dimensional vectors with short chunk texts,
written through ChromaVectorStore (embedded, cosine HNSW) in batches of 5,000 into one collection
that grows to each size in turn; each size is then queried ``--queries`` times with random unit
vectors through ``ChromaVectorStore.query`` (top_k 15: SearchService's first ask for top 10, top_k + OVERFETCH).
Query encoding is not included (it does not depend on the store size; see bench/search.py).

    .venv/bin/python bench/scaling.py [--sizes 10000,100000,300000] [--queries 200]
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402  (bench/ is not a package)

from ragcore.adapters.chroma import ChromaVectorStore  # noqa: E402
from ragcore.domain.models import Chunk
from ragcore.domain.search.service import OVERFETCH

DIMENSION = 384
DEPTH = 10 + OVERFETCH  # what SearchService first asks the store for a top-10 dense search
BATCH = 5000
STORE_ID = "rc_scaling"


def unit_vectors(rng: np.random.Generator, count: int) -> np.ndarray:
    """(count, DIMENSION) float32 rows of length 1."""
    vectors = rng.standard_normal((count, DIMENSION)).astype("float32")
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def grow(store: ChromaVectorStore, rng: np.random.Generator, start: int, stop: int) -> float:
    """Add chunks ``start..stop-1`` (10 per synthetic document); returns the seconds it took."""
    started = time.perf_counter()
    for first in range(start, stop, BATCH):
        ids = range(first, min(first + BATCH, stop))
        chunks = [Chunk(id=f"d{i // 10}:{i % 10}", document_id=f"d{i // 10}", index=i % 10, text=f"chunk {i}",
                        filename="synthetic.md") for i in ids]
        store.upsert(STORE_ID, chunks, unit_vectors(rng, len(chunks)).tolist())
    return time.perf_counter() - started


def latencies(store: ChromaVectorStore, rng: np.random.Generator, queries: int) -> list[float]:
    """Seconds per query of ``queries`` random unit vectors (after 3 warm-up queries)."""
    out = []
    for n, vector in enumerate(unit_vectors(rng, queries + 3).tolist()):
        started = time.perf_counter()
        store.query(STORE_ID, vector, DEPTH)
        if n >= 3:
            out.append(time.perf_counter() - started)
    return out


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; returns (and prints) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,300000", help="comma-separated, ascending")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ragcore-scaling-") as tmp:
        store = ChromaVectorStore.persistent(Path(tmp))
        store.create_collection(STORE_ID, DIMENSION)
        stored = 0
        for size in sizes:
            insert = grow(store, rng, stored, size)
            stored = size
            times = latencies(store, rng, args.queries)
            p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
            rows.append((size, statistics.median(times) * 1000, p95 * 1000, insert))
    command = " ".join(["python bench/scaling.py", *(sys.argv[1:] if argv is None else argv)])
    lines = [
        f"ragcore store scaling benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{describe()}", f"command: {command}",
        f"synthetic {DIMENSION}-dim unit vectors, embedded Chroma (cosine HNSW), top {DEPTH} per query, "
        f"load average at the end {os.getloadavg()[0]:.2f}",
        f"{'chunks':>10}{'p50 ms':>10}{'p95 ms':>10}{'insert s':>10}",
        *(f"{size:>10,}{p50:>10.2f}{p95:>10.2f}{insert:>10.1f}" for size, p50, p95, insert in rows),
    ]
    text = "\n".join(lines)
    print(text)
    return text


if __name__ == "__main__":
    main()
