"""Contract of the KeywordIndex port, run against every adapter: the in-memory fake and SQL + bm25s on
SQLite, MariaDB and PostgreSQL."""

import pytest

from conftest import _migrated_engine
from ragcore.adapters.memory_keywords import MemoryKeywordIndex
from ragcore.adapters.sql.keywords import SqlKeywordIndex
from ragcore.domain.errors import Invalid
from ragcore.domain.models import Chunk, chunk_id
from ragcore.domain.ports import KeywordIndex

SID, OTHER = "rc_store", "rc_other"
BM25 = {"k1": 0.9, "b": 0.6}  # the adapters take BM25's parameters from the settings; these are their defaults


@pytest.fixture
def index(backend: str, request: pytest.FixtureRequest) -> KeywordIndex:
    if backend == "memory":
        return MemoryKeywordIndex(**BM25)
    return SqlKeywordIndex(request.getfixturevalue("sql_engine"), **BM25)


def chunk(doc: str, i: int, text: str, **extra) -> Chunk:
    return Chunk(id=chunk_id(doc, i), document_id=doc, index=i, text=text, **extra)


CORPUS = [
    chunk("d1", 0, "the lease of a worker expires after sixty seconds"),
    chunk("d1", 1, "a worker renews its lease at every progress step"),
    chunk("d2", 0, "chunks are embedded in batches"),
    chunk("d3", 0, "vectors live in the vector store", headings=("Storage", "Vectors")),
]


def ids(hits) -> list[str]:
    return [h.chunk.id for h in hits]


def test_an_unknown_store_is_empty(index: KeywordIndex) -> None:
    assert index.query(SID, "lease", 5) == []


def test_query_returns_matching_chunks_best_first_with_positive_scores(index: KeywordIndex) -> None:
    index.index(SID, CORPUS)
    hits = index.query(SID, "worker lease", 10)
    assert set(ids(hits)) == {"d1:0", "d1:1"}
    assert all(h.score > 0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert index.query(SID, "submarine", 10) == []
    assert index.query(SID, "", 10) == []


def test_the_heading_path_is_searched_and_chunks_round_trip(index: KeywordIndex) -> None:
    stored = chunk("d3", 0, "vectors live here", pages=(2, 3), headings=("Storage", "Vectors"), filename="s.pdf")
    index.index(SID, [stored])
    (hit,) = index.query(SID, "storage", 5)
    assert hit.chunk == stored


def test_top_k_limits_and_must_be_positive(index: KeywordIndex) -> None:
    index.index(SID, CORPUS)
    assert len(index.query(SID, "worker lease", 1)) == 1
    with pytest.raises(Invalid) as err:
        index.query(SID, "worker", 0)
    assert err.value.code == "invalid_top_k"


def test_index_replaces_by_chunk_id_so_a_retry_never_duplicates(index: KeywordIndex) -> None:
    index.index(SID, CORPUS)
    index.index(SID, CORPUS)
    assert ids(index.query(SID, "batches", 10)) == ["d2:0"]
    index.index(SID, [chunk("d2", 0, "chunks are written in groups")])
    assert index.query(SID, "batches", 10) == []
    assert ids(index.query(SID, "groups", 10)) == ["d2:0"]


def test_delete_document_keeps_other_documents(index: KeywordIndex) -> None:
    index.index(SID, CORPUS)
    index.index(OTHER, [chunk("d1", 0, "lease in another collection")])
    index.delete_documents(SID, ["d1"])
    assert index.query(SID, "lease", 10) == []
    assert ids(index.query(SID, "batches", 10)) == ["d2:0"]
    assert ids(index.query(OTHER, "lease", 10)) == ["d1:0"]
    index.delete_documents(SID, ["d1"])  # absent: no error
    index.delete_documents("rc_missing", ["d1"])


def test_delete_documents_removes_several_in_one_call(index: KeywordIndex) -> None:
    index.index(SID, CORPUS)
    index.delete_documents(SID, [])
    assert sorted(ids(index.query(SID, "lease", 10))) == ["d1:0", "d1:1"]
    index.delete_documents(SID, ["d1", "d3", "never-indexed"])
    assert (index.query(SID, "lease vectors", 10), ids(index.query(SID, "batches", 10))) == ([], ["d2:0"])


def test_drop_removes_one_store_only(index: KeywordIndex) -> None:
    index.index(SID, CORPUS)
    index.index(OTHER, [chunk("d9", 0, "lease elsewhere")])
    index.drop(SID)
    assert index.query(SID, "lease", 10) == []
    assert ids(index.query(OTHER, "lease", 10)) == ["d9:0"]
    index.drop(SID)  # absent: no error
    index.index(SID, [chunk("d1", 0, "lease again")])
    assert ids(index.query(SID, "lease", 10)) == ["d1:0"]


def test_document_ids_restrict_the_hits(index: KeywordIndex) -> None:
    index.index(SID, CORPUS)
    assert ids(index.query(SID, "worker lease batches", 10, frozenset({"d2"}))) == ["d2:0"]
    assert index.query(SID, "worker lease", 10, frozenset({"d2", "unknown"})) == []
    assert index.query(SID, "worker lease", 10, frozenset()) == []


@pytest.fixture
def shared_engine(sql_backend: str, tmp_path, sql_servers):
    yield from _migrated_engine(sql_backend, tmp_path, sql_servers)


def test_writes_of_one_process_are_seen_by_another(shared_engine) -> None:
    """Two adapters on one database stand for two processes (API replica and worker)."""
    writer, reader = SqlKeywordIndex(shared_engine, **BM25), SqlKeywordIndex(shared_engine, **BM25)
    writer.index(SID, CORPUS[:2])
    assert set(ids(reader.query(SID, "lease", 10))) == {"d1:0", "d1:1"}  # the reader builds and caches
    writer.index(SID, [chunk("d5", 0, "a lease for d5")])
    assert "d5:0" in ids(reader.query(SID, "lease", 10))
    writer.delete_documents(SID, ["d1"])
    assert ids(reader.query(SID, "lease", 10)) == ["d5:0"]
    writer.drop(SID)
    assert reader.query(SID, "lease", 10) == []
