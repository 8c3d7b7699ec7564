"""IsolatedParser: the real DoclingParser and misbehaving doubles in a killable child process."""

import time

import pytest

from ragcore.adapters.compute.docling_parser import DoclingParser
from ragcore.adapters.compute.isolated_parser import IsolatedParser
from ragcore.domain.errors import IngestionFailed, JobCancelled
from ragcore.domain.models import ParsedDocument, TextBlock
from tests.compute.parser_doubles import Misbehaves, SleepsForever

HANGS_DOCLING = b">> a | b\n> c | d"  # a nested blockquote with table pipes: Docling's Markdown parser loops


@pytest.fixture
def isolated():
    made: list[IsolatedParser] = []

    def make(factory, **limits) -> IsolatedParser:
        made.append(IsolatedParser(factory, poll_seconds=0.1, **limits))
        return made[-1]

    yield make
    for parser in made:
        parser.close()


def _timeout_message(filename: str, seconds: int) -> str:
    return (f"{filename!r} could not be read within {seconds} seconds and was stopped: its content makes the "
            "parser work without end. Convert it to another format (e.g. PDF or plain text) or split it, and "
            "re-upload; an administrator can raise RAGCORE_PARSE_TIMEOUT_SECONDS.")


def test_the_hanging_markdown_fails_with_parse_timeout_and_the_next_document_parses(isolated):
    parser = isolated(DoclingParser, timeout_seconds=20)
    assert parser.parse(b"# Ok\n\nfine", "ok.md").blocks[0].text == "fine"  # warm: Docling loaded in the child

    started = time.monotonic()
    with pytest.raises(IngestionFailed) as failed:
        parser.parse(HANGS_DOCLING, "loop.md")
    assert time.monotonic() - started < 40  # the limit, plus killing the child
    assert (failed.value.code, failed.value.message) == ("parse_timeout", _timeout_message("loop.md", 20))
    assert [b.text for b in parser.parse(b"# After\n\nstill fine", "after.md").blocks] == ["still fine"]


def test_a_parser_that_sleeps_forever_fails_with_parse_timeout(isolated):
    parser = isolated(SleepsForever, timeout_seconds=2)
    with pytest.raises(IngestionFailed) as failed:
        parser.parse(b"SLEEP", "sleepy.txt")
    assert (failed.value.code, failed.value.message) == ("parse_timeout", _timeout_message("sleepy.txt", 2))
    assert parser.parse(b"awake", "a.txt") == ParsedDocument(blocks=[TextBlock("awake", None)], page_count=None)


def test_a_parse_beyond_the_memory_limit_fails_with_parse_memory_exceeded(isolated):
    parser = isolated(Misbehaves, memory_mb=512)
    with pytest.raises(IngestionFailed) as failed:
        parser.parse(b"HOG", "huge.xlsx")
    assert failed.value.code == "parse_memory_exceeded"
    assert failed.value.message == (
        "'huge.xlsx' needs more than 512 MB of memory to read and was stopped. Split it into smaller files "
        "and re-upload; an administrator can raise RAGCORE_PARSE_MEMORY_MB.")
    assert parser.parse(b"small", "s.txt").blocks == [TextBlock("small", None)]


def test_a_parser_process_that_dies_fails_with_parse_crashed_and_a_new_one_takes_over(isolated):
    parser = isolated(Misbehaves)
    first = parser.parse(b"PID", "a.txt").blocks[0].text
    with pytest.raises(IngestionFailed) as failed:
        parser.parse(b"EXIT", "dies.pdf")
    assert (failed.value.code, failed.value.message) == ("parse_crashed", (
        "'dies.pdf' made the document parser stop (exit code 3): the file is probably damaged or too large "
        "to read. Save or export it again, or split it, and re-upload."))
    assert parser.parse(b"PID", "a.txt").blocks[0].text != first


def test_the_wrapped_parsers_errors_keep_their_class_code_and_message(isolated):
    with pytest.raises(IngestionFailed) as failed:
        isolated(Misbehaves).parse(b"BAD", "bad.txt")
    assert (failed.value.code, failed.value.message) == ("unparseable_document", "bad bytes")


def test_a_heartbeat_that_raises_kills_the_parse_and_propagates(isolated):
    parser = isolated(SleepsForever, timeout_seconds=600)
    beats = []

    def heartbeat() -> None:
        beats.append(time.monotonic())
        if len(beats) == 3:
            raise JobCancelled("the job was cancelled", code="job_cancelled")

    with pytest.raises(JobCancelled):
        parser.parse(b"SLEEP", "sleepy.txt", heartbeat=heartbeat)
    assert len(beats) == 3
    assert parser.parse(b"next", "n.txt").blocks == [TextBlock("next", None)]  # a new child answers


def test_detect_format_runs_in_this_process_without_starting_a_child(isolated):
    parser = isolated(DoclingParser)
    assert parser.detect_format(b"# Title\n", "a.md") == "md"
    assert parser._pool is None
