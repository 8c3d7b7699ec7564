"""Wire format of the compute service: msgspec Structs shared by the server (app/compute_service/api.py) and
the client (adapters/compute/remote.py), JSON over HTTP.

Vectors travel packed: ``EmbedResponse.vectors`` is the little-endian float32 matrix
(``count`` x ``dimension``, row-major) as bytes, which msgspec writes as base64 in JSON: 5.3 bytes a
value instead of ~20 for decimal text, and decoded with one ``numpy.frombuffer``.
"""

from typing import Annotated, Literal

import msgspec
import numpy as np

from ragcore.domain.models import Chunk, DocumentMetadata, ParsedDocument, TextBlock

VECTOR_DTYPE = "<f4"  # little-endian float32, whatever the host's byte order


class ParseResponse(msgspec.Struct, frozen=True, kw_only=True):
    """``POST /parse`` (multipart field ``file``): the text, its page-aware blocks and facts about it.

    ``text``: the blocks joined by blank lines; ``page_count``: PDF pages, slides or sheets, else None;
    ``encoding``: the detected text encoding of text formats (e.g. "cp1252"), else None.
    """

    filename: str
    format: str
    size_bytes: int
    page_count: int | None
    blocks: list[TextBlock]
    text: str
    encoding: str | None = None


class ChunkRequest(msgspec.Struct, frozen=True, kw_only=True):
    """``POST /chunk``: ``document`` (parsed blocks) or ``text`` (split into paragraphs), not both.

    ``chunk_size``/``chunk_overlap`` in model tokens (None: the server's defaults); ``strategy``:
    "sentence" (LlamaIndex sentence splitter, measured with the embedding model's tokenizer).
    """

    document_id: str
    filename: str = ""
    document: ParsedDocument | None = None
    text: str | None = None
    strategy: Literal["sentence"] = "sentence"
    chunk_size: Annotated[int, msgspec.Meta(ge=1)] | None = None
    chunk_overlap: Annotated[int, msgspec.Meta(ge=0)] | None = None


class ChunkResponse(msgspec.Struct, frozen=True, kw_only=True):
    """Chunks in document order: ``index`` is the position, ids ``<document_id>:<index>``."""

    chunks: list[Chunk]


class EmbedRequest(msgspec.Struct, frozen=True, kw_only=True):
    """``POST /embed``: texts to embed as documents, or (``kind="query"``) as search queries, by the
    embedding ``backend`` (422 "unknown_embedding_backend" if the service has no such backend)."""

    texts: list[str]
    kind: Literal["document", "query"] = "document"
    backend: str = "torch"  # absent in requests of older clients: they embedded with torch


class EmbedResponse(msgspec.Struct, frozen=True, kw_only=True):
    """L2-normalised vectors: ``vectors`` holds ``count * dimension`` little-endian float32 values."""

    model: str
    dimension: int
    count: int
    vectors: bytes
    dtype: str = "float32-le"


class MetadataRequest(msgspec.Struct, frozen=True, kw_only=True):
    """``POST /extract-metadata``: a document's text and its file name (a hint for the title)."""

    text: str
    filename: str = ""


class HealthResponse(msgspec.Struct, frozen=True, kw_only=True):
    """``GET /health``: the embedding model's facts, its embedding backends and the versions of the
    libraries doing the work."""

    status: str
    model: str
    dimension: int
    max_seq_length: int
    versions: dict[str, str]
    backends: tuple[str, ...] = ("torch",)  # absent in answers of older services


MetadataResponse = DocumentMetadata


def pack_vectors(vectors: list[list[float]] | np.ndarray) -> bytes:
    """(n, d) floats -> n*d little-endian float32 values as bytes."""
    return np.asarray(vectors, dtype=VECTOR_DTYPE).tobytes()


def unpack_vectors(data: bytes, count: int, dimension: int) -> list[list[float]]:
    """Inverse of ``pack_vectors``; raises ValueError if the byte length is not count*dimension*4."""
    if len(data) != count * dimension * 4:
        raise ValueError(f"expected {count}x{dimension} float32 values, got {len(data)} bytes")
    if count == 0:
        return []
    return np.frombuffer(data, dtype=VECTOR_DTYPE).reshape(count, dimension).tolist()
