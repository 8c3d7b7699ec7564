"""Contract of the VectorStore port, run against every adapter.

To add a backend (e.g. "chroma-http"), write a factory taking the pytest ``request`` (it may pull
other fixtures through ``request.getfixturevalue`` or skip when its server is absent) and register
it in ``FACTORIES``. Store ids are fresh per test, so a shared server needs no cleanup between tests.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ragcore.adapters.chroma import ChromaVectorStore
from ragcore.adapters.memory_vectors import MemoryVectorStore
from ragcore.domain.errors import Conflict, Invalid, NotFound, Unavailable
from ragcore.domain.models import Chunk, chunk_id
from ragcore.domain.ports import VectorStore


def _memory(request: pytest.FixtureRequest) -> MemoryVectorStore:
    return MemoryVectorStore()


def _chroma_embedded(request: pytest.FixtureRequest) -> ChromaVectorStore:
    tmp_path = request.getfixturevalue("tmp_path")
    return ChromaVectorStore.persistent(str(tmp_path / "chroma"))


def chroma_server_url() -> str:
    """The ChromaDB server of the "chroma-http" backend; skips when unset, except on CI where it fails."""
    url = os.environ.get("RAGCORE_TEST_CHROMA_URL")
    if not url:
        reason = "RAGCORE_TEST_CHROMA_URL is not set: no ChromaDB server to test against (.ci/run starts one)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return url


def _chroma_http(request: pytest.FixtureRequest) -> ChromaVectorStore:
    return ChromaVectorStore.http(chroma_server_url())


FACTORIES: dict[str, Callable[[pytest.FixtureRequest], VectorStore]] = {
    "memory": _memory,
    "chroma-embedded": _chroma_embedded,
    "chroma-http": _chroma_http,
}


@pytest.fixture(params=list(FACTORIES))
def store(request: pytest.FixtureRequest) -> Iterator[VectorStore]:
    adapter = FACTORIES[request.param](request)
    yield adapter
    close = getattr(adapter, "close", None)
    if close is not None:
        close()


@pytest.fixture
def sid() -> str:
    return f"rc_{uuid.uuid4().hex}"


def chunk(doc: str, index: int, **extra: object) -> Chunk:
    return Chunk(id=chunk_id(doc, index), document_id=doc, index=index, text=f"{doc} text {index}", **extra)


def unit(i: int, dim: int = 4) -> list[float]:
    return [1.0 if j == i else 0.0 for j in range(dim)]


def test_create_drop_and_list(store: VectorStore, sid: str) -> None:
    before = store.collection_ids()
    store.create_collection(sid, 4)
    assert sorted(store.collection_ids()) == sorted([*before, sid])
    assert store.count(sid) == 0
    store.drop_collection(sid)
    assert sorted(store.collection_ids()) == sorted(before)
    store.drop_collection(sid)  # absent: no error
    assert sorted(store.collection_ids()) == sorted(before)


def test_duplicate_create_is_conflict(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    with pytest.raises(Conflict) as err:
        store.create_collection(sid, 4)
    assert err.value.code == "store_collection_exists"


def test_invalid_create_arguments(store: VectorStore, sid: str) -> None:
    with pytest.raises(Invalid) as err:
        store.create_collection(sid, 0)
    assert err.value.code == "invalid_dimension"
    with pytest.raises(Invalid) as err:
        store.create_collection("a", 4)
    assert err.value.code == "invalid_store_id"


@pytest.mark.parametrize(
    "operation",
    [
        lambda s, sid: s.count(sid),
        lambda s, sid: s.count(sid, "doc"),
        lambda s, sid: s.chunks(sid, "doc"),
        lambda s, sid: s.query(sid, unit(0), 3),
        lambda s, sid: s.upsert(sid, [chunk("doc", 0)], [unit(0)]),
    ],
    ids=["count", "count-document", "chunks", "query", "upsert"],
)
def test_missing_collection_is_not_found_and_not_created(store: VectorStore, sid: str, operation) -> None:
    before = store.collection_ids()
    with pytest.raises(NotFound) as err:
        operation(store, sid)
    assert err.value.code == "store_collection_not_found"
    assert store.collection_ids() == before


def test_document_ids_of_a_missing_collection_is_not_found(store: VectorStore, sid: str) -> None:
    before = store.collection_ids()
    with pytest.raises(NotFound) as err:
        store.document_ids(sid)
    assert err.value.code == "store_collection_not_found"
    assert store.collection_ids() == before


def test_document_ids_lists_each_document_once(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    assert store.document_ids(sid) == set()
    store.upsert(sid, [chunk("a", 0), chunk("a", 1), chunk("b", 0)], [unit(0), unit(1), unit(2)])
    assert store.document_ids(sid) == {"a", "b"}
    store.delete_documents(sid, ["a"])
    assert store.document_ids(sid) == {"b"}


def test_document_ids_pages_through_large_collections(
    store: VectorStore, sid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ragcore.adapters.chroma._PAGE", 2)  # Chroma: several pages; others ignore it
    store.create_collection(sid, 4)
    store.upsert(sid, [chunk(f"d{i}", 0) for i in range(5)], [unit(i % 4) for i in range(5)])
    assert store.document_ids(sid) == {"d0", "d1", "d2", "d3", "d4"}


def test_delete_documents_removes_several_in_one_call_and_nothing_else(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    store.upsert(sid, [chunk("a", 0), chunk("a", 1), chunk("b", 0), chunk("c", 0)], [unit(i) for i in range(4)])
    store.delete_documents(sid, [])
    assert store.count(sid) == 4
    store.delete_documents(sid, ["a", "c", "never-stored"])
    assert (store.document_ids(sid), store.count(sid)) == ({"b"}, 1)


def test_delete_document_in_missing_collection_is_a_noop(store: VectorStore, sid: str) -> None:
    before = store.collection_ids()
    store.delete_documents(sid, ["doc"])
    assert store.collection_ids() == before


def test_upsert_then_count_and_retry_is_idempotent(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    chunks = [chunk("a", i) for i in range(3)]
    store.upsert(sid, chunks, [unit(i) for i in range(3)])
    assert store.count(sid) == 3
    assert store.count(sid, "a") == 3
    assert store.count(sid, "b") == 0
    store.upsert(sid, chunks, [unit(i) for i in range(3)])  # a retried job writes the same ids
    assert store.count(sid) == 3


def test_upsert_replaces_text_by_id(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    store.upsert(sid, [chunk("a", 0)], [unit(0)])
    replaced = Chunk(id=chunk_id("a", 0), document_id="a", index=0, text="new text")
    store.upsert(sid, [replaced], [unit(1)])
    assert store.chunks(sid, "a") == [replaced]


def test_wrong_dimension_is_conflict(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    with pytest.raises(Conflict) as err:
        store.upsert(sid, [chunk("a", 0)], [[1.0, 0.0, 0.0]])
    assert err.value.code == "embedding_dimension_mismatch"
    with pytest.raises(Conflict) as err:
        store.query(sid, [1.0, 0.0, 0.0, 0.0, 0.0], 1)
    assert err.value.code == "embedding_dimension_mismatch"
    assert store.count(sid) == 0


def test_embedding_count_must_match_chunks(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    with pytest.raises(Invalid) as err:
        store.upsert(sid, [chunk("a", 0), chunk("a", 1)], [unit(0)])
    assert err.value.code == "embedding_count_mismatch"
    assert store.count(sid) == 0


def test_delete_document_keeps_other_documents(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    store.upsert(sid, [chunk("a", 0), chunk("a", 1), chunk("b", 0)], [unit(0), unit(1), unit(2)])
    store.delete_documents(sid, ["a"])
    assert store.count(sid, "a") == 0
    assert store.count(sid, "b") == 1
    assert store.chunks(sid, "b") == [chunk("b", 0)]
    store.delete_documents(sid, ["a"])  # nothing left: no error
    assert store.count(sid) == 1


def test_chunks_are_ordered_and_round_trip_metadata(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    stored = [
        chunk("a", 2, pages=(3,), headings=(), filename="r.pdf"),
        chunk("a", 0, pages=(1, 2), headings=("Intro", 'Scope, "quoted"'), filename="r.pdf"),
        chunk("a", 1, pages=(), headings=("Über",), filename="r.pdf"),
        chunk("b", 0, filename="other.md"),
    ]
    store.upsert(sid, stored, [unit(0), unit(1), unit(2), unit(3)])
    assert store.chunks(sid, "a") == [stored[1], stored[2], stored[0]]
    assert store.chunks(sid, "missing") == []


def test_query_ranks_by_cosine_similarity(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    vectors = {
        0: [1.0, 0.0, 0.0, 0.0],
        1: [0.8, 0.6, 0.0, 0.0],
        2: [0.0, 1.0, 0.0, 0.0],
        3: [-1.0, 0.0, 0.0, 0.0],
    }
    store.upsert(sid, [chunk("a", i) for i in vectors], list(vectors.values()))
    hits = store.query(sid, [2.0, 0.0, 0.0, 0.0], 3)  # not normalised: cosine ignores length
    assert [h.chunk.id for h in hits] == ["a:0", "a:1", "a:2"]
    assert [h.score for h in hits] == pytest.approx([1.0, 0.8, 0.0], abs=1e-5)
    assert hits[0].chunk == chunk("a", 0)


def test_query_top_k_larger_than_count(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    store.upsert(sid, [chunk("a", 0), chunk("a", 1)], [unit(0), unit(1)])
    hits = store.query(sid, unit(1), 50)
    assert [h.chunk.id for h in hits] == ["a:1", "a:0"]
    assert [h.score for h in hits] == pytest.approx([1.0, 0.0], abs=1e-5)


def test_query_restricted_to_document_ids(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    chunks = [chunk("a", 0), chunk("b", 0), chunk("b", 1), chunk("c", 0)]
    store.upsert(sid, chunks, [unit(0), unit(1), unit(2), unit(0)])
    hits = store.query(sid, unit(0), 10, frozenset({"b", "c"}))
    assert [h.chunk.id for h in hits][0] == "c:0"
    assert {h.chunk.id for h in hits} == {"b:0", "b:1", "c:0"}
    assert [h.chunk.id for h in store.query(sid, unit(0), 1, frozenset({"b"}))] in (["b:0"], ["b:1"])
    assert store.query(sid, unit(0), 10, frozenset({"zzz"})) == []
    assert store.query(sid, unit(0), 10, frozenset()) == []


def test_query_empty_collection_and_bad_top_k(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    assert store.query(sid, unit(0), 5) == []
    with pytest.raises(Invalid) as err:
        store.query(sid, unit(0), 0)
    assert err.value.code == "invalid_top_k"


def test_upsert_larger_than_one_batch(store: VectorStore, sid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = getattr(store, "_client", None)
    if client is not None:  # force Chroma to split into several batches
        monkeypatch.setattr(client, "get_max_batch_size", lambda: 3)
    store.create_collection(sid, 4)
    store.upsert(sid, [chunk("a", i) for i in range(10)], [unit(i % 4) for i in range(10)])
    assert store.count(sid, "a") == 10
    assert [c.index for c in store.chunks(sid, "a")] == list(range(10))


# ChromaVectorStore.http: URL parsing and an unreachable server (no running server needed).


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://chroma.internal:8123", ("chroma.internal", 8123, False)),
        ("https://chroma.example.com", ("chroma.example.com", 443, True)),
        ("http://127.0.0.1/", ("127.0.0.1", 8000, False)),
    ],
)
def test_http_parses_the_url(url: str, expected: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    import chromadb

    seen: dict = {}
    monkeypatch.setattr(chromadb, "HttpClient", lambda **kwargs: seen.update(kwargs) or object())
    ChromaVectorStore.http(url)
    assert (seen["host"], seen["port"], seen["ssl"]) == expected
    assert seen["settings"].anonymized_telemetry is False


@pytest.mark.parametrize("url", ["chroma:8000", "ftp://host:21", "http://host:99999", "http://host:8000/api", ""])
def test_http_rejects_a_malformed_url(url: str) -> None:
    with pytest.raises(Invalid) as err:
        ChromaVectorStore.http(url)
    assert err.value.code == "invalid_chroma_url"


def test_http_server_down_at_construction_is_unavailable() -> None:
    with pytest.raises(Unavailable) as err:
        ChromaVectorStore.http(f"http://127.0.0.1:{_free_port()}")
    assert err.value.code == "vector_store_unavailable"


@pytest.fixture
def throwaway_server(tmp_path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A ChromaDB server of its own (the test stops it); skips when the ``chroma`` CLI is absent."""
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip(f"{chroma} not found")
    port = _free_port()
    command = [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for_heartbeat(url, process)
        yield url, process
    finally:
        process.kill()
        process.wait(timeout=30)


def _wait_for_heartbeat(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    pytest.fail(f"the ChromaDB server at {url} did not answer within {timeout} s")


def test_http_server_down_per_call_is_unavailable(throwaway_server, sid: str) -> None:
    url, process = throwaway_server
    store = ChromaVectorStore.http(url)
    store.create_collection(sid, 4)
    process.kill()
    process.wait(timeout=30)
    operations = [
        lambda: store.collection_ids(),
        lambda: store.create_collection(f"{sid}_2", 4),
        lambda: store.drop_collection(sid),
        lambda: store.upsert(sid, [chunk("a", 0)], [unit(0)]),
        lambda: store.delete_documents(sid, ["a"]),
        lambda: store.document_ids(sid),
        lambda: store.count(sid),
        lambda: store.chunks(sid, "a"),
        lambda: store.query(sid, unit(0), 1),
    ]
    codes = []
    for operation in operations:
        with pytest.raises(Unavailable) as err:
            operation()
        codes.append(err.value.code)
    assert codes == ["vector_store_unavailable"] * len(operations)


@pytest.mark.parametrize("kind", ["chroma-embedded", "chroma-http"])
def test_collection_recreated_by_another_client_is_seen(request: pytest.FixtureRequest, kind: str, sid: str) -> None:
    """The adapter caches collection handles; one made stale elsewhere must never hide the live collection."""
    mine, other = FACTORIES[kind](request), FACTORIES[kind](request)
    mine.create_collection(sid, 4)
    mine.upsert(sid, [chunk("a", 0)], [unit(0)])
    assert [h.chunk.document_id for h in mine.query(sid, unit(0), 5)] == ["a"]  # handle cached
    other.drop_collection(sid)
    other.create_collection(sid, 4)
    other.upsert(sid, [chunk("b", 0)], [unit(1)])
    assert [h.chunk.document_id for h in mine.query(sid, unit(1), 5)] == ["b"]
    mine.upsert(sid, [chunk("c", 0)], [unit(2)])
    mine.delete_documents(sid, ["b"])
    assert (mine.count(sid), other.document_ids(sid)) == (1, {"c"})
    other.drop_collection(sid)
    with pytest.raises(NotFound) as err:
        mine.query(sid, unit(2), 5)
    assert err.value.code == "store_collection_not_found"


def test_a_dropped_collection_leaves_no_leftover_segment_folder(store: VectorStore, sid: str) -> None:
    store.create_collection(sid, 4)
    store.upsert(sid, [chunk("a", i) for i in range(300)], [unit(i % 4) for i in range(300)])
    assert store.query(sid, unit(0), 1)  # the index is written
    store.drop_collection(sid)
    assert store.leftover_segments() == []
    store.remove_leftover_segment("0b7e8f6e-3a1c-4c55-9d0e-1a2b3c4d5e6f")  # no error when there is none
