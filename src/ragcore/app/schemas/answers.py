"""Answer DTOs."""

from typing import Any, Literal

import msgspec

from ragcore.domain.models import Answer, Citation


class AnswerRequest(msgspec.Struct, forbid_unknown_fields=True):
    """``mode``: "generate" (the language model answers) or "extractive" (best passages, no model).
    ``stream``: Server-Sent Events instead of one JSON body. ``filters``: the search filter language."""

    question: str
    collection: str
    top_k: int = 5
    filters: dict[str, Any] | None = None
    stream: bool = False
    mode: Literal["generate", "extractive"] = "generate"


class CitationOut(msgspec.Struct):
    marker: int
    document_id: str
    filename: str
    pages: list[int]
    chunk_id: str
    text: str
    score: float

    @classmethod
    def of(cls, c: Citation) -> "CitationOut":
        return cls(marker=c.marker, document_id=c.document_id, filename=c.filename, pages=list(c.pages),
                   chunk_id=c.chunk_id, text=c.text, score=c.score)


class AnswerOut(msgspec.Struct):
    """``answer`` is None in extractive mode and when nothing was retrieved."""

    question: str
    collection: str
    mode: str
    answer: str | None
    citations: list[CitationOut]
    dropped_markers: list[int]
    passages: int
    passages_cut: int

    @classmethod
    def of(cls, a: Answer) -> "AnswerOut":
        return cls(question=a.question, collection=a.collection, mode=a.mode, answer=a.text,
                   citations=[CitationOut.of(c) for c in a.citations], dropped_markers=list(a.dropped_markers),
                   passages=a.passages, passages_cut=a.passages_cut)
