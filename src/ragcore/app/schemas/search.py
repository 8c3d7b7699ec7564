"""Search DTOs."""

import json
from typing import Any

import msgspec

from ragcore.domain.errors import Invalid
from ragcore.domain.models import SearchHit


class SearchRequest(msgspec.Struct, forbid_unknown_fields=True):
    """``mode``: "dense" | "keyword" | "hybrid" (default: the server's); ``filters``: a metadata filter
    (see docs/retrieval.md), e.g. ``{"metadata.year": {"$gte": 2020}, "content_type": "pdf"}``."""

    query: str
    collection: str
    top_k: int = 5
    mode: str | None = None
    filters: Any = None  # validated by the domain: 422 "invalid_filter" names the bad key


class SearchHitOut(msgspec.Struct):
    document_id: str
    filename: str
    chunk_id: str
    chunk_index: int
    text: str
    pages: list[int]
    headings: list[str]
    score: float

    @classmethod
    def of(cls, h: SearchHit) -> "SearchHitOut":
        c = h.chunk
        return cls(document_id=c.document_id, filename=c.filename, chunk_id=c.id, chunk_index=c.index,
                   text=c.text, pages=list(c.pages), headings=list(c.headings), score=h.score)


class SearchResponse(msgspec.Struct):
    """``mode``: the mode that ran; ``score`` of each hit: cosine (dense), BM25 (keyword), RRF (hybrid)."""

    query: str
    collection: str
    top_k: int
    mode: str
    hits: list[SearchHitOut]


def decode_filters(text: str | None) -> Any:
    """A filter given as JSON text (query parameter, CLI option); raises Invalid "invalid_filter" if not JSON
    or nested too deeply to decode."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise Invalid("invalid filter: filters must be a JSON object", code="invalid_filter") from exc
