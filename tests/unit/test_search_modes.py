"""Search modes (dense, keyword, hybrid) and metadata filters over the in-memory stores."""

import msgspec
import pytest

from ragcore.domain.errors import Invalid, NotFound
from ragcore.domain.search.fusion import Fusion
from ragcore.domain.search.service import SearchService

FILES = [
    ("fruit.txt", b"apples and pears from the orchard", {"team": "red", "year": 2021}),
    ("cars.txt", b"engines and wheels of cars", {"team": "blue", "year": 2019}),
    ("pears.md", b"pears pears pears", {"team": "red", "year": 2024}),
]


@pytest.fixture
def indexed(rag):
    rag.collection_service.create("docs")
    for name, data, metadata in FILES:
        rag.document_service.upload("docs", [(name, data)], metadata=metadata)
    while rag.job_service.run_next("w1"):
        pass
    return rag


def names(hits) -> list[str]:
    return [h.chunk.filename for h in hits]


def service(rag, **options) -> SearchService:
    return SearchService(collections=rag.collection_service, documents=rag.documents, vectors=rag.vectors,
                         keywords=rag.keywords, **options)


def test_keyword_mode_returns_only_chunks_sharing_a_term_best_first(indexed):
    hits = indexed.search_service.search("docs", "pears", 5, mode="keyword")
    assert names(hits) == ["pears.md", "fruit.txt"]
    assert hits[0].score > hits[1].score > 0
    assert indexed.search_service.search("docs", "submarine", 5, mode="keyword") == []


def test_dense_mode_scores_by_cosine(indexed):
    hits = indexed.search_service.search("docs", "engines and wheels of cars", 3, mode="dense")
    assert names(hits)[0] == "cars.txt"
    assert hits[0].score == pytest.approx(1.0, abs=0.2)


def test_hybrid_mode_fuses_both_runs_by_reciprocal_rank(indexed):
    dense = indexed.search_service.search("docs", "pears", 10, mode="dense")
    keyword = indexed.search_service.search("docs", "pears", 10, mode="keyword")
    hybrid = indexed.search_service.search("docs", "pears", 10, mode="hybrid")
    fusion = Fusion()  # the defaults, chosen on SciFact train queries
    expected = {}
    for run, weight in ((dense, fusion.dense_weight), (keyword, fusion.keyword_weight)):
        for rank, hit in enumerate(run, 1):
            expected[hit.chunk.id] = expected.get(hit.chunk.id, 0.0) + weight / (fusion.k + rank)
    assert {h.chunk.id: h.score for h in hybrid} == pytest.approx(expected)
    assert [h.score for h in hybrid] == sorted(expected.values(), reverse=True)


def test_fusion_weights_and_k_come_from_the_service(indexed):
    keyword_only = service(indexed, fusion=Fusion(k=10, dense_weight=0.0, keyword_weight=1.0))
    hits = keyword_only.search("docs", "pears", 2, mode="hybrid")
    assert names(hits) == ["pears.md", "fruit.txt"]
    assert hits[0].score == pytest.approx(1 / 11)


def test_default_mode_is_configurable_and_checked(indexed):
    assert service(indexed, default_mode="keyword").search("docs", "pears", 5) == \
        indexed.search_service.search("docs", "pears", 5, mode="keyword")
    with pytest.raises(Invalid) as err:
        service(indexed, default_mode="semantic")
    assert err.value.code == "invalid_mode"


def test_invalid_mode_is_refused(indexed):
    with pytest.raises(Invalid) as err:
        indexed.search_service.search("docs", "pears", 5, mode="fuzzy")
    assert (err.value.code, err.value.message) == ("invalid_mode", "mode must be one of dense, keyword, hybrid, "
                                                                   "not 'fuzzy'")


@pytest.mark.parametrize("mode", ["dense", "keyword", "hybrid"])
def test_filters_restrict_every_mode(indexed, mode):
    red = indexed.search_service.search("docs", "pears engines", 10, mode=mode, filters={"metadata.team": "red"})
    assert set(names(red)) == {"fruit.txt", "pears.md"}
    recent = {"$and": [{"metadata.year": {"$gte": 2020}}, {"filename": {"$ne": "pears.md"}}]}
    assert names(indexed.search_service.search("docs", "pears engines", 10, mode=mode, filters=recent)) == \
        ["fruit.txt"]
    assert indexed.search_service.search("docs", "pears", 10, mode=mode, filters={"metadata.team": "green"}) == []


def test_filters_are_validated_before_the_collection_is_looked_up(rag):
    with pytest.raises(Invalid) as err:
        rag.search_service.search("nope", "pears", 5, filters={"colour": "red"})
    assert err.value.code == "invalid_filter"
    with pytest.raises(NotFound):
        rag.search_service.search("nope", "pears", 5, filters={"filename": "a.txt"})


@pytest.mark.parametrize("mode", ["keyword", "hybrid"])
def test_chunks_of_documents_not_ready_are_never_returned(indexed, mode):
    doc = next(d for d in indexed.documents.list() if d.filename == "pears.md")
    indexed.documents.update(msgspec.structs.replace(doc, status="processing"))
    assert "pears.md" not in names(indexed.search_service.search("docs", "pears", 5, mode=mode))
    assert indexed.search_service.search("docs", "pears", 5, mode=mode, filters={"filename": "pears.md"}) == []
