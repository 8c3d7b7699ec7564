"""Contract of the VectorStore port, run against every adapter.

To add a backend (e.g. "chroma-http"), write a factory taking the pytest ``request`` (it may pull
other fixtures through ``request.getfixturevalue`` or skip when its server is absent) and register
it in ``FACTORIES``. Store ids are fresh per test, so a shared server needs no cleanup between tests.
"""

import uuid
from collections.abc import Callable, Iterator

import pytest

from ragcore.adapters.chroma import ChromaVectorStore
from ragcore.adapters.memory_vectors import MemoryVectorStore
from ragcore.domain.errors import Conflict, Invalid, NotFound
from ragcore.domain.models import Chunk, chunk_id
from ragcore.domain.ports import VectorStore


def _memory(request: pytest.FixtureRequest) -> MemoryVectorStore:
    return MemoryVectorStore()


def _chroma_embedded(request: pytest.FixtureRequest) -> ChromaVectorStore:
    tmp_path = request.getfixturevalue("tmp_path")
    return ChromaVectorStore.persistent(str(tmp_path / "chroma"))


FACTORIES: dict[str, Callable[[pytest.FixtureRequest], VectorStore]] = {
    "memory": _memory,
    "chroma-embedded": _chroma_embedded,
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


def test_delete_document_in_missing_collection_is_a_noop(store: VectorStore, sid: str) -> None:
    before = store.collection_ids()
    store.delete_document(sid, "doc")
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
    store.delete_document(sid, "a")
    assert store.count(sid, "a") == 0
    assert store.count(sid, "b") == 1
    assert store.chunks(sid, "b") == [chunk("b", 0)]
    store.delete_document(sid, "a")  # nothing left: no error
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
