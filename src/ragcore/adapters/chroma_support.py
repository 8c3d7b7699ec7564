"""ChromaDB adapter helpers: driver-error translation, server URLs, chunk <-> Chroma metadata."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ragcore.domain.errors import Conflict, Invalid, NotFound, Unavailable
from ragcore.domain.models import Chunk

log = logging.getLogger(__name__)

NO_HITS: dict[str, list[list[Any]]] = {key: [[]] for key in ("ids", "documents", "metadatas", "distances")}


def unflushed(exc: BaseException) -> bool:
    """Whether ``exc`` is a Chroma server queried before it wrote a collection's vector index to disk
    (it holds the records, its HNSW segment does not yet: "Error creating hnsw segment reader: Nothing
    found on disk"); it passes once the server has flushed."""
    text = str(exc)
    return "Nothing found on disk" in text or "hnsw segment reader" in text


def query_settled(query: Callable[[], Any], count: Callable[[], int], attempts: int = 6) -> Any:
    """``query()``, retried with backoff (0.05 s doubling, at most ``attempts`` tries, ~1.5 s) while the
    collection's index is not on disk yet; then, or when the collection is empty and the server has
    no index at all, no hits (NO_HITS) instead of an error. Other Chroma errors propagate."""
    import tenacity
    from chromadb.errors import ChromaError, NotFoundError

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(unflushed), stop=tenacity.stop_after_attempt(attempts),
        wait=tenacity.wait_exponential(multiplier=0.05, max=0.8), reraise=True,
    )
    try:
        return retrying(query)
    except NotFoundError:
        raise
    except ChromaError as exc:
        if unflushed(exc):
            log.warning("the vector index is not on disk yet after %d tries; answering no hits: %s", attempts, exc)
            return NO_HITS
        if count() == 0:
            return NO_HITS
        raise


@contextlib.contextmanager
def translated(store_id: str) -> Iterator[None]:
    """Map driver errors to domain errors."""
    import httpx
    from chromadb.errors import NotFoundError

    try:
        yield
    except NotFoundError as exc:
        raise NotFound(
            f"store collection {store_id!r} does not exist", code="store_collection_not_found"
        ) from exc
    except (httpx.TransportError, ConnectionError, TimeoutError) as exc:
        raise Unavailable("the vector store cannot be reached", code="vector_store_unavailable") from exc


def parse_url(url: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of "http(s)://host[:port]"; raises Invalid "invalid_chroma_url"."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Invalid(f"invalid ChromaDB URL {url!r}", code="invalid_chroma_url") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise Invalid(f"ChromaDB URL must be http(s)://host:port, not {url!r}", code="invalid_chroma_url")
    ssl = parts.scheme == "https"
    return parts.hostname, port or (443 if ssl else 8000), ssl


def check_dimension(embeddings: Sequence[Sequence[float]], dimension: int) -> None:
    for embedding in embeddings:
        if len(embedding) != dimension:
            raise Conflict(
                f"embedding has {len(embedding)} dimensions, the collection {dimension}",
                code="embedding_dimension_mismatch",
            )


def to_metadata(chunk: Chunk) -> dict[str, str | int]:
    # Chroma metadata values must be scalars: pages as "1,2", headings as a JSON list.
    return {
        "document_id": chunk.document_id,
        "chunk_index": chunk.index,
        "pages": ",".join(str(p) for p in chunk.pages),
        "headings": json.dumps(list(chunk.headings)),
        "filename": chunk.filename,
    }


def to_chunk(chunk_id: str, text: str | None, meta: Mapping[str, Any]) -> Chunk:
    pages = str(meta.get("pages", ""))
    return Chunk(
        id=chunk_id,
        document_id=str(meta["document_id"]),
        index=int(meta["chunk_index"]),
        text=text or "",
        pages=tuple(int(p) for p in pages.split(",") if p),
        headings=tuple(json.loads(str(meta.get("headings", "[]")))),
        filename=str(meta.get("filename", "")),
    )
