"""Contract of DocumentRepository, run against every adapter."""

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from ragcore.domain.errors import Conflict, NotFound
from ragcore.domain.models import Document, DocumentMetadata
from ragcore.domain.ports import DocumentRepository

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def make(id: str, collection_id: str = "c1", minutes: int = 0, **changes: object) -> Document:
    document = Document(
        id=id, collection_id=collection_id, filename=f"{id}.pdf", content_type="pdf",
        size_bytes=1024, sha256=f"sha-{id}", blob_key=f"blob-{id}", status="queued",
        created_at=T0 + timedelta(minutes=minutes), updated_at=T0 + timedelta(minutes=minutes),
    )
    return msgspec.structs.replace(document, **changes)


def test_add_then_get_returns_equal_document(documents: DocumentRepository) -> None:
    document = make(
        "d1", page_count=3, error_code="x", error_message="boom", filename="résumé 📄.pdf",
        size_bytes=5 * 2**30,  # above 32-bit integers
    )
    documents.add(document)
    assert documents.get("d1") == document
    assert documents.get("d1").updated_at.tzinfo == UTC


def test_metadata_round_trips(documents: DocumentRepository) -> None:
    extracted = DocumentMetadata(title="Ducks", summary="About ducks.", keywords=("duck", "mallard"))
    user = {"team": "biology", "year": 2024, "score": 0.5, "public": True, "note": "ünïcode ✓"}
    document = make("d1", user_metadata=user, extracted=extracted)
    documents.add(document)
    assert documents.get("d1") == document
    documents.update(msgspec.structs.replace(document, extracted=None, user_metadata={}))
    assert (documents.get("d1").extracted, documents.get("d1").user_metadata) == (None, {})


def test_detected_encoding_round_trips(documents: DocumentRepository) -> None:
    document = make("d1")
    documents.add(document)
    assert documents.get("d1").encoding is None
    documents.update(msgspec.structs.replace(document, encoding="cp1252"))
    assert documents.get("d1").encoding == "cp1252"


def test_get_unknown_returns_none(documents: DocumentRepository) -> None:
    assert documents.get("missing") is None


def test_get_many_skips_unknown_ids(documents: DocumentRepository) -> None:
    d1, d2 = make("d1"), make("d2")
    documents.add(d1)
    documents.add(d2)
    assert documents.get_many(["d2", "missing", "d1"]) == {"d1": d1, "d2": d2}
    assert documents.get_many([]) == {}


def test_find_by_sha256_is_per_collection(documents: DocumentRepository) -> None:
    document = make("d1", sha256="abc")
    documents.add(document)
    assert documents.find_by_sha256("c1", "abc") == document
    assert documents.find_by_sha256("c2", "abc") is None
    assert documents.find_by_sha256("c1", "other") is None


def test_duplicate_sha256_in_collection_raises_duplicate_document(documents: DocumentRepository) -> None:
    documents.add(make("d1", sha256="abc"))
    with pytest.raises(Conflict) as caught:
        documents.add(make("d2", sha256="abc"))
    assert caught.value.code == "duplicate_document"
    assert documents.get("d2") is None


def test_same_sha256_in_other_collection_is_allowed(documents: DocumentRepository) -> None:
    documents.add(make("d1", sha256="abc"))
    documents.add(make("d2", collection_id="c2", sha256="abc"))
    assert documents.find_by_sha256("c2", "abc").id == "d2"


def test_list_filters_and_orders_oldest_first(documents: DocumentRepository) -> None:
    documents.add(make("late", minutes=2, status="ready"))
    documents.add(make("early", minutes=0, status="ready"))
    documents.add(make("middle", minutes=1, status="failed"))
    documents.add(make("other", collection_id="c2", minutes=3, status="ready"))
    assert [d.id for d in documents.list()] == ["early", "middle", "late", "other"]
    assert [d.id for d in documents.list(collection_id="c1")] == ["early", "middle", "late"]
    assert [d.id for d in documents.list(status="ready")] == ["early", "late", "other"]
    assert [d.id for d in documents.list(collection_id="c1", status="failed")] == ["middle"]
    assert documents.list(collection_id="c3") == []


def test_update_replaces_every_field(documents: DocumentRepository) -> None:
    documents.add(make("d1"))
    ready = make(
        "d1", status="ready", chunk_count=12, page_count=4, blob_key=None,
        updated_at=T0 + timedelta(seconds=30),
    )
    documents.update(ready)
    assert documents.get("d1") == ready


def test_update_unknown_raises_not_found(documents: DocumentRepository) -> None:
    with pytest.raises(NotFound) as caught:
        documents.update(make("missing"))
    assert caught.value.code == "document_not_found"
    assert documents.get("missing") is None


def test_remove_deletes_and_is_silent_when_absent(documents: DocumentRepository) -> None:
    documents.add(make("d1"))
    documents.remove("d1")
    documents.remove("d1")
    assert documents.get("d1") is None
    assert documents.find_by_sha256("c1", "sha-d1") is None


def test_add_many_inserts_every_document(documents: DocumentRepository) -> None:
    batch = [make("d1", minutes=1), make("d2", minutes=2, size_bytes=7), make("d3", collection_id="c2")]
    documents.add_many(batch)
    documents.add_many([])
    assert documents.get_many(["d1", "d2", "d3"]) == {d.id: d for d in batch}
    assert [d.id for d in documents.list()] == ["d3", "d1", "d2"]


@pytest.mark.parametrize(
    "clash",
    [
        make("new-2", sha256="sha-old"),  # (collection, sha256) of a stored document
        make("old", sha256="fresh"),  # id of a stored document
        make("new-3", sha256="sha-new-1"),  # (collection, sha256) of another document of the batch
    ],
    ids=["stored-sha256", "stored-id", "sha256-within-batch"],
)
def test_add_many_with_a_duplicate_inserts_none(documents: DocumentRepository, clash: Document) -> None:
    old = make("old")
    documents.add(old)
    with pytest.raises(Conflict) as caught:
        documents.add_many([make("new-1"), clash, make("new-4")])
    assert caught.value.code == "duplicate_document"
    assert documents.list() == [old]
    assert documents.get_many(["new-1", "new-2", "new-3", "new-4"]) == {}


def test_remove_many_deletes_listed_and_ignores_unknown(documents: DocumentRepository) -> None:
    documents.add_many([make("d1"), make("d2"), make("d3"), make("d4", collection_id="c2")])
    documents.remove_many(["d1", "missing", "d4", "d1"])
    documents.remove_many([])
    assert [d.id for d in documents.list()] == ["d2", "d3"]
    assert documents.find_by_sha256("c1", "sha-d1") is None
    documents.add(make("d1"))  # its (collection, sha256) is free again
    assert documents.get("d1") == make("d1")


def test_count_returns_documents_and_bytes_of_one_collection(documents: DocumentRepository) -> None:
    assert documents.count("c1") == (0, 0)
    documents.add_many([
        make("d1", size_bytes=5 * 2**30), make("d2", size_bytes=3 * 2**31), make("d3", size_bytes=0),
        make("other", collection_id="c2", size_bytes=11),
    ])
    assert documents.count("c1") == (3, 5 * 2**30 + 3 * 2**31)
    assert documents.count("c2") == (1, 11)
    assert documents.count("c3") == (0, 0)
    assert all(type(n) is int for n in documents.count("c1"))
