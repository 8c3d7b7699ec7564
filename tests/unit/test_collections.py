import pytest

from ragcore.domain.errors import Conflict, Invalid, NotFound, Unavailable
from tests.unit.conftest import build

RULE = (
    "collection name must be 1-128 printable Unicode characters, "
    "without leading or trailing whitespace and without '/'"
)


def test_create_pins_the_embedder_and_creates_one_store_collection(rag):
    c = rag.collection_service.create("Research Papers ✓ 日本語")
    assert (c.name, c.embedding_model, c.embedding_dimension) == ("Research Papers ✓ 日本語", "fake/bag-of-words", 16)
    assert rag.vectors.collection_ids() == [c.store_id]
    assert c.store_id.startswith("rc_") and c.name not in c.store_id


@pytest.mark.parametrize("name", ["", "x" * 129, " lead", "trail ", "tab\there", "new\nline", "a/b", "..", "\u200b"])
def test_invalid_names_are_rejected_naming_the_rule(rag, name):
    with pytest.raises(Invalid) as err:
        rag.collection_service.create(name)
    assert (err.value.code, err.value.message) == ("invalid_collection_name", RULE)
    assert rag.catalog.list() == [] and rag.vectors.collection_ids() == []


def test_longest_valid_name_is_accepted(rag):
    assert rag.collection_service.create("é" * 128).name == "é" * 128


def test_duplicate_name_is_a_conflict(rag):
    rag.collection_service.create("docs")
    with pytest.raises(Conflict) as err:
        rag.collection_service.create("docs")
    assert err.value.code == "collection_exists"
    assert len(rag.vectors.collection_ids()) == 1


def test_dimension_mismatch_at_create_is_a_conflict(rag):
    with pytest.raises(Conflict) as err:
        rag.collection_service.create("docs", embedding_dimension=768)
    assert err.value.code == "embedding_dimension_mismatch"
    assert rag.catalog.list() == []


def test_store_failure_leaves_no_catalog_row():
    rag = build()

    def down(*_):
        raise Unavailable("chroma is down")

    rag.vectors.create_collection = down
    with pytest.raises(Unavailable):
        rag.collection_service.create("docs")
    assert rag.catalog.list() == []


def test_get_missing_is_not_found_and_creates_nothing(rag):
    with pytest.raises(NotFound) as err:
        rag.collection_service.stats("nope")
    assert err.value.code == "collection_not_found"
    assert rag.catalog.list() == [] and rag.vectors.collection_ids() == []


def test_stats_and_cascading_delete(rag):
    rag.collection_service.create("docs")
    rag.document_service.upload("docs", [("a.txt", b"alpha beta\n\ngamma"), ("b.md", b"delta")])
    while rag.job_service.run_next("w1"):
        pass
    stats = rag.collection_service.stats("docs")
    assert (stats.documents, stats.chunks, stats.bytes) == (2, 3, 22)
    rag.document_service.upload("docs", [("c.txt", b"queued, not processed")])
    rag.collection_service.delete("docs")
    assert rag.catalog.list() == []
    assert rag.vectors.collection_ids() == []
    assert rag.documents.list() == []
    assert len(rag.blobs._blobs) == 0
