"""The stateless compute service (``ragcore compute serve``): parse, chunk, embed, extract metadata.

Routes (JSON bodies are the msgspec Structs of adapters/compute/wire.py):
``POST /parse`` multipart field ``file`` -> ParseResponse; ``POST /chunk`` ChunkRequest ->
ChunkResponse; ``POST /embed`` EmbedRequest -> EmbedResponse (packed float32); ``POST
/extract-metadata`` MetadataRequest -> DocumentMetadata; ``GET /health`` -> HealthResponse.
Errors are RFC 9457 problem bodies with ``code`` (the API's mapping); an IngestionFailed (a document
that can never be read) is a 422 with ``"kind": "ingestion_failed"`` so clients re-raise it as such.
"""

from functools import partial

import anyio
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig

from ragcore.adapters.compute import wire
from ragcore.app.compute_service.runtime import ComputeRuntime, versions
from ragcore.app.compute_service.token import shared_token_guard
from ragcore.app.problems import domain_error, http_error, problem, unexpected_error
from ragcore.domain.errors import IngestionFailed, Invalid, RagCoreError
from ragcore.domain.models import DocumentMetadata, ParsedDocument, TextBlock


def compute_error(request: Request, exc: RagCoreError) -> Response:
    """Domain errors as the API maps them, plus IngestionFailed -> 422 ``kind: ingestion_failed``."""
    if isinstance(exc, IngestionFailed):
        return problem(422, "Unprocessable Content", exc.message, exc.code, request, kind="ingestion_failed")
    return domain_error(request, exc)


@get("/health", sync_to_thread=True, opt={"public": True})
def health(state: State) -> wire.HealthResponse:
    """The embedding model's name, dimension and max sequence length, its backends, library versions."""
    embedder = state.runtime.embedder
    return wire.HealthResponse(status="ok", model=embedder.model_name, dimension=embedder.dimension,
                               max_seq_length=embedder.max_seq_length, versions=versions(),
                               backends=state.runtime.embedders.backends)


@post("/parse", status_code=200)
async def parse(request: Request, state: State) -> wire.ParseResponse:
    """Multipart field ``file``: the document. 422 "no_file" without it; IngestionFailed as 422."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise Invalid("send the document as the multipart field 'file'", code="no_file")
    data, filename = await upload.read(), upload.filename or "document"
    parsed = await anyio.to_thread.run_sync(partial(state.runtime.parser.parse, data, filename))
    return wire.ParseResponse(
        filename=filename, format=state.runtime.parser.detect_format(data, filename), size_bytes=len(data),
        page_count=parsed.page_count, encoding=parsed.encoding, blocks=parsed.blocks,
        text="\n\n".join(b.text for b in parsed.blocks),
    )


@post("/chunk", status_code=200, sync_to_thread=True)
def chunk(data: wire.ChunkRequest, state: State) -> wire.ChunkResponse:
    """Chunks of ``document`` or ``text`` (422 "invalid_chunk_request" unless exactly one is given)."""
    if (data.document is None) == (data.text is None):
        raise Invalid("send either 'document' or 'text'", code="invalid_chunk_request")
    parsed = data.document or ParsedDocument(blocks=[TextBlock(p.strip(), None) for p in data.text.split("\n\n")])
    chunker = state.runtime.chunker(data.chunk_size, data.chunk_overlap)
    return wire.ChunkResponse(chunks=chunker.chunk(parsed, document_id=data.document_id, filename=data.filename))


@post("/embed", status_code=200, sync_to_thread=True)
def embed(data: wire.EmbedRequest, state: State) -> wire.EmbedResponse:
    """Vectors of ``texts`` (documents or queries) by ``backend``, packed as little-endian float32."""
    embedder = state.runtime.embedders.get(data.backend)
    if data.kind == "query":
        vectors = [embedder.embed_query(text) for text in data.texts]
    else:
        vectors = embedder.embed_documents(data.texts)
    return wire.EmbedResponse(model=embedder.model_name, dimension=embedder.dimension, count=len(vectors),
                              vectors=wire.pack_vectors(vectors))


@post("/extract-metadata", status_code=200, sync_to_thread=True)
def extract_metadata(data: wire.MetadataRequest, state: State) -> DocumentMetadata:
    """Title, summary and keywords of ``text``."""
    return state.runtime.metadata.extract(data.text, filename=data.filename)


def create_compute_app(runtime: ComputeRuntime, *, max_upload_bytes: int, token: str | None = None) -> Litestar:
    """The compute app; the embedding model loads at start-up, before the port accepts connections.
    With ``token`` (RAGCORE_COMPUTE_TOKEN) every route but /health needs ``Authorization: Bearer <token>``."""
    return Litestar(
        route_handlers=[health, parse, chunk, embed, extract_metadata],
        guards=[shared_token_guard(token)] if token else [],
        exception_handlers={RagCoreError: compute_error, HTTPException: http_error, Exception: unexpected_error},
        state=State({"runtime": runtime}),
        on_startup=[runtime.warm_up],
        openapi_config=OpenAPIConfig(title="ragcore compute", version="0.1.0", path="/schema"),
        request_max_body_size=max_upload_bytes * 2,
    )
