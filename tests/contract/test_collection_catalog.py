"""Contract of CollectionCatalog, run against every adapter."""

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from ragcore.domain.errors import Conflict
from ragcore.domain.models import Collection
from ragcore.domain.ports import CollectionCatalog

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def make(name: str, id: str | None = None, minutes: int = 0) -> Collection:
    return Collection(
        id=id or f"id-{name}", name=name, store_id=f"store-{id or name}",
        embedding_model="all-MiniLM-L6-v2", embedding_dimension=384,
        created_at=T0 + timedelta(minutes=minutes),
    )


def test_add_then_get_returns_equal_collection(catalog: CollectionCatalog) -> None:
    collection = make("reports")
    catalog.add(collection)
    assert catalog.get("id-reports") == collection


def test_pinned_embedding_backend_and_options_round_trip(catalog: CollectionCatalog) -> None:
    collection = msgspec.structs.replace(make("int8"), embedding_backend="onnx-int8", extract_metadata=True)
    catalog.add(collection)
    assert catalog.get("id-int8") == catalog.get_by_name("int8") == collection
    assert [c.embedding_backend for c in catalog.list()] == ["onnx-int8"]


def test_embedding_backend_defaults_to_torch(catalog: CollectionCatalog) -> None:
    catalog.add(make("reports"))
    assert catalog.get("id-reports").embedding_backend == "torch"


def test_get_returns_timezone_aware_utc(catalog: CollectionCatalog) -> None:
    catalog.add(make("reports"))
    assert catalog.get("id-reports").created_at.tzinfo == UTC


def test_get_unknown_id_returns_none(catalog: CollectionCatalog) -> None:
    assert catalog.get("missing") is None


def test_get_by_name_is_exact(catalog: CollectionCatalog) -> None:
    collection = make("Rapports d'été 📄")
    catalog.add(collection)
    assert catalog.get_by_name("Rapports d'été 📄") == collection
    assert catalog.get_by_name("rapports d'été 📄") is None
    assert catalog.get_by_name("Rapports d'ete 📄") is None


def test_name_of_128_characters_round_trips(catalog: CollectionCatalog) -> None:
    name = "名" * 127 + "😀"
    catalog.add(make(name, id="long"))
    assert catalog.get_by_name(name).name == name


def test_list_is_ordered_by_name(catalog: CollectionCatalog) -> None:
    for name in ["beta", "Alpha", "alpha", "gamma"]:
        catalog.add(make(name))
    assert [c.name for c in catalog.list()] == ["Alpha", "alpha", "beta", "gamma"]


def test_list_of_empty_catalog_is_empty(catalog: CollectionCatalog) -> None:
    assert catalog.list() == []


def test_duplicate_name_raises_collection_exists(catalog: CollectionCatalog) -> None:
    catalog.add(make("reports", id="first"))
    with pytest.raises(Conflict) as caught:
        catalog.add(make("reports", id="second"))
    assert caught.value.code == "collection_exists"
    assert [c.id for c in catalog.list()] == ["first"]


def test_names_differing_only_in_case_are_distinct(catalog: CollectionCatalog) -> None:
    catalog.add(make("Reports", id="upper"))
    catalog.add(make("reports", id="lower"))
    assert catalog.get_by_name("reports").id == "lower"


def test_remove_deletes_and_frees_the_name(catalog: CollectionCatalog) -> None:
    catalog.add(make("reports", id="first"))
    catalog.remove("first")
    assert catalog.get("first") is None
    assert catalog.get_by_name("reports") is None
    catalog.add(make("reports", id="second"))
    assert catalog.get_by_name("reports").id == "second"


def test_remove_unknown_id_is_silent(catalog: CollectionCatalog) -> None:
    catalog.add(make("reports"))
    catalog.remove("missing")
    assert [c.name for c in catalog.list()] == ["reports"]
