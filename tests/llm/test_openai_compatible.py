"""OpenAICompatibleLanguageModel against the scripted server process: plain, streamed, errors, retries."""

import socket
import time

import pytest

from ragcore.adapters.llm.openai_compatible import OpenAICompatibleLanguageModel
from ragcore.adapters.llm.unconfigured import UnconfiguredLanguageModel
from ragcore.domain.errors import Unavailable
from ragcore.domain.models import ChatMessage
from tests.llm.conftest import OPTIONS

MESSAGES = [ChatMessage("system", "be brief"), ChatMessage("user", "hello?")]


def model(base_url: str, **options) -> OpenAICompatibleLanguageModel:
    return OpenAICompatibleLanguageModel(base_url=base_url, **(OPTIONS | options))


def test_complete_sends_the_messages_and_returns_the_reply(scripted_llm):
    scripted_llm.script("Hi there [1].")
    llm = model(scripted_llm.base_url, model="my-model", temperature=0.0)
    assert llm.complete(MESSAGES, max_tokens=64) == "Hi there [1]."
    [request] = scripted_llm.requests()
    assert request["model"] == "my-model"
    assert request["messages"] == [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello?"}]
    assert (request["max_tokens"], request["temperature"], request.get("stream")) == (64, 0.0, None)


def test_without_a_configured_model_the_first_listed_one_is_used(scripted_llm):
    scripted_llm.script("ok")
    llm = model(scripted_llm.base_url)
    assert llm.complete(MESSAGES, max_tokens=8) == "ok"
    assert llm.model_name == "scripted-model"
    assert scripted_llm.requests()[0]["model"] == "scripted-model"


def test_stream_yields_the_pieces_in_order(scripted_llm):
    scripted_llm.script({"chunks": ["Hel", "lo ", "[1", "]", "."]})
    pieces = list(model(scripted_llm.base_url, model="m").stream(MESSAGES, max_tokens=32))
    assert pieces == ["Hel", "lo ", "[1", "]", "."]
    assert scripted_llm.requests()[0]["stream"] is True


def test_a_connection_broken_mid_stream_raises_llm_unavailable(scripted_llm):
    scripted_llm.script({"chunks": ["a ", "b ", "c"], "break_after": 2})
    pieces = model(scripted_llm.base_url, model="m").stream(MESSAGES, max_tokens=32)
    received = []
    with pytest.raises(Unavailable) as err:
        for piece in pieces:
            received.append(piece)
    assert (err.value.code, received) == ("llm_unavailable", ["a ", "b "])


def test_server_errors_are_retried(scripted_llm):
    scripted_llm.script({"status": 503, "error": "loading"}, "recovered")
    assert model(scripted_llm.base_url, model="m", max_retries=1).complete(MESSAGES, max_tokens=8) == "recovered"
    assert len(scripted_llm.requests()) == 2


def test_an_error_after_the_retries_is_llm_unavailable_with_the_servers_message(scripted_llm):
    scripted_llm.script(*[{"status": 500, "error": "model crashed"}] * 2)
    with pytest.raises(Unavailable) as err:
        model(scripted_llm.base_url, model="m", max_retries=1).complete(MESSAGES, max_tokens=8)
    assert err.value.code == "llm_unavailable"
    assert "HTTP 500" in err.value.message and "model crashed" in err.value.message
    assert len(scripted_llm.requests()) == 2


def test_a_client_error_is_not_retried(scripted_llm):
    scripted_llm.script({"status": 400, "error": "context length exceeded"})
    with pytest.raises(Unavailable) as err:
        model(scripted_llm.base_url, model="m", max_retries=2).complete(MESSAGES, max_tokens=8)
    assert "context length exceeded" in err.value.message
    assert len(scripted_llm.requests()) == 1


def test_a_slow_server_times_out_as_llm_unavailable(scripted_llm):
    scripted_llm.script({"content": "late", "delay": 2})
    started = time.monotonic()
    with pytest.raises(Unavailable) as err:
        model(scripted_llm.base_url, model="m", timeout_seconds=0.3).complete(MESSAGES, max_tokens=8)
    assert time.monotonic() - started < 1.5
    assert err.value.code == "llm_unavailable" and "0.3 s" in err.value.message


@pytest.mark.parametrize("streamed", [False, True])
def test_an_unreachable_server_is_llm_unavailable(streamed):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    llm = model(f"http://127.0.0.1:{port}/v1", model="m")
    with pytest.raises(Unavailable) as err:
        llm.stream(MESSAGES, max_tokens=8) if streamed else llm.complete(MESSAGES, max_tokens=8)
    assert err.value.code == "llm_unavailable"
    assert f"127.0.0.1:{port}" in err.value.message and "cannot be reached" in err.value.message


def test_the_unconfigured_model_is_always_unavailable():
    llm = UnconfiguredLanguageModel(context_tokens=100, chars_per_token=4)
    for call in (lambda: llm.complete(MESSAGES, max_tokens=8), lambda: llm.stream(MESSAGES, max_tokens=8)):
        with pytest.raises(Unavailable) as err:
            call()
        assert err.value.code == "llm_unavailable" and "RAGCORE_LLM" in err.value.message
    assert (llm.context_tokens, llm.count_tokens("12345678"), llm.count_tokens("123456789")) == (100, 2, 3)
