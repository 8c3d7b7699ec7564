"""Compute-adapter fixtures. ``embedder``, ``parser`` and ``shared_docs`` (session-scoped, skipping
when ../shared/data/docs is absent) come from tests/conftest.py, so one model serves every tier."""

from collections.abc import Callable
from pathlib import Path

import pytest

from ragcore.domain.models import ParsedDocument


@pytest.fixture(scope="session")
def parse_shared(parser, shared_docs: Path) -> Callable[[str], ParsedDocument]:
    """Parse a shared document by file name, once per session."""
    cache: dict[str, ParsedDocument] = {}

    def parse(name: str) -> ParsedDocument:
        if name not in cache:
            cache[name] = parser.parse((shared_docs / name).read_bytes(), name)
        return cache[name]

    return parse


@pytest.fixture(scope="session")
def chunker(embedder):
    """Chunker measuring with the embedder's own tokenizer and max sequence length."""
    from ragcore.adapters.compute.llama_chunker import LlamaIndexChunker

    return LlamaIndexChunker(embedder.tokenize, embedder.max_seq_length, chunk_size=254, chunk_overlap=32)
