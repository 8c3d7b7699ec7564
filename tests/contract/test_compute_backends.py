"""Embedding backends over remote compute: the embed request names the backend, the compute service
embeds with its own registry of backends, and its /health lists them."""

import httpx
import pytest
from tests.compute_server import ComputeServer

from ragcore.adapters.compute.http_client import ComputeHttpClient
from ragcore.adapters.compute.remote import HttpEmbedder
from ragcore.app.container import build_container
from ragcore.app.settings import Settings
from ragcore.domain.errors import Invalid

TEXTS = ["Ducks are water birds.", "The typewriter was patented in 1868.", "x " * 400]


@pytest.fixture(scope="module")
def server(tmp_path_factory, onnx_cache_dir):
    """A compute service exporting its ONNX models into the session's cache (not into ./.ragcore)."""
    server = ComputeServer(tmp_path_factory.mktemp("compute-backends") / "compute.log")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RAGCORE_MODEL_CACHE_DIR", str(onnx_cache_dir))
        server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(server):
    client = ComputeHttpClient([server.url], timeout_seconds=120, retries=1, backoff_seconds=0.1)
    yield client
    client.close()


def test_health_lists_the_backends(server) -> None:
    assert httpx.get(server.url + "/health", timeout=10).json()["backends"] == ["torch", "onnx", "onnx-int8"]


def test_the_remote_registry_embeds_with_the_named_backend_as_the_local_adapter_does(
    server, onnx_embedders, tmp_path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", compute="remote", compute_urls=[server.url])
    registry = build_container(settings).compute.embedders()
    remote = registry.get("onnx-int8")
    assert (type(remote), remote.backend, registry.default_backend) == (HttpEmbedder, "onnx-int8", "torch")
    local = onnx_embedders["onnx-int8"]
    for got, want in zip(remote.embed_documents(TEXTS), local.embed_documents(TEXTS), strict=True):
        assert sum(a * b for a, b in zip(got, want, strict=True)) == pytest.approx(1.0, abs=1e-5)  # same batch
    query = "which birds swim?"
    assert sum(a * b for a, b in zip(remote.embed_query(query), local.embed_query(query), strict=True)) \
        == pytest.approx(1.0, abs=1e-5)


def test_a_backend_the_service_lacks_is_invalid_naming_the_allowed_ones(client) -> None:
    with pytest.raises(Invalid) as caught:
        HttpEmbedder(client, backend="openvino").embed_query("ducks")
    assert (caught.value.code, caught.value.message) == (
        "unknown_embedding_backend", "embedding_backend must be one of torch, onnx, onnx-int8, not 'openvino'")
