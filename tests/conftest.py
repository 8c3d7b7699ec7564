"""Fixtures shared by every tier: the shared test data, one loaded model and parser per session."""

import os
from pathlib import Path

import pytest

from tests.llm_fixtures import llm_server, scripted_llm  # noqa: F401  (the scripted LLM server process)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAGCORE_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data; skips the test when absent, except on CI where it must exist."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"{path} not found: the shared test data is only on CI and developer machines"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def shared_docs() -> Path:
    return shared_path("docs")


@pytest.fixture(scope="session")
def embedder():
    from ragcore.adapters.compute.sentence_embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def onnx_cache_dir(tmp_path_factory) -> Path:
    """One folder of exported ONNX models for the session (an export takes ~20 s); skips while the
    ONNX adapter (adapters/compute/onnx_embedder.py) does not exist."""
    import importlib.util

    if importlib.util.find_spec("ragcore.adapters.compute.onnx_embedder") is None:
        pytest.skip("ragcore.adapters.compute.onnx_embedder does not exist yet")
    return tmp_path_factory.mktemp("onnx-models")


@pytest.fixture(scope="session")
def onnx_embedders(onnx_cache_dir) -> dict:
    """The ONNX Runtime adapters of the bundled model by backend ("onnx", "onnx-int8"); they export into
    ``onnx_cache_dir`` on first use, so the session exports each once."""
    from ragcore.adapters.compute.onnx_embedder import OnnxEmbedder

    return {"onnx": OnnxEmbedder(cache_dir=onnx_cache_dir),
            "onnx-int8": OnnxEmbedder(quantized=True, cache_dir=onnx_cache_dir)}


@pytest.fixture(scope="session")
def parser():
    from ragcore.adapters.compute.docling_parser import DoclingParser

    return DoclingParser()


@pytest.fixture(scope="session")
def compute_server(tmp_path_factory):
    """One real ``ragcore compute serve`` process for the whole session (started on first use)."""
    from tests.compute_server import ComputeServer

    server = ComputeServer(tmp_path_factory.mktemp("compute") / "compute.log")
    server.start()
    yield server
    server.stop()
