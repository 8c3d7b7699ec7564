"""A collection pins its embedding backend at creation; its vectors are written and queried only with it."""

import msgspec
import pytest

from ragcore.domain.errors import Conflict, Invalid
from tests.unit.conftest import build
from tests.unit.fakes import FakeEmbedderRegistry


def test_create_pins_the_default_backend_unless_one_is_named(rag):
    assert rag.collection_service.create("plain").embedding_backend == "torch"
    named = rag.collection_service.create("fast", embedding_backend="onnx-int8")
    assert (named.embedding_backend, named.embedding_model, named.embedding_dimension) == (
        "onnx-int8", "fake/bag-of-words", 16)
    assert rag.catalog.get_by_name("fast") == named


def test_the_registry_default_is_the_default_of_new_collections():
    rag = build(embedders=FakeEmbedderRegistry(default_backend="onnx-int8"))
    assert rag.collection_service.create("docs").embedding_backend == "onnx-int8"


def test_unknown_backend_is_invalid_naming_the_allowed_values_and_creates_nothing(rag):
    with pytest.raises(Invalid) as err:
        rag.collection_service.create("docs", embedding_backend="openvino")
    assert (err.value.code, err.value.message) == (
        "unknown_embedding_backend", "embedding_backend must be one of torch, onnx-int8, not 'openvino'")
    assert rag.catalog.list() == [] and rag.vectors.collection_ids() == []


def test_ingestion_upload_and_search_use_only_the_pinned_backend(rag):
    rag.collection_service.create("fast", embedding_backend="onnx-int8")
    rag.embedders.asked.clear()
    rag.document_service.upload("fast", [("fruit.txt", b"apples and pears"), ("cars.txt", b"engines and wheels")])
    while rag.job_service.run_next("w1"):
        pass
    hits = rag.search_service.search("fast", "engines and wheels", 1, mode="dense")
    assert [h.chunk.filename for h in hits] == ["cars.txt"]
    assert set(rag.embedders.asked) == {"onnx-int8"}
    assert (rag.embedders.embedders["onnx-int8"].calls, rag.embedders.embedders["torch"].calls) == (2, 0)


def test_each_collection_keeps_its_own_backend(rag):
    rag.collection_service.create("slow")
    rag.collection_service.create("fast", embedding_backend="onnx-int8")
    rag.document_service.upload("slow", [("a.txt", b"alpha")])
    rag.document_service.upload("fast", [("b.txt", b"beta")])
    while rag.job_service.run_next("w1"):
        pass
    assert (rag.embedders.embedders["torch"].calls, rag.embedders.embedders["onnx-int8"].calls) == (1, 1)


def test_a_pinned_backend_this_deployment_lacks_is_a_conflict(rag):
    rag.collection_service.create("docs")
    stored = rag.catalog.get_by_name("docs")
    rag.catalog.remove(stored.id)
    rag.catalog.add(msgspec.structs.replace(stored, embedding_backend="openvino"))
    with pytest.raises(Conflict) as err:
        rag.search_service.search("docs", "apples", 5, mode="dense")
    assert err.value.code == "embedding_backend_mismatch"
    assert "'openvino'" in err.value.message and "torch, onnx-int8" in err.value.message
    (accepted,) = rag.document_service.upload("docs", [("x.txt", b"more")])  # an upload never checks the model
    job = rag.job_service.run_next("w1")  # the worker does, where it embeds
    assert (job.status, job.error_code) == ("queued", "embedding_backend_mismatch")
    assert "'openvino'" in job.error_message and "torch, onnx-int8" in job.error_message
    assert rag.documents.get(accepted.document.id).status == "queued"  # checked before it is processed
    assert rag.search_service.search("docs", "apples", 5, mode="keyword") == []  # keyword search needs no model
