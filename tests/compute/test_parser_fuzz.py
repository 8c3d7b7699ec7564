"""Fuzzing the text formats through the isolated Docling parser: whatever the bytes, the parse ends
with blocks or with a clear failure code, within the time limit (bounded: 5 formats x 12 examples)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragcore.adapters.compute.docling_parser import DoclingParser
from ragcore.adapters.compute.isolated_parser import IsolatedParser
from ragcore.domain.errors import IngestionFailed
from ragcore.domain.models import ParsedDocument

CLEAR_CODES = {"unsupported_format", "unparseable_document", "no_extractable_text", "parse_timeout",
               "parse_memory_exceeded", "parse_crashed"}
MARKUP = list("<>|#*-_`[]()!\\\"'=,;:/&.+~^\n\t ") + ["<p>", "</p>", "<table>", "<td>", "|---|", "> ", "\r\n",
                                                     "====", "[source]", "----", "\"\"", "aé", "\u200b", "\x00"]
TEXT = st.lists(st.sampled_from(MARKUP) | st.text(max_size=8), max_size=60).map("".join)


@pytest.fixture(scope="module")
def fuzzed():
    parser = IsolatedParser(DoclingParser, timeout_seconds=10, poll_seconds=0.1)
    parser.parse(b"warm", "warm.txt")
    yield parser
    parser.close()


@pytest.mark.parametrize("suffix", ["md", "html", "csv", "txt", "adoc"])
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_any_text_ends_parsed_or_with_a_clear_code(fuzzed, suffix, text):
    try:
        parsed = fuzzed.parse(text.encode("utf-8", "surrogatepass"), f"fuzz.{suffix}")
    except IngestionFailed as exc:
        assert exc.code in CLEAR_CODES, (exc.code, exc.message)
        assert exc.message
    else:
        assert isinstance(parsed, ParsedDocument) and any(b.text.strip() for b in parsed.blocks)
