"""Fixtures shared by every tier: the shared test data, one loaded model and parser per session."""

import os
from pathlib import Path

import pytest

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
def parser():
    from ragcore.adapters.compute.docling_parser import DoclingParser

    return DoclingParser()
