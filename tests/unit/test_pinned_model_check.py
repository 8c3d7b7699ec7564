"""The pinned-model check runs where a model is used (the worker, dense search), once per collection."""

import msgspec
import pytest

from ragcore.domain.errors import Conflict
from tests.unit.conftest import build
from tests.unit.fakes import FakeEmbedderRegistry, GuardedEmbedderRegistry


def test_an_upload_never_touches_the_embedder_registry():
    registry = GuardedEmbedderRegistry(FakeEmbedderRegistry())
    rag = build(embedders=registry)
    rag.collection_service.create("docs")
    registry.armed = True
    (accepted,) = rag.document_service.upload("docs", [("a.txt", b"apples and pears")])
    assert (accepted.document.status, accepted.job.status) == ("queued", "queued")
    with pytest.raises(AssertionError, match=r"^the embedder registry was touched \(backends\)$"):
        rag.search_service.search("docs", "apples", 5, mode="dense")  # where the model is used, the guard trips
    registry.armed = False
    while rag.job_service.run_next("w1"):
        pass
    assert rag.documents.get(accepted.document.id).status == "ready"


def test_the_check_runs_once_per_collection_for_every_upload_job_and_dense_search(rag):
    rag.collection_service.create("docs")
    rag.collection_service.create("fast", embedding_backend="onnx-int8")
    assert rag.embedders.asked == ["torch", "onnx-int8"]  # create asks for the model it pins
    for name in ("docs", "fast", "docs"):
        rag.document_service.upload(name, [(f"{name}{len(rag.documents.list())}.txt", b"apples and pears")])
        while rag.job_service.run_next("w1"):
            pass
    for mode in ("dense", "hybrid", "dense"):
        rag.search_service.search("docs", "apples", 5, mode=mode)
    assert rag.embedders.asked == ["torch", "onnx-int8", "torch", "onnx-int8"]


def test_a_changed_pin_is_checked_again_and_a_deleted_collection_is_forgotten(rag):
    rag.collection_service.create("docs")
    rag.search_service.search("docs", "apples", 5, mode="dense")
    stored = rag.catalog.get_by_name("docs")
    rag.catalog.remove(stored.id)
    rag.catalog.add(msgspec.structs.replace(stored, embedding_dimension=768))
    with pytest.raises(Conflict) as err:
        rag.search_service.search("docs", "apples", 5, mode="dense")
    assert (err.value.code, err.value.message) == (
        "embedding_dimension_mismatch",
        "collection 'docs' pins fake/bag-of-words (768 dims); its backend 'torch' embeds with fake/bag-of-words "
        "(16 dims)")
    rag.collection_service.delete("docs")
    assert rag.collection_service._pinned == {}
