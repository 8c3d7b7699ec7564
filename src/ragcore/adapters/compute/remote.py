"""Remote compute adapters: the Parser, Chunker, Embedder and MetadataExtractor ports over HTTP, served
by ``ragcore compute serve`` (app/compute_service/api.py). Wire format: adapters/compute/wire.py.

Every call may raise Unavailable(code="compute_unavailable") after the client's retries (see
http_client.py); the service's domain errors come back with the same class, code and message.
"""

import threading
from collections.abc import Callable, Sequence

from ragcore.adapters.compute import wire
from ragcore.adapters.compute.formats import detect_format
from ragcore.adapters.compute.http_client import ComputeHttpClient
from ragcore.domain.models import Chunk, DocumentMetadata, ParsedDocument

MAX_TEXTS_PER_REQUEST = 256


class HttpParser:
    """Parser port: ``parse`` uploads the bytes to ``POST /parse``.

    ``detect_format`` runs here, with the same pure function the service uses (extension checked
    against the sniffed content, no model): identical answers, and an upload is not sent over the
    wire just to be validated.
    """

    def __init__(self, client: ComputeHttpClient) -> None:
        self._client = client

    def detect_format(self, data: bytes, filename: str) -> str:
        """One of SUPPORTED_FORMATS; raises Invalid(code="unsupported_format")."""
        return detect_format(data, filename)

    def parse(self, data: bytes, filename: str, *, heartbeat: Callable[[], None] | None = None) -> ParsedDocument:
        """As DoclingParser.parse; raises IngestionFailed with the service's code, or Unavailable.
        ``heartbeat`` is not called: one request, bounded by the client's timeout (the service
        isolates its own parser)."""
        files = {"file": (filename, data, "application/octet-stream")}
        answer = self._client.call("POST", "/parse", wire.ParseResponse, files=files)
        return ParsedDocument(blocks=answer.blocks, page_count=answer.page_count)


class HttpChunker:
    """Chunker port: ``POST /chunk`` with the parsed document; the service measures chunks with its
    own embedding model's tokenizer. ``chunk_size``/``chunk_overlap`` in tokens, as LlamaIndexChunker."""

    def __init__(self, client: ComputeHttpClient, *, chunk_size: int, chunk_overlap: int) -> None:
        self._client = client
        self._size = chunk_size
        self._overlap = chunk_overlap

    def chunk(self, parsed: ParsedDocument, *, document_id: str, filename: str) -> list[Chunk]:
        """Chunks in document order, ids ``<document_id>:<index>``."""
        request = wire.ChunkRequest(
            document_id=document_id, filename=filename, document=parsed,
            chunk_size=self._size, chunk_overlap=self._overlap,
        )
        return self._client.call("POST", "/chunk", wire.ChunkResponse, body=request).chunks


class HttpEmbedder:
    """Embedder port: vectors from ``POST /embed`` (packed float32) by the service's ``backend``
    ("torch", "onnx", "onnx-int8"), requests of at most ``max_texts_per_request`` texts; the model's
    name, dimension and max sequence length come from ``GET /health`` once, then are cached (raises
    Unavailable until a replica answers). A backend the service lacks: Invalid "unknown_embedding_backend"."""

    def __init__(
        self, client: ComputeHttpClient, *, backend: str = "torch", max_texts_per_request: int = MAX_TEXTS_PER_REQUEST
    ) -> None:
        self._client = client
        self.backend = backend
        self._max_texts = max_texts_per_request
        self._health: wire.HealthResponse | None = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self._facts().model

    @property
    def dimension(self) -> int:
        return self._facts().dimension

    @property
    def max_seq_length(self) -> int:
        return self._facts().max_seq_length

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """(len(texts), dimension) L2-normalised float32 vectors."""
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._max_texts):
            vectors += self._embed(list(texts[start : start + self._max_texts]), "document")
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """(dimension,) L2-normalised float32 vector of a search query."""
        return self._embed([text], "query")[0]

    def _embed(self, texts: list[str], kind: str) -> list[list[float]]:
        request = wire.EmbedRequest(texts=texts, kind=kind, backend=self.backend)
        answer = self._client.call("POST", "/embed", wire.EmbedResponse, body=request)
        return wire.unpack_vectors(answer.vectors, answer.count, answer.dimension)

    def _facts(self) -> wire.HealthResponse:
        with self._lock:
            if self._health is None:
                self._health = self._client.call("GET", "/health", wire.HealthResponse)
            return self._health


class HttpMetadataExtractor:
    """MetadataExtractor port: ``POST /extract-metadata`` (the service runs its configured extractor)."""

    def __init__(self, client: ComputeHttpClient) -> None:
        self._client = client

    def extract(self, text: str, *, filename: str) -> DocumentMetadata:
        """Title, summary and keywords of ``text``."""
        request = wire.MetadataRequest(text=text, filename=filename)
        return self._client.call("POST", "/extract-metadata", DocumentMetadata, body=request)
