"""Search DTOs."""

import msgspec

from ragcore.domain.models import SearchHit


class SearchRequest(msgspec.Struct, forbid_unknown_fields=True):
    query: str
    collection: str
    top_k: int = 5


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
    query: str
    collection: str
    top_k: int
    hits: list[SearchHitOut]
