"""``ragcore eval --embedding-backend``: the eval collection pins the backend, and its data dir's marker
records it, so a data dir ingested with one backend is refused for another (like chunk parameters)."""

import json

from typer.testing import CliRunner

from ragcore.app.cli import app

CORPUS = [
    {"_id": "d1", "title": "Geese", "text": "Geese fly south in a V formation every autumn."},
    {"_id": "d2", "title": "Ducks", "text": "Mallards are dabbling ducks that feed at the surface."},
    {"_id": "d3", "title": "Engines", "text": "A diesel engine ignites fuel by compression alone."},
]
QUERIES = [{"_id": "q1", "text": "which birds fly in a V formation?"}, {"_id": "q2", "text": "compression ignition"}]


def test_eval_pins_the_backend_and_refuses_a_data_dir_of_another(tmp_path, monkeypatch, onnx_cache_dir):
    monkeypatch.setenv("RAGCORE_MODEL_CACHE_DIR", str(onnx_cache_dir))
    (tmp_path / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in CORPUS))
    (tmp_path / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QUERIES))
    (tmp_path / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n")
    args = ["eval", "--corpus", str(tmp_path / "corpus.jsonl"), "--queries", str(tmp_path / "queries.jsonl"),
            "--qrels", str(tmp_path / "qrels.tsv"), "--mode", "dense", "--data-dir", str(tmp_path / "data")]
    runner = CliRunner()
    first = runner.invoke(app, [*args, "--embedding-backend", "onnx-int8", "--json"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert (report["parameters"]["embedding_backend"], report["ingest"]["embedding_backend"]) == ("onnx-int8",) * 2
    assert report["modes"]["dense"]["nDCG@10"] == 1.0
    again = runner.invoke(app, [*args, "--embedding-backend", "onnx-int8", "--json"], catch_exceptions=False)
    assert json.loads(again.stdout)["ingest"]["reused"] is True
    other = runner.invoke(app, [*args, "--embedding-backend", "torch"], catch_exceptions=False)
    assert (other.exit_code, "[eval_data_mismatch]" in other.output) == (2, True)
    assert "embedding backend onnx-int8" in " ".join(other.output.split())
