"""POST /api/v1/answers over the real app and stores, with the scripted OpenAI-compatible server process."""

import itertools
import json
import socket
from contextlib import ExitStack
from string import Template

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from ragcore.app.bootstrap import bootstrap
from ragcore.app.http.app import create_app
from ragcore.app.settings import Settings
from ragcore.domain.answers.prompt import MESSAGE_OVERHEAD_TOKENS, SEPARATOR, format_passage
from tests.http.conftest import run_jobs, upload

LEASES = b"# Leases\n\nA worker renews its job lease at every progress step; an expired lease hands the job over.\n"
DUCKS = b"# Ducks\n\nMallards are dabbling ducks found on ponds worldwide.\n"
QUESTION = "When does a worker renew its job lease?"


@pytest.fixture
def make_client(tmp_path, embedder, parser):
    """A factory: a client of the app with the given settings, over a collection "docs" of two documents."""
    numbers = itertools.count()
    with ExitStack() as stack:
        def make(**settings):
            settings = {"llm_max_retries": 0, "llm_timeout_seconds": 5} | settings
            container = bootstrap(Settings(data_dir=tmp_path / f"data{next(numbers)}", **settings),
                                  log_level="WARNING")
            container.compute.embedder.override(providers.Object(embedder))
            container.compute.parser.override(providers.Object(parser))
            client = stack.enter_context(TestClient(app=create_app(container, run_worker=False)))
            client.container = container
            assert client.post("/api/v1/collections", json={"name": "docs"}).status_code == 201
            assert upload(client, "docs", ("leases.md", LEASES), ("ducks.md", DUCKS)).status_code == 202
            assert run_jobs(client) == 2
            return client
        yield make


@pytest.fixture
def client(make_client, scripted_llm):
    return make_client(llm_base_url=scripted_llm.base_url, llm_model="scripted-model")


def ask(client, question=QUESTION, **body):
    return client.post("/api/v1/answers", json={"question": question, "collection": "docs", "top_k": 2} | body)


def test_the_answer_cites_its_passages_and_drops_unknown_markers(client, scripted_llm):
    scripted_llm.script("At every progress step [1]. Ducks are irrelevant [5].")
    r = ask(client)
    assert r.status_code == 200, r.text
    body = r.json()
    hits = client.post("/api/v1/search", json={"query": QUESTION, "collection": "docs", "top_k": 2}).json()["hits"]
    assert body["answer"] == "At every progress step [1]. Ducks are irrelevant."
    assert body["dropped_markers"] == [5]
    [citation] = body["citations"]
    assert citation["marker"] == 1 and citation["filename"] == "leases.md"
    expected = {k: hits[0][k] for k in ("document_id", "filename", "chunk_id", "pages", "text")}
    assert {k: citation[k] for k in expected} == expected
    assert (body["mode"], body["passages"], body["passages_cut"]) == ("generate", 2, 0)
    [request] = scripted_llm.requests()
    prompt = request["messages"][1]["content"]
    assert "[1] leases.md" in prompt and "[2] ducks.md" in prompt and QUESTION in prompt


def test_a_streamed_answer_is_token_events_then_one_end_event(client, scripted_llm):
    scripted_llm.script({"chunks": ["At every ", "progress step [", "1", "]", " not [9]."]})
    r = ask(client, stream=True)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    frames = r.text.split("\r\n\r\n")
    assert frames[-1] == ""
    tokens = ["At every", " progress step", " [1]", " not."]
    assert frames[:4] == [f"event: token\r\ndata: {json.dumps({'text': t})}" for t in tokens]
    event, data = frames[4].split("\r\n")
    assert event == "event: end" and len(frames) == 6
    end = json.loads(data.removeprefix("data: "))
    assert (end["answer"], end["dropped_markers"]) == ("At every progress step [1] not.", [9])
    assert [c["marker"] for c in end["citations"]] == [1] and end["citations"][0]["filename"] == "leases.md"
    assert scripted_llm.requests()[0]["stream"] is True


