"""LlmMetadataExtractor with the OpenAI-compatible adapter against the scripted server process."""

import json
import time

import pytest

from ragcore.adapters.compute.keyword_metadata import KeywordMetadataExtractor
from ragcore.adapters.llm.metadata import LlmMetadataExtractor
from ragcore.adapters.llm.openai_compatible import OpenAICompatibleLanguageModel
from ragcore.adapters.llm.unconfigured import UnconfiguredLanguageModel
from ragcore.domain.models import DocumentMetadata
from tests.llm.conftest import OPTIONS

TEXT = "# Lease rules\n\nA worker renews its job lease at every progress step. Expired leases hand jobs over."
VALID = {"title": "Lease rules", "summary": "How  workers renew\nleases.",
         "keywords": ["lease", "Lease", " job  lease "]}


class RecordingFallback:
    result = DocumentMetadata(title="fallback title", summary=None, keywords=("fallback",))

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def extract(self, text: str, *, filename: str) -> DocumentMetadata:
        self.calls.append((text, filename))
        return self.result


@pytest.fixture
def fallback():
    return RecordingFallback()


def extractor(scripted_llm, fallback, **options) -> LlmMetadataExtractor:
    llm = OpenAICompatibleLanguageModel(base_url=scripted_llm.base_url, **(OPTIONS | {"model": "m"} | options))
    return LlmMetadataExtractor(llm, fallback=fallback, max_answer_tokens=100)


def test_a_valid_json_reply_is_the_metadata_normalised(scripted_llm, fallback):
    scripted_llm.script(json.dumps(VALID))
    found = extractor(scripted_llm, fallback).extract(TEXT, filename="leases.md")
    assert found == DocumentMetadata(title="Lease rules", summary="How workers renew leases.",
                                     keywords=("lease", "job lease"))
    [request] = scripted_llm.requests()
    assert request["messages"][0]["role"] == "system" and '"keywords"' in request["messages"][0]["content"]
    assert "leases.md" in request["messages"][1]["content"] and TEXT in request["messages"][1]["content"]
    assert (request["max_tokens"], fallback.calls) == (100, [])


def test_a_reply_in_a_code_fence_is_accepted(scripted_llm, fallback):
    scripted_llm.script(f"```json\n{json.dumps(VALID)}\n```")
    assert extractor(scripted_llm, fallback).extract(TEXT, filename="a.md").title == "Lease rules"


@pytest.mark.parametrize("malformed", ['Sure! {"title": "Lease rules",',
                                       '{"title": "x", "summary": 3, "keywords": []}'])
def test_a_malformed_reply_is_repaired_once(scripted_llm, fallback, malformed):
    scripted_llm.script(malformed, json.dumps(VALID))
    found = extractor(scripted_llm, fallback).extract(TEXT, filename="a.md")
    assert (found.title, fallback.calls) == ("Lease rules", [])
    first, second = scripted_llm.requests()
    assert second["messages"][:2] == first["messages"]
    assert second["messages"][2] == {"role": "assistant", "content": malformed}
    repair = second["messages"][3]
    assert repair["role"] == "user" and repair["content"].startswith("Your reply was not valid:")


def test_twice_malformed_falls_back_to_the_keyword_extractor(scripted_llm, fallback, caplog):
    scripted_llm.script("not json", "still not json")
    assert extractor(scripted_llm, fallback).extract(TEXT, filename="a.md") == RecordingFallback.result
    assert len(scripted_llm.requests()) == 2 and fallback.calls == [(TEXT, "a.md")]
    assert "malformed JSON after one repair" in caplog.text


def test_an_unavailable_model_falls_back(fallback):
    llm = UnconfiguredLanguageModel(context_tokens=4096, chars_per_token=3.0)
    found = LlmMetadataExtractor(llm, fallback=KeywordMetadataExtractor()).extract(TEXT, filename="leases.md")
    assert found.title == "Lease rules" and found.keywords  # YAKE and the first heading


def test_the_text_is_cut_to_the_context_budget(scripted_llm, fallback):
    scripted_llm.script(json.dumps(VALID))
    long_text = "word " * 5000
    extractor(scripted_llm, fallback, context_tokens=1000, chars_per_token=4).extract(long_text, filename="a.md")
    sent = sum(len(m["content"]) for m in scripted_llm.requests()[0]["messages"])
    assert 1000 < sent <= (1000 - 2 * 100) * 4


def test_after_the_model_was_unavailable_the_fallback_answers_alone_for_a_while(scripted_llm, fallback):
    options = OPTIONS | {"model": "m", "timeout_seconds": 60}
    llm = OpenAICompatibleLanguageModel(base_url=scripted_llm.base_url, **options)
    extractor = LlmMetadataExtractor(llm, fallback=fallback, pause_seconds=0.5)
    scripted_llm.script({"status": 503, "error": "loading"})
    assert extractor.extract(TEXT, filename="a.md") == RecordingFallback.result
    assert extractor.extract(TEXT, filename="b.md") == RecordingFallback.result
    assert len(scripted_llm.requests()) == 1 and len(fallback.calls) == 2
    time.sleep(0.6)
    scripted_llm.script(json.dumps(VALID))
    assert extractor.extract(TEXT, filename="c.md").title == "Lease rules"
    assert len(scripted_llm.requests()) == 2
