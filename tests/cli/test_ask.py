"""``ragcore ask`` on the embedded defaults in a temp data dir, with the scripted LLM server process."""

import json

import pytest
from typer.testing import CliRunner

from ragcore.app.cli import app

QUESTION = "which birds fly in a V formation?"


@pytest.fixture
def run(tmp_path, monkeypatch, scripted_llm):
    monkeypatch.setenv("RAGCORE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAGCORE_LLM_BASE_URL", scripted_llm.base_url)
    monkeypatch.setenv("RAGCORE_LLM_MAX_RETRIES", "0")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    (tmp_path / "geese.md").write_text("# Geese\n\nGeese fly south in a V formation every autumn.\n")
    assert invoke("ingest", str(tmp_path / "geese.md"), "--collection", "birds", "--create").exit_code == 0
    return invoke


def test_ask_streams_the_answer_then_its_sources(run, scripted_llm):
    scripted_llm.script({"chunks": ["Geese ", "do [1]", " [4]."]})
    result = run("ask", QUESTION, "--collection", "birds", "-k", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Geese do [1]."
    assert lines[1].startswith("[1] geese.md  (")
    assert lines[2] == "dropped citation markers that point at no passage: [4]"
    assert scripted_llm.requests()[0]["stream"] is True


def test_ask_json_and_extractive(run, scripted_llm, monkeypatch):
    scripted_llm.script("In autumn [1].")
    body = json.loads(run("ask", QUESTION, "-c", "birds", "--json").output)
    assert (body["answer"], [c["filename"] for c in body["citations"]]) == ("In autumn [1].", ["geese.md"])
    monkeypatch.setenv("RAGCORE_LLM", "none")
    failed = run("ask", QUESTION, "-c", "birds")
    assert (failed.exit_code, "[llm_unavailable]" in failed.output) == (2, True)
    extractive = run("ask", QUESTION, "-c", "birds", "--extractive")
    assert extractive.exit_code == 0 and "[1] geese.md" in extractive.output and "V formation" in extractive.output
    assert len(scripted_llm.requests()) == 1