def test_a_reply_broken_mid_stream_ends_with_an_error_event(client, scripted_llm):
    scripted_llm.script({"chunks": ["At every ", "progress ", "step."], "break_after": 2})
    frames = ask(client, stream=True).text.split("\r\n\r\n")
    assert frames[:2] == ['event: token\r\ndata: {"text": "At every"}', 'event: token\r\ndata: {"text": " progress"}']
    event, data = frames[2].split("\r\n")
    problem = json.loads(data.removeprefix("data: "))
    assert event == "event: error" and (problem["status"], problem["code"]) == (503, "llm_unavailable")
    assert frames[3:] == [""]


@pytest.mark.parametrize("question", ["", "   \n"])
@pytest.mark.parametrize("stream", [False, True])
def test_a_blank_question_is_422_naming_question_and_calls_nothing(client, scripted_llm, question, stream):
    r = ask(client, question, stream=stream)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "invalid_question" and "question" in r.json()["detail"]
    assert scripted_llm.requests() == []


def test_without_a_language_model_answers_are_503_and_extractive_mode_still_works(make_client):
    client = make_client(llm="none")
    for stream in (False, True):
        r = ask(client, stream=stream)
        assert (r.status_code, r.headers["content-type"]) == (503, "application/problem+json")
        assert (r.json()["code"], r.json()["status"]) == ("llm_unavailable", 503)
        assert "RAGCORE_LLM" in r.json()["detail"]
    r = ask(client, mode="extractive")
    assert r.status_code == 200
    body = r.json()
    hits = client.post("/api/v1/search", json={"query": QUESTION, "collection": "docs", "top_k": 2}).json()["hits"]
    assert (body["answer"], body["mode"], body["dropped_markers"]) == (None, "extractive", [])
    expected = [(n, h["chunk_id"]) for n, h in enumerate(hits, 1)]
    assert [(c["marker"], c["chunk_id"]) for c in body["citations"]] == expected
    frames = ask(client, mode="extractive", stream=True).text.split("\r\n\r\n")
    assert len(frames) == 2 and frames[0].startswith("event: end\r\ndata: ") and frames[1] == ""
    assert json.loads(frames[0].split("\r\n")[1].removeprefix("data: ")) == body


def test_an_unreachable_language_model_is_503(make_client):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = make_client(llm_base_url=f"http://127.0.0.1:{port}/v1", llm_model="m")
    r = ask(client)
    assert (r.status_code, r.json()["code"]) == (503, "llm_unavailable")
    assert f"127.0.0.1:{port}" in r.json()["detail"] and "cannot be reached" in r.json()["detail"]


def test_passages_beyond_the_context_budget_are_cut(client, scripted_llm):
    services, language = client.container.services, client.container.language
    llm, prompts = language.model(), language.answer_prompts()
    hits = services.search().search("docs", QUESTION, 2)
    costs = [llm.count_tokens(format_passage(n, h) + SEPARATOR) for n, h in enumerate(hits, 1)]
    fixed = (llm.count_tokens(prompts.system) + 2 * MESSAGE_OVERHEAD_TOKENS
             + llm.count_tokens(Template(prompts.user).substitute(question=QUESTION, passages="")))
    llm.context_tokens = client.container.settings().llm.llm_max_answer_tokens + fixed + sum(costs) - 1  # 1 short of 2
    scripted_llm.script("Step [1], ducks [2].")
    body = ask(client).json()
    assert (body["answer"], body["passages"], body["passages_cut"], body["dropped_markers"]) == (
        "Step [1], ducks.", 1, 1, [2])
    prompt = scripted_llm.requests()[0]["messages"][1]["content"]
    assert format_passage(1, hits[0]) in prompt and "[2]" not in prompt


def test_unknown_fields_and_modes_are_rejected(client, scripted_llm):
    assert ask(client, mode="poetry").status_code == 400
    assert ask(client, temperature=2).status_code == 400
    assert scripted_llm.requests() == []
