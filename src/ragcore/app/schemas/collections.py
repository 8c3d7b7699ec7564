"""Collection DTOs."""

from datetime import datetime

import msgspec

from ragcore.domain.models import Collection, CollectionStats


class CollectionCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    embedding_dimension: int | None = None
    extract_metadata: bool = False  # ingestion also extracts title, summary, keywords (docs/answers.md)
    embedding_backend: str | None = None  # torch, onnx or onnx-int8; None: RAGCORE_EMBEDDING_BACKEND


class CollectionOut(msgspec.Struct):
    id: str
    name: str
    embedding_model: str
    embedding_dimension: int
    created_at: datetime
    extract_metadata: bool = False
    embedding_backend: str = "torch"
    documents: int | None = None
    chunks: int | None = None
    bytes: int | None = None

    @classmethod
    def of(cls, c: Collection, stats: CollectionStats | None = None) -> "CollectionOut":
        out = cls(id=c.id, name=c.name, embedding_model=c.embedding_model,
                  embedding_dimension=c.embedding_dimension, created_at=c.created_at,
                  extract_metadata=c.extract_metadata, embedding_backend=c.embedding_backend)
        if stats is not None:
            out.documents, out.chunks, out.bytes = stats.documents, stats.chunks, stats.bytes
        return out
