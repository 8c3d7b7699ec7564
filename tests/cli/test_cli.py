"""The ``ragcore`` command line on the embedded defaults in a temp data dir (real model and stores)."""

import json

import pytest
from typer.testing import CliRunner

from ragcore.app.cli import app


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("RAGCORE_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def test_collections_lifecycle(run):
    assert run("collections", "create", "Notes ✓").exit_code == 0
    assert run("collections", "list").output.split("\t")[0] == "Notes ✓"
    shown = run("collections", "show", "Notes ✓").output
    assert "documents: 0\nchunks: 0\nbytes: 0" in shown
    duplicate = run("collections", "create", "Notes ✓")
    assert (duplicate.exit_code, "[collection_exists]" in duplicate.output) == (2, True)
    assert run("collections", "delete", "Notes ✓").exit_code == 0
    missing = run("collections", "show", "Notes ✓")
    assert (missing.exit_code, "[collection_not_found]" in missing.output) == (2, True)


def test_ingest_a_folder_reports_failures_and_exits_1_then_search(run, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "geese.md").write_text("# Geese\n\nGeese fly south in a V formation every autumn.\n")
    (folder / "sub" / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("   \n\n  ")
    (folder / ".hidden.md").write_text("skipped")
    result = run("ingest", str(folder), "--collection", "birds", "--create")
    assert result.exit_code == 1
    assert "1 ready, 2 failed" in result.output
    assert "[empty_file]" in result.output and "[no_extractable_text]" in result.output
    assert "hidden" not in result.output
    hits = json.loads(run("search", "which birds fly in a V formation?", "-c", "birds", "-k", "2", "--json").output)
    assert [(h["filename"], h["headings"]) for h in hits] == [("geese.md", ["Geese"])]


def test_ingest_into_a_missing_collection_without_create_fails(run, tmp_path):
    (tmp_path / "a.md").write_text("text")
    result = run("ingest", str(tmp_path / "a.md"), "--collection", "nope")
    assert (result.exit_code, "[collection_not_found]" in result.output) == (2, True)
    assert run("collections", "list").output == ""


def test_search_modes_and_filters(run, tmp_path):
    (tmp_path / "geese.md").write_text("# Geese\n\nGeese fly south in a V formation every autumn.\n")
    (tmp_path / "ducks.md").write_text("# Ducks\n\nMallards are dabbling ducks.\n")
    files = [str(tmp_path / "geese.md"), str(tmp_path / "ducks.md")]
    assert run("ingest", *files, "-c", "birds", "--create").exit_code == 0
    for mode in ("dense", "keyword", "hybrid"):
        hits = json.loads(run("search", "dabbling ducks", "-c", "birds", "--mode", mode, "--json").output)
        assert hits[0]["filename"] == "ducks.md"
    only_geese = run("search", "dabbling ducks", "-c", "birds", "--filters", '{"filename": "geese.md"}', "--json")
    assert [h["filename"] for h in json.loads(only_geese.output)] == ["geese.md"]
    bad = run("search", "ducks", "-c", "birds", "--filters", '{"author": "x"}')
    assert (bad.exit_code, "[invalid_filter]" in bad.output, "'author'" in bad.output) == (2, True, True)
    bad = run("search", "ducks", "-c", "birds", "--mode", "fuzzy")
    assert (bad.exit_code, "[invalid_mode]" in bad.output) == (2, True)


def test_collections_pin_the_embedding_backend_named_at_creation(run, tmp_path, monkeypatch, onnx_cache_dir):
    monkeypatch.setenv("RAGCORE_MODEL_CACHE_DIR", str(onnx_cache_dir))  # one ONNX export per test session
    bad = run("collections", "create", "fast", "--embedding-backend", "openvino")
    assert (bad.exit_code, "[unknown_embedding_backend]" in bad.output) == (2, True)
    assert "one of torch, onnx, onnx-int8, not 'openvino'" in " ".join(bad.output.split())  # rich wraps lines
    assert run("collections", "create", "fast", "--embedding-backend", "onnx-int8").exit_code == 0
    assert run("collections", "create", "plain").exit_code == 0
    listed = [line.split("\t") for line in run("collections", "list").output.splitlines()]
    assert [(row[0], row[-1]) for row in listed] == [("fast", "onnx-int8"), ("plain", "torch")]
    assert "embedding backend: onnx-int8" in run("collections", "show", "fast").output
    (tmp_path / "geese.md").write_text("# Geese\n\nGeese fly south in a V formation every autumn.\n")
    (tmp_path / "ducks.md").write_text("# Ducks\n\nMallards are dabbling ducks.\n")
    files = [str(tmp_path / "geese.md"), str(tmp_path / "ducks.md")]
    assert run("ingest", *files, "-c", "birds", "--create", "--embedding-backend", "onnx-int8").exit_code == 0
    assert "embedding backend: onnx-int8" in run("collections", "show", "birds").output
    hits = json.loads(run("search", "dabbling ducks", "-c", "birds", "--mode", "dense", "--json").output)
    assert hits[0]["filename"] == "ducks.md"
    other = run("ingest", files[0], "-c", "birds", "--embedding-backend", "torch")
    assert (other.exit_code, "[embedding_backend_mismatch]" in other.output) == (2, True)
