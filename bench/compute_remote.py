"""Remote vs in-process compute, measured in one run on one machine.

Embeds ``--chunks`` real chunks (SciFact abstracts, chunked by the production chunker) with the
in-process SentenceTransformerEmbedder and with HttpEmbedder against a ``ragcore compute serve``
process (started here on a free loopback port unless ``--url`` is given), then times one query
embedding ``--queries`` times each (median). Prints the times and the remote/local ratios.

    .venv/bin/python bench/compute_remote.py [--chunks 1000] [--queries 50] [--url URL] [--corpus PATH]
"""

import argparse
import datetime
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import msgspec
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402  (bench/ is not a package)

from ragcore.adapters.compute import wire  # noqa: E402
from ragcore.adapters.compute.http_client import ComputeHttpClient
from ragcore.adapters.compute.llama_chunker import LlamaIndexChunker
from ragcore.adapters.compute.remote import HttpEmbedder
from ragcore.adapters.compute.sentence_embedder import SentenceTransformerEmbedder
from ragcore.app.settings import ComputeSettings, EmbeddingSettings
from ragcore.domain.ingestion.service import embedding_text
from ragcore.domain.models import ParsedDocument, TextBlock

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "scifact" / "corpus.jsonl"


def chunk_texts(corpus: Path, count: int, embedder: SentenceTransformerEmbedder) -> list[str]:
    """The embedding texts of the first ``count`` chunks of the corpus's abstracts (title as heading)."""
    settings = EmbeddingSettings()  # the product's chunking (RAGCORE_CHUNK_SIZE, RAGCORE_CHUNK_OVERLAP)
    chunker = LlamaIndexChunker(embedder.tokenize, embedder.max_seq_length, chunk_size=settings.chunk_size,
                                chunk_overlap=settings.chunk_overlap)
    texts: list[str] = []
    with corpus.open() as lines:
        for i, line in enumerate(lines):
            record = json.loads(line)
            parsed = ParsedDocument(blocks=[TextBlock(record["text"], None, (record["title"],))])
            texts += [embedding_text(c) for c in chunker.chunk(parsed, document_id=str(i), filename="scifact")]
            if len(texts) >= count:
                return texts[:count]
    raise SystemExit(f"{corpus} has only {len(texts)} chunks, fewer than --chunks {count}")


def start_server() -> tuple[subprocess.Popen, str]:
    """``ragcore compute serve`` on a free port; returns the process and its URL once /health answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "RAGCORE_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "ragcore", "compute", "serve", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            break
    proc.kill()
    raise SystemExit("the compute server did not start")


def timed(call, *args) -> float:
    started = time.perf_counter()
    call(*args)
    return time.perf_counter() - started


def measure(local, remote, texts: list[str], questions: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    """{metric: (local seconds, remote seconds)}: best of ``repeat`` bulk runs, median query time;
    both warmed up first, runs alternated so that neither side always goes first."""
    for embedder in (local, remote):
        embedder.embed_documents(texts[:8])
        embedder.embed_query("warm-up")
    local_runs, remote_runs = [], []
    for run in range(repeat):  # alternate the order; the best run of each side counts
        order = [(local, local_runs), (remote, remote_runs)]
        for embedder, runs in order if run % 2 == 0 else order[::-1]:
            runs.append(timed(embedder.embed_documents, texts))
    bulk = (min(local_runs), min(remote_runs))
    times: dict[str, list[float]] = {"local": [], "remote": []}
    for question, (name, embedder) in itertools.product(questions, [("local", local), ("remote", remote)]):
        times[name].append(timed(embedder.embed_query, question))
    query = (statistics.median(times["local"]), statistics.median(times["remote"]))
    return {f"embed {len(texts)} chunks": bulk, f"one query (median of {len(questions)})": query}


def read_queries(path: Path, count: int) -> list[str]:
    """The first ``count`` SciFact claims, repeated if there are fewer."""
    with path.open() as lines:
        claims = [json.loads(line)["text"] for line in itertools.islice(lines, count)]
    return list(itertools.islice(itertools.cycle(claims), count))


def report(results: dict[str, tuple[float, float]], command: str, model: str, tokens: float) -> str:
    lines = [
        f"ragcore compute benchmark, {datetime.date.today()}, {describe()}, model {model}",
        f"command: {command}",
        f"chunks: SciFact abstracts, {tokens:.0f} tokens on average; load average at the end "
        f"{os.getloadavg()[0]:.2f}; wire bytes per vector: {wire_bytes()}",
        f"{'':34}{'local':>12}{'remote':>12}{'remote/local':>14}",
    ]
    for metric, (local, remote) in results.items():
        unit, scale = ("s", 1) if local >= 1 else ("ms", 1000)
        lines.append(f"{metric:34}{local * scale:>10.2f}{unit:>2}{remote * scale:>10.2f}{unit:>2}"
                     f"{remote / local:>14.2f}")
    return "\n".join(lines)


def wire_bytes() -> str:
    """Size of one 384-dim vector in the packed /embed answer vs as a JSON list of decimals."""
    vector = np.random.default_rng(0).standard_normal(384).astype("float32")
    vector /= np.linalg.norm(vector)
    packed = wire.EmbedResponse(model="m", dimension=384, count=1, vectors=wire.pack_vectors([vector]))
    empty = wire.EmbedResponse(model="m", dimension=384, count=1, vectors=b"")
    size = len(msgspec.json.encode(packed)) - len(msgspec.json.encode(empty))
    return f"{size:,} packed vs {len(json.dumps(vector.tolist())):,} as JSON decimals"


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; returns (and prints) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=2, help="bulk runs per side (the best counts)")
    parser.add_argument("--url", help="a running compute service (default: start one)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="SciFact corpus.jsonl (queries.jsonl beside it)")
    args = parser.parse_args(argv)
    local = SentenceTransformerEmbedder(batch_size=32)
    texts = chunk_texts(args.corpus, args.chunks, local)
    questions = read_queries(args.corpus.parent / "queries.jsonl", args.queries)
    proc, url = (None, args.url) if args.url else start_server()
    compute = ComputeSettings()  # RAGCORE_COMPUTE_TIMEOUT_SECONDS, RAGCORE_COMPUTE_RETRIES
    client = ComputeHttpClient([url], timeout_seconds=compute.compute_timeout_seconds, retries=compute.compute_retries)
    try:
        results = measure(local, HttpEmbedder(client), texts, questions, args.repeat)
    finally:
        client.close()
        if proc is not None:
            proc.terminate()
            proc.wait(30)
    command = " ".join(["python bench/compute_remote.py", *(sys.argv[1:] if argv is None else argv)])
    tokens = statistics.mean(local.count_tokens(t) for t in texts)
    text = report(results, command, local.model_name, tokens)
    print(text)
    return text


if __name__ == "__main__":
    main()
