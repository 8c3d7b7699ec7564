"""Ports of compute: parse, chunk, embed, extract metadata, the language model."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from ragcore.domain.models import (
    ChatMessage,
    Chunk,
    DocumentMetadata,
    ParsedDocument,
)


class Parser(Protocol):
    def detect_format(self, data: bytes, filename: str) -> str:
        """Format name (e.g. "pdf", "docx", "md"); raises Invalid(code="unsupported_format")."""
        ...

    def parse(self, data: bytes, filename: str, *, heartbeat: Callable[[], None] | None = None) -> ParsedDocument:
        """Text blocks with pages and heading paths.

        ``heartbeat()``, when given, may be called now and then while the parse runs (an adapter that
        waits on another process calls it while waiting); whatever it raises stops the parse and
        propagates (e.g. JobCancelled). Raises IngestionFailed(code="unparseable_document" |
        "unsupported_format" | "no_extractable_text" | "parse_timeout" | "parse_memory_exceeded" |
        "parse_crashed").
        """
        ...


class Chunker(Protocol):
    def chunk(self, parsed: ParsedDocument, *, document_id: str, filename: str) -> list[Chunk]:
        """Chunks of at most the embedder's max sequence length in tokens, ids ``<doc>:<i>``."""
        ...


class Embedder(Protocol):
    """Text embedding model; vectors are L2-normalised float32 of length ``dimension``."""

    model_name: str
    dimension: int
    max_seq_length: int

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """(len(texts), dimension) vectors, batched."""
        ...

    def embed_query(self, text: str) -> list[float]: ...


class EmbedderRegistry(Protocol):
    """The embedding backends of a deployment (e.g. "torch", "onnx", "onnx-int8"): one Embedder each.

    ``backends``: every name ``get`` accepts; ``default_backend`` (one of them): the backend of
    collections created without naming one.
    """

    default_backend: str
    backends: tuple[str, ...]

    def get(self, backend: str) -> Embedder:
        """The embedder of ``backend``, built on first use (loading it may raise Unavailable
        "embedding_model_unavailable"). Raises Invalid(code="unknown_embedding_backend") naming the
        allowed values when ``backend`` is not one of ``backends``."""
        ...


class MetadataExtractor(Protocol):
    """Title, summary and keywords of a document's text (keyword statistics today, an LLM later)."""

    def extract(self, text: str, *, filename: str) -> DocumentMetadata:
        """Metadata of ``text`` (the document's blocks joined by blank lines; ``filename`` is a hint).

        Fields that cannot be found are None (title, summary) or empty (keywords). May raise
        Unavailable (e.g. code="compute_unavailable" for the remote adapter).
        """
        ...


class LanguageModel(Protocol):
    """A chat language model (any OpenAI-compatible server, or none).

    ``context_tokens``: the model's context window (prompt + answer) in tokens, as configured.
    ``count_tokens`` estimates the tokens of a text the same way for every call (it may over-count,
    never meant to under-count). Every call raises Unavailable(code="llm_unavailable") when no model
    is configured, the server cannot be reached, times out after its retries, or answers an error.
    """

    model_name: str
    context_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def complete(self, messages: Sequence[ChatMessage], *, max_tokens: int) -> str:
        """The whole reply to ``messages`` (at most ``max_tokens`` tokens)."""
        ...

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int) -> Iterator[str]:
        """The reply as text pieces. Connects before returning (Unavailable is raised here when the
        server cannot be reached); the iterator itself raises Unavailable if the connection breaks."""
        ...


ProgressCallback = Callable[[int, str], None]
"""Called with (percent 0-100, stage message)."""
