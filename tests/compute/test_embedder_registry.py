"""LazyEmbedderRegistry and its wiring: one embedder per backend, built when first asked for."""

import pytest

from ragcore.adapters.compute.embedder_registry import LazyEmbedderRegistry
from ragcore.app.container import build_container
from ragcore.app.settings import Settings
from ragcore.domain.errors import Invalid
from ragcore.domain.models import EMBEDDING_BACKENDS


def test_get_returns_each_backends_embedder_and_names_the_allowed_ones_otherwise(embedder, onnx_embedders):
    registry = LazyEmbedderRegistry({"torch": lambda: embedder, "onnx-int8": lambda: onnx_embedders["onnx-int8"]})
    assert (registry.backends, registry.default_backend) == (("torch", "onnx-int8"), "torch")
    assert registry.get("torch") is embedder
    assert registry.get("onnx-int8").backend == "onnx-int8"
    with pytest.raises(Invalid) as caught:
        registry.get("onnx")
    assert (caught.value.code, caught.value.message) == (
        "unknown_embedding_backend", "embedding_backend must be one of torch, onnx-int8, not 'onnx'")
    with pytest.raises(ValueError, match="'onnx' is not one of torch"):
        LazyEmbedderRegistry({"torch": lambda: embedder}, default_backend="onnx")


def test_the_container_registry_follows_the_settings_and_exports_nothing_before_use(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", embedding_backend="onnx-int8")
    assert settings.embedding.model_cache_dir == tmp_path / "data" / "models"
    assert Settings(data_dir=tmp_path, model_cache_dir=tmp_path / "m").embedding.model_cache_dir == tmp_path / "m"
    compute = build_container(settings).compute
    registry = compute.embedders()
    assert (registry.backends, registry.default_backend) == (EMBEDDING_BACKENDS, "onnx-int8")
    onnx, int8 = registry.get("onnx"), registry.get("onnx-int8")
    assert (onnx.backend, int8.backend, registry.get("torch").backend) == ("onnx", "onnx-int8", "torch")
    assert registry.get("onnx-int8") is int8  # one per backend
    assert not settings.embedding.model_cache_dir.exists()  # lazy: exported on the first embedding, not before
