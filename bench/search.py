"""Search latency over HTTP vs the raw path (query encode + Chroma query), in one run.

Ingests the first ``--docs`` SciFact abstracts into a fresh data dir, measures the raw path in this
process (the collection's embedder encodes the query — for torch SentenceTransformer.encode itself —
+ Chroma query, top_k 10), then starts ``ragcore serve --no-worker`` on a free loopback port and sends
``POST /api/v1/search`` (top_k 10, ``--mode``) from 1, 8 and 32 concurrent clients, each request a
distinct SciFact claim; then one claim repeated (served from the search cache when
``--cache`` is memory or redis), and ``GET /health`` as the floor of one round trip. Each client is one
kept-alive ``http.client`` connection (the standard library's; httpx costs ~0.6 ms more per request on
the client side, which is not the service's latency). Prints p50/p95/p99 (ms), throughput (queries/s)
and HTTP/raw ratios.

    .venv/bin/python bench/search.py [--docs 5183] [--queries 200] [--mode dense] [--cache memory] \
        [--embedding-backend torch|onnx|onnx-int8]
"""

import argparse
import datetime
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import COLLECTION, CORPUS, run_pipeline  # noqa: E402  (bench/ is not a package)
from machine import describe  # noqa: E402
from server import start_server  # noqa: E402

from ragcore.app.cli.evaluation.beir import read_corpus  # noqa: E402
from ragcore.domain.models import EMBEDDING_BACKENDS  # noqa: E402
from ragcore.domain.search.service import SEARCH_MODES  # noqa: E402

LEVELS = (1, 8, 32)


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    """(p50, p95, p99) in milliseconds."""
    cuts = statistics.quantiles(seconds, n=100, method="inclusive") if len(seconds) > 1 else seconds * 99
    return statistics.median(seconds) * 1000, cuts[94] * 1000, cuts[98] * 1000


def raw_latencies(container, queries: list[str]) -> list[float]:
    """Seconds per query of encode + Chroma query (top 10) in this process, on the pipeline's collection,
    with the collection's pinned backend (torch: ``SentenceTransformer.encode`` directly)."""
    collection = container.services.collections().get(COLLECTION)
    embedder = container.services.collections().embedder(collection)
    if collection.embedding_backend == "torch":
        model = embedder._load()
        encode = lambda q: model.encode([q], normalize_embeddings=True, show_progress_bar=False)  # noqa: E731
    else:
        encode = lambda q: [embedder.embed_query(q)]  # noqa: E731
    store = container.stores.vectors()._client.get_collection(collection.store_id, embedding_function=None)
    out = []
    for query in queries:
        started = time.perf_counter()
        store.query(query_embeddings=encode(query), n_results=10, include=["documents", "metadatas", "distances"])
        out.append(time.perf_counter() - started)
    return out


def request(connection: http.client.HTTPConnection, method: str, path: str, body: dict | None = None) -> None:
    """One request on a kept-alive connection; raises SystemExit unless it answers 200."""
    payload = None if body is None else json.dumps(body)
    connection.request(method, path, payload, {"content-type": "application/json"} if body is not None else {})
    response = connection.getresponse()
    content = response.read()
    if response.status != 200:
        raise SystemExit(f"{method} {path} answered {response.status}: {content[:300]!r}")


def http_latencies(url: str, queries: list[str | None], clients: int, mode: str) -> tuple[list[float], float]:
    """(seconds per request, wall seconds) of ``queries`` sent by ``clients`` concurrent clients, each a
    thread with its own connection (``queries`` None items: ``GET /health`` instead of a search)."""
    host, port = url.removeprefix("http://").split(":")
    local = threading.local()
    opened: list[http.client.HTTPConnection] = []

    def one(i: int) -> float:
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection(host, int(port), timeout=60)
            opened.append(local.connection)
        body = {"query": queries[i], "collection": COLLECTION, "top_k": 10, "mode": mode}
        started = time.perf_counter()
        if queries[i] is None:
            request(local.connection, "GET", "/health")
        else:
            request(local.connection, "POST", "/api/v1/search", body)
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as executor:
        times = list(executor.map(one, range(len(queries))))
    wall = time.perf_counter() - started
    for connection in opened:
        connection.close()
    return times, wall


