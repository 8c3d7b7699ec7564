import msgspec
import pytest

from ragcore.domain.errors import Conflict, Invalid, NotFound
from ragcore.domain.search.service import OVERFETCH


@pytest.fixture
def indexed(rag):
    rag.collection_service.create("docs")
    rag.document_service.upload("docs", [("fruit.txt", b"apples and pears"), ("cars.txt", b"engines and wheels")])
    while rag.job_service.run_next("w1"):
        pass
    return rag


def test_search_returns_best_hit_first_with_filename_pages_and_headings(indexed):
    hits = indexed.search_service.search("docs", "apples and pears", 2)
    assert [h.chunk.filename for h in hits] == ["fruit.txt", "cars.txt"]
    assert (hits[0].chunk.text, hits[0].chunk.pages, hits[0].chunk.headings) == ("apples and pears", (1,), ("Title",))
    assert hits[0].score == pytest.approx(1.0, abs=0.2)


def test_search_missing_collection_is_not_found_and_creates_nothing(rag):
    with pytest.raises(NotFound) as err:
        rag.search_service.search("nope", "query", 5)
    assert err.value.code == "collection_not_found"
    assert (rag.catalog.list(), rag.vectors.collection_ids()) == ([], [])


@pytest.mark.parametrize(("query", "top_k", "code"), [("", 5, "invalid_query"), ("  ", 5, "invalid_query"),
                                                     ("q", 0, "invalid_top_k"), ("q", 101, "invalid_top_k")])
def test_invalid_search_requests(indexed, query, top_k, code):
    with pytest.raises(Invalid) as err:
        indexed.search_service.search("docs", query, top_k)
    assert err.value.code == code


def test_pinned_model_mismatch_is_a_conflict(indexed):
    stored = indexed.catalog.get_by_name("docs")
    indexed.catalog.remove(stored.id)
    indexed.catalog.add(msgspec.structs.replace(stored, embedding_dimension=768))
    with pytest.raises(Conflict) as err:
        indexed.search_service.search("docs", "apples", 5)
    assert err.value.code == "embedding_dimension_mismatch"
    indexed.document_service.upload("docs", [("x.txt", b"more")])  # an upload never checks the model
    job = indexed.job_service.run_next("w1")  # the worker does, before it embeds
    assert (job.status, job.error_code) == ("queued", "embedding_dimension_mismatch")


def test_chunks_of_documents_not_ready_are_never_returned(indexed):
    indexed.document_service.upload("docs", [("new.txt", b"apples and pears again")])
    job = indexed.jobs.lease("w9", 30)
    doc = indexed.documents.get(job.document_id)
    indexed.documents.update(msgspec.structs.replace(doc, status="processing"))
    store_id = indexed.collection_service.get("docs").store_id
    chunks = indexed.chunker.chunk(indexed.parser.parse(b"apples and pears again", "new.txt"),
                                   document_id=doc.id, filename="new.txt")
    indexed.vectors.upsert(store_id, chunks, indexed.embedder.embed_documents([c.text for c in chunks]))
    names = [h.chunk.filename for h in indexed.search_service.search("docs", "apples and pears again", 5)]
    assert names == ["fruit.txt", "cars.txt"]


def _processing_documents(rag, count: int, text: bytes) -> None:
    """``count`` documents whose chunks are in both indexes while their status is still ``processing``."""
    rag.document_service.upload("docs", [(f"busy{n}.txt", text + b" %d" % n) for n in range(count)])
    store_id = rag.collection_service.get("docs").store_id
    for n in range(count):
        doc = rag.documents.get(rag.jobs.lease(f"w{n}", 30).document_id)
        rag.documents.update(msgspec.structs.replace(doc, status="processing"))
        chunks = rag.chunker.chunk(rag.parser.parse(text, doc.filename), document_id=doc.id, filename=doc.filename)
        rag.vectors.upsert(store_id, chunks, rag.embedder.embed_documents([c.text for c in chunks]))
        rag.keywords.index(store_id, chunks)


@pytest.mark.parametrize("mode", ["dense", "keyword"])
def test_search_deepens_past_chunks_of_documents_not_ready(indexed, mode):
    """20 processing documents outrank the ready ones: the first ask (top_k + OVERFETCH = 7 hits) holds
    none of these, so the store is asked again, deeper, and both ready documents come back."""
    _processing_documents(indexed, 20, b"apples and pears again")
    hits = indexed.search_service.search("docs", "apples and pears again", 2, mode=mode)
    expected = ["fruit.txt", "cars.txt"] if mode == "dense" else ["fruit.txt"]  # cars.txt shares no term
    assert [h.chunk.filename for h in hits] == expected


def test_search_asks_the_store_once_for_top_k_plus_overfetch_when_all_are_ready(indexed, monkeypatch):
    depths = []
    query = indexed.vectors.query
    monkeypatch.setattr(indexed.vectors, "query", lambda *a: depths.append(a[2]) or query(*a))
    indexed.search_service.search("docs", "apples and pears", 2, mode="dense")
    assert depths == [2 + OVERFETCH]
