"""The compute benchmark on tiny input, against the session's compute server, so it does not rot."""

import importlib.util
import re

from tests.conftest import REPO, shared_path


def test_compute_benchmark_prints_remote_to_local_ratios(compute_server) -> None:
    corpus = shared_path("scifact", "corpus.jsonl")
    spec = importlib.util.spec_from_file_location("compute_remote", REPO / "bench" / "compute_remote.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    compute_server.ensure_running()
    report = bench.main(["--chunks", "20", "--queries", "3", "--repeat", "1", "--url", compute_server.url,
                         "--corpus", str(corpus)])
    rows = dict(re.findall(r"^(embed 20 chunks|one query \(median of 3\)) .*?([\d.]+)$", report, re.MULTILINE))
    assert set(rows) == {"embed 20 chunks", "one query (median of 3)"}
    assert all(float(ratio) > 0 for ratio in rows.values())
    assert "packed vs" in report and "command: python bench/compute_remote.py --chunks 20" in report


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_ingest_benchmark_prints_pipeline_to_raw_ratios() -> None:
    corpus = shared_path("scifact", "corpus.jsonl")
    report = _load("ingest").main(["--docs", "3", "--worker-batch", "2", "--corpus", str(corpus)])
    assert "3 documents" in report and "truncated chunks 0" in report
    assert re.search(r"UTC, \d+ CPU cores \(.+; int8: [\w, ]+\), Python 3\.", report)  # int8 speed needs VNNI
    name = r"pipeline \(upload \+ worker, batch 2, torch\)|raw torch fp32 encode\+add [a-z ]+?"
    pattern = rf"^({name}) +[\d.]+ +[\d.]+ +[\d.]+ +([\d.]+) +[\d.]+ +[\d.]+$"  # ..., pipeline/this, cpu s, cpu ratio
    rows = re.findall(pattern, report, re.MULTILINE)
    assert [name for name, _ in rows] == [
        "pipeline (upload + worker, batch 2, torch)", "raw torch fp32 encode+add per document",
        "raw torch fp32 encode+add one sorted stream"]
    assert all(float(ratio) > 0 for _, ratio in rows)
    assert "pipeline overhead over raw encode+add" in report


def test_ingest_benchmark_adds_raw_rows_for_the_pipelines_own_backend(onnx_cache_dir, monkeypatch) -> None:
    monkeypatch.setenv("RAGCORE_EMBEDDING_BACKEND", "onnx-int8")
    monkeypatch.setenv("RAGCORE_MODEL_CACHE_DIR", str(onnx_cache_dir))
    corpus = shared_path("scifact", "corpus.jsonl")
    report = _load("ingest").main(["--docs", "3", "--worker-batch", "2", "--corpus", str(corpus)])
    rows = re.findall(r"^(pipeline \(.*?\)|raw [\w-]+(?: fp32)? encode\+add [a-z ]+?) +[\d.]+ ", report, re.MULTILINE)
    assert rows == ["pipeline (upload + worker, batch 2, onnx-int8)", "raw torch fp32 encode+add per document",
                    "raw torch fp32 encode+add one sorted stream", "raw onnx-int8 encode+add per document",
                    "raw onnx-int8 encode+add one sorted stream"]
    overheads = re.findall(r"([+-][\d.]+)% vs (onnx-int8 encode\+add [a-z ]+) \(cpu", report)
    assert [name for _, name in overheads] == ["onnx-int8 encode+add per document",
                                               "onnx-int8 encode+add one sorted stream"]


def test_search_benchmark_prints_percentiles_per_concurrency() -> None:
    corpus = shared_path("scifact", "corpus.jsonl")
    report = _load("search").main(["--docs", "3", "--queries", "3", "--cache", "memory", "--corpus", str(corpus)])
    names = re.findall(r"^(raw encode \+ Chroma query|HTTP, [\w ,/]+?) +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+$",
                       report, re.MULTILINE)
    assert names == ["raw encode + Chroma query", "HTTP, 1 client", "HTTP, 8 clients", "HTTP, 32 clients",
                     "HTTP, 1 client, repeated query", "HTTP, 1 client, GET /health"]


def test_scaling_benchmark_prints_one_row_per_size() -> None:
    report = _load("scaling").main(["--sizes", "300,600", "--queries", "5"])
    sizes = re.findall(r"^ *([\d,]+) +[\d.]+ +[\d.]+", report, re.MULTILINE)
    assert sizes == ["300", "600"]


def test_embedders_benchmark_prints_one_row_per_backend(onnx_cache_dir) -> None:
    corpus = shared_path("scifact", "corpus.jsonl")
    report = _load("embedders").main(["--chunks", "20", "--queries", "3", "--corpus", str(corpus),
                                      "--cache-dir", str(onnx_cache_dir)])
    rows = re.findall(r"^(torch|onnx|onnx-int8) +[\d.]+ +[\d.]+ +([\d.]+) +[\d.]+ +([\d.]+) +[\d.]+ +[\d.]+$",
                      report, re.MULTILINE)
    assert [name for name, _, _ in rows] == ["torch", "onnx", "onnx-int8"]
    assert all(float(ratio) > 0 for _, ratio, _ in rows)
    assert float(rows[1][2]) >= 0.9999  # fp32 ONNX: the torch vectors
    assert "20 SciFact chunks" in report and "ONNX load incl. export" in report
