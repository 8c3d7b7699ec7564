"""Embedding backends measured in one run: torch fp32 vs ONNX Runtime fp32 and int8, on the same chunks.

Chunks the first SciFact abstracts with the production chunker (title as heading) until ``--chunks``
chunk texts, then times ``SentenceTransformer.encode`` (batch 32, normalised) and OnnxEmbedder
(``onnx`` batch 32, ``onnx-int8`` one text per call, as the adapter runs it) on all of them,
interleaved by blocks of ``--block`` chunks (each block sorted by length, as one encode call does);
one query's median latency over ``--queries`` SciFact claims; and each ONNX backend's agreement with
torch: cosine min/mean of the same chunk's vectors and the overlap of each chunk's 10 nearest chunks.
The ONNX models are exported into a fresh temporary folder (the export time is reported) unless
``--cache-dir`` is given.

    .venv/bin/python bench/embedders.py [--chunks 2000] [--queries 50] [--block 256] [--json]
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ragcore.adapters.compute.onnx_embedder import OnnxEmbedder
from ragcore.adapters.compute.sentence_embedder import SentenceTransformerEmbedder

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compute_remote import chunk_texts, read_queries  # noqa: E402  (a sibling script, not a package)
from machine import describe  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "scifact" / "corpus.jsonl"


def agreement(vectors: np.ndarray, reference: np.ndarray, k: int = 10) -> dict[str, float]:
    """Cosine min/mean of matching rows (unit vectors) and the mean overlap of each row's top-k
    neighbours among the other rows."""
    cosines = (vectors * reference).sum(axis=1)

    def neighbours(matrix: np.ndarray) -> list[set[int]]:
        scores = matrix @ matrix.T
        np.fill_diagonal(scores, -np.inf)
        return [set(row) for row in np.argsort(-scores, axis=1)[:, :k]]

    overlap = np.mean([len(a & b) / k for a, b in zip(neighbours(vectors), neighbours(reference), strict=True)])
    return {"cosine_min": float(cosines.min()), "cosine_mean": float(cosines.mean()), "overlap_at_10": float(overlap)}


def encoders(cache_dir: Path) -> tuple[dict, dict[str, float]]:
    """{backend: encode(texts) -> (n, 384) array} with every model loaded, and the ONNX load seconds
    (export included on a cache miss)."""
    torch_model = SentenceTransformerEmbedder()._load()  # the raw SentenceTransformer
    calls = {"torch": lambda texts: torch_model.encode(
        texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)}
    loads: dict[str, float] = {}
    for backend in ("onnx", "onnx-int8"):
        embedder = OnnxEmbedder(batch_size=32, quantized=backend == "onnx-int8", cache_dir=cache_dir)
        started = time.perf_counter()
        embedder.embed_query("warm-up")
        loads[backend] = time.perf_counter() - started
        calls[backend] = lambda texts, e=embedder: np.array(e.embed_documents(texts), dtype=np.float32)
    return calls, loads


def measure(calls: dict, texts: list[str], questions: list[str], block: int) -> dict[str, dict[str, float]]:
    """Per backend: bulk seconds, median query milliseconds, agreement with torch.

    The chunks are embedded ``block`` at a time, every backend on each block before the next, the
    order rotating per block, so a change of the machine's load hits every backend alike.
    """
    seconds = dict.fromkeys(calls, 0.0)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in calls}
    names = list(calls)
    for n, start in enumerate(range(0, len(texts), block)):
        for name in names[n % len(names):] + names[:n % len(names)]:
            started = time.perf_counter()
            parts[name].append(calls[name](texts[start:start + block]))
            seconds[name] += time.perf_counter() - started
    results = {}
    for name, call in calls.items():
        call(questions[:1])
        latencies = [_timed(call, [question]) for question in questions]
        results[name] = {"seconds": seconds[name], "chunks_per_s": len(texts) / seconds[name],
                         "query_p50_ms": statistics.median(latencies) * 1000}
        results[name] |= agreement(np.concatenate(parts[name]), np.concatenate(parts["torch"]))
        results[name]["vs_torch"] = seconds["torch"] / seconds[name]
    return results


def _timed(call, texts: list[str]) -> float:
    started = time.perf_counter()
    call(texts)
    return time.perf_counter() - started


def report(results: dict, loads: dict[str, float], meta: dict) -> str:
    lines = [
        f"ragcore embedding backends, {meta['date']}, {meta['machine']}, "
        f"torch {meta['torch']}, onnxruntime {meta['onnxruntime']}",
        f"command: {meta['command']}",
        f"{meta['chunks']} SciFact chunks (production chunker), {meta['tokens']:.0f} tokens on average; "
        f"load average {meta['load_start']:.2f} at the start, {meta['load_end']:.2f} at the end",
        "ONNX load incl. export: " + ", ".join(f"{name} {s:.1f} s" for name, s in loads.items()),
        f"{'backend':12}{'seconds':>9}{'chunks/s':>10}{'x torch':>9}{'query p50 ms':>14}"
        f"{'cos min':>10}{'cos mean':>10}{'overlap@10':>12}",
    ]
    for name, row in results.items():
        lines.append(f"{name:12}{row['seconds']:>9.2f}{row['chunks_per_s']:>10.2f}{row['vs_torch']:>9.2f}"
                     f"{row['query_p50_ms']:>14.2f}{row['cosine_min']:>10.4f}{row['cosine_mean']:>10.4f}"
                     f"{row['overlap_at_10']:>12.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; returns (and prints) the report, or its JSON with ``--json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--block", type=int, default=256, help="chunks per interleaved block (see measure)")
    parser.add_argument("--cache-dir", type=Path, help="ONNX export cache (default: a fresh temporary folder)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="SciFact corpus.jsonl (queries.jsonl beside it)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    load_start = os.getloadavg()[0]
    tokenizer = SentenceTransformerEmbedder()
    texts = chunk_texts(args.corpus, args.chunks, tokenizer)
    questions = read_queries(args.corpus.parent / "queries.jsonl", args.queries)
    with tempfile.TemporaryDirectory(prefix="ragcore-onnx-") as scratch:
        calls, loads = encoders(args.cache_dir or Path(scratch))
        results = measure(calls, texts, questions, args.block)
    meta = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": describe(),
        "torch": importlib.metadata.version("torch"),
        "onnxruntime": importlib.metadata.version("onnxruntime"),
        "command": " ".join(["python bench/embedders.py", *(sys.argv[1:] if argv is None else argv)]),
        "chunks": len(texts), "tokens": statistics.mean(tokenizer.count_tokens(t) for t in texts),
        "load_start": load_start, "load_end": os.getloadavg()[0],
    }
    text = json.dumps({"meta": meta, "onnx_load_s": loads, "results": results}, indent=2) if args.json \
        else report(results, loads, meta)
    print(text)
    return text


if __name__ == "__main__":
    main()