def measure(url: str, claims: list[str], count: int, mode: str) -> dict[str, tuple[list[float], float]]:
    """{row name: (latencies, wall seconds)}; every uncached request is a claim not sent before."""
    rows = {}
    for n, clients in enumerate(LEVELS):
        batch = claims[n * count : (n + 1) * count]
        http_latencies(url, batch[:2], 1, mode)  # warm the connection path, not the cache of the batch
        rows[f"HTTP, {clients} client{'s' * (clients > 1)}"] = http_latencies(url, batch[2:], clients, mode)
    repeated = [claims[0]] * count
    http_latencies(url, repeated[:1], 1, mode)
    rows["HTTP, 1 client, repeated query"] = http_latencies(url, repeated, 1, mode)
    rows["HTTP, 1 client, GET /health"] = http_latencies(url, [None] * count, 1, mode)
    return rows


def report(rows: dict[str, tuple[list[float], float]], raw: list[float], header: list[str]) -> str:
    lines = [*header, f"{'':34}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'q/s':>9}{'p50/raw':>9}"]
    raw_p50 = percentiles(raw)[0]
    for name, (times, wall) in {"raw encode + Chroma query": (raw, sum(raw)), **rows}.items():
        p50, p95, p99 = percentiles(times)
        lines.append(f"{name:34}{p50:>9.2f}{p95:>9.2f}{p99:>9.2f}{len(times) / wall:>9.1f}{p50 / raw_p50:>9.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; returns (and prints) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5183, help="first N corpus records (tiny input: 5)")
    parser.add_argument("--queries", type=int, default=200, help="requests per concurrency level")
    parser.add_argument("--mode", default="dense", choices=SEARCH_MODES)
    parser.add_argument("--cache", default="memory", choices=["none", "memory", "redis"])
    parser.add_argument("--embedding-backend", default="torch", choices=EMBEDDING_BACKENDS,
                        help="the backend the benchmark collection pins (RAGCORE_EMBEDDING_BACKEND)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="SciFact corpus.jsonl (queries.jsonl beside it)")
    args = parser.parse_args(argv)
    with (args.corpus.parent / "queries.jsonl").open() as lines:
        claims = [json.loads(line)["text"] for line in lines]
    claims = (claims * (1 + 3 * (args.queries + 2) // len(claims)))[: 3 * (args.queries + 2)]
    pin = {"RAGCORE_EMBEDDING_BACKEND": args.embedding_backend}  # the collection's backend, server included
    with patch.dict(os.environ, pin), tempfile.TemporaryDirectory(prefix="ragcore-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        _, texts, container = run_pipeline(data_dir, read_corpus(args.corpus)[: args.docs])
        raw_latencies(container, claims[:5])  # warm-up
        raw = raw_latencies(container, claims[: args.queries])
        env = {"RAGCORE_DATA_DIR": str(data_dir), "RAGCORE_SEARCH_CACHE": args.cache}
        with start_server(env) as url:
            rows = measure(url, claims, args.queries + 2, args.mode)
    command = " ".join(["python bench/search.py", *(sys.argv[1:] if argv is None else argv)])
    header = [
        f"ragcore search benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {describe()}",
        f"command: {command}",
        f"{args.docs} documents, {sum(map(len, texts))} chunks, mode {args.mode}, top_k 10, cache {args.cache}, "
        f"embedding backend {args.embedding_backend}, "
        f"load average at the end {os.getloadavg()[0]:.2f}",
    ]
    text = report(rows, raw, header)
    print(text)
    return text


if __name__ == "__main__":
    main()
