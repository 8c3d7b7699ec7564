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
