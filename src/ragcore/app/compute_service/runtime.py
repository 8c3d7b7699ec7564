"""The compute service's own composition root: the in-process compute adapters and nothing else.

No store, no container, no API: the service is stateless, so any number of replicas can run behind
a load balancer (an import-linter contract in pyproject.toml keeps it so).
"""

import threading
from importlib import metadata
from pathlib import Path

from dependency_injector import providers

from ragcore.adapters.compute.docling_parser import DoclingParser
from ragcore.adapters.compute.embedder_registry import LazyEmbedderRegistry, make_onnx_embedder
from ragcore.adapters.compute.isolated_parser import IsolatedParser
from ragcore.adapters.compute.keyword_metadata import KeywordMetadataExtractor
from ragcore.adapters.compute.llama_chunker import LlamaIndexChunker
from ragcore.adapters.compute.sentence_embedder import SentenceTransformerEmbedder
from ragcore.app.settings import Settings
from ragcore.domain.models import EMBEDDING_BACKENDS
from ragcore.domain.ports import EmbedderRegistry, MetadataExtractor, Parser

_VERSIONED = ("ragcore", "torch", "sentence-transformers", "transformers", "onnxruntime", "docling-slim",
              "docling-core", "llama-index-core", "yake", "litestar", "msgspec")


class ComputeRuntime:
    """Parser, embedding backends, metadata extractor, and one chunker per (chunk_size, chunk_overlap) in
    tokens, each chunker measuring with the torch ``embedder``'s tokenizer (the ONNX backends share it).
    ``embedders``: every backend (default: torch = ``embedder``, onnx and onnx-int8 exported into
    ``model_cache_dir`` when first asked for). Thread-safe; models load lazily (``warm_up``)."""

    def __init__(
        self,
        *,
        embedder: SentenceTransformerEmbedder | None = None,
        parser: Parser | None = None,
        metadata_extractor: MetadataExtractor | None = None,
        chunk_size: int,
        chunk_overlap: int,
        embedders: EmbedderRegistry | None = None,
        model_cache_dir: str | Path,
        embed_batch_size: int,
    ) -> None:
        self.embedder = embedder or SentenceTransformerEmbedder()
        self.embedders = embedders or _backends(self.embedder, model_cache_dir, embed_batch_size)
        self.parser = parser or DoclingParser()
        self.metadata = metadata_extractor or KeywordMetadataExtractor()
        self.defaults = (chunk_size, chunk_overlap)
        self._chunkers: dict[tuple[int, int], LlamaIndexChunker] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> "ComputeRuntime":
        """Batch size, model cache and chunking defaults from ``settings.embedding`` (RAGCORE_EMBED_BATCH_SIZE,
        _MODEL_CACHE_DIR, _CHUNK_SIZE, _CHUNK_OVERLAP)."""
        embedding = settings.embedding
        return cls(
            embedder=SentenceTransformerEmbedder(batch_size=embedding.embed_batch_size),
            parser=IsolatedParser(
                DoclingParser, timeout_seconds=settings.compute.parse_timeout_seconds,
                memory_mb=settings.compute.parse_memory_mb,
            ),
            chunk_size=embedding.chunk_size, chunk_overlap=embedding.chunk_overlap,
            model_cache_dir=embedding.model_cache_dir, embed_batch_size=embedding.embed_batch_size,
        )

    def chunker(self, chunk_size: int | None = None, chunk_overlap: int | None = None) -> LlamaIndexChunker:
        """The chunker for these sizes (None: the defaults), built once."""
        key = (chunk_size or self.defaults[0], self.defaults[1] if chunk_overlap is None else chunk_overlap)
        with self._lock:
            if key not in self._chunkers:
                self._chunkers[key] = LlamaIndexChunker(
                    self.embedder.tokenize, self.embedder.max_seq_length, chunk_size=key[0], chunk_overlap=key[1]
                )
            return self._chunkers[key]

    def warm_up(self) -> None:
        """Load the embedding model now (~8 s), so the first request does not pay for it."""
        _ = self.embedder.dimension


def _backends(torch: SentenceTransformerEmbedder, cache_dir: str | Path | None, batch_size: int) -> EmbedderRegistry:
    # Thread-safe singletons: two first requests at once must not export the ONNX model twice.
    def onnx(quantized: bool) -> providers.Provider:
        return providers.ThreadSafeSingleton(make_onnx_embedder, quantized=quantized, batch_size=batch_size,
                                             cache_dir=cache_dir)

    factories = (lambda: torch, onnx(False), onnx(True))
    return LazyEmbedderRegistry(dict(zip(EMBEDDING_BACKENDS, factories, strict=True)))


def versions() -> dict[str, str]:
    """Installed versions of ragcore and the libraries that compute ("missing" when absent)."""
    found = {}
    for name in _VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found
