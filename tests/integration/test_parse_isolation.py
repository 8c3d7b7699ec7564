"""A document that hangs the parser fails alone with parse_timeout, on the real embedded stores with
Docling in its own process: its batch-mates become ready with one attempt, and a restart does not hang."""

import time

import pytest

from ragcore.adapters.compute.docling_parser import DoclingParser
from ragcore.adapters.compute.isolated_parser import IsolatedParser
from tests.compute.parser_doubles import SleepsForever
from tests.http.conftest import make_container

HANGS_DOCLING = b">> a | b\n> c | d"
GOOSE = b"# Birds\n\nThe goose migrates south every autumn.\n"
SWAN = b"# Lakes\n\nSwans stay all winter on the lake.\n"


def _message(filename: str, seconds: int) -> str:
    return (f"{filename!r} could not be read within {seconds} seconds and was stopped: its content makes the "
            "parser work without end. Convert it to another format (e.g. PDF or plain text) or split it, and "
            "re-upload; an administrator can raise RAGCORE_PARSE_TIMEOUT_SECONDS.")


@pytest.fixture
def isolated():
    made: list[IsolatedParser] = []

    def make(factory, timeout_seconds: float) -> IsolatedParser:
        made.append(IsolatedParser(factory, timeout_seconds=timeout_seconds, poll_seconds=0.2))
        made[-1].parse(b"warm", "warm.txt")  # the child starts (and loads Docling) before the clock matters
        return made[-1]

    yield make
    for parser in made:
        parser.close()


@pytest.mark.parametrize(("factory", "poison"), [(DoclingParser, HANGS_DOCLING), (SleepsForever, b"SLEEP")],
                         ids=["docling-markdown-loop", "sleeps-forever"])
def test_the_poison_document_fails_with_parse_timeout_and_its_batch_mates_are_ready_with_one_attempt(
    tmp_path, embedder, isolated, factory, poison
):
    parser = isolated(factory, timeout_seconds=8)
    # leases of 3 s: the batch-mates' leases must be renewed while the poison document is parsed
    container = make_container(tmp_path / "data", embedder, parser, lease_seconds=3.0)
    services = container.services
    services.collections().create("mixed")
    files = [("poison.md", poison), ("goose.txt", GOOSE), ("swan.txt", SWAN)]
    accepted = services.documents().upload("mixed", files)

    started = time.monotonic()
    ended = {job.id: job for job in services.jobs().run_batch("worker-1", 10)}
    assert time.monotonic() - started < 30

    ends = [(ended[a.job.id].status, ended[a.job.id].error_code, ended[a.job.id].attempts) for a in accepted]
    assert ends == [("failed", "parse_timeout", 1), ("succeeded", None, 1), ("succeeded", None, 1)]
    poisoned, goose, swan = (services.documents().get(a.document.id) for a in accepted)
    assert (poisoned.status, poisoned.error_code, poisoned.error_message) == (
        "failed", "parse_timeout", _message("poison.md", 8))
    assert (goose.status, swan.status) == ("ready", "ready")
    hits = services.search().search("mixed", "goose migrates", top_k=1)
    assert [h.chunk.document_id for h in hits] == [goose.id]


def test_after_a_worker_died_on_the_poison_document_the_next_run_fails_it_instead_of_hanging(
    tmp_path, embedder, isolated
):
    parser = isolated(SleepsForever, timeout_seconds=3)
    container = make_container(tmp_path / "data", embedder, parser, lease_seconds=1.0)
    services = container.services
    services.collections().create("restart")
    (accepted,) = services.documents().upload("restart", [("poison.md", b"SLEEP")])
    container.stores.jobs().lease_many("dead-worker", 1.0, 10)  # the worker that hung on it was killed
    time.sleep(1.5)  # its lease expires

    started = time.monotonic()
    (job,) = services.jobs().run_batch("worker-2", 10)
    assert time.monotonic() - started < 20
    assert (job.status, job.error_code, job.attempts) == ("failed", "parse_timeout", 2)
    assert services.documents().get(accepted.document.id).error_message == _message("poison.md", 3)
