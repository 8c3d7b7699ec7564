"""DocumentRepository on Redis: msgspec JSON records plus secondary indexes kept by Lua scripts.

Key layout (``P`` = prefix):

- ``P:doc:<id>``                 string, the msgspec JSON of the Document
- ``P:docs:all``                 sorted set of every id, scored by created_at (microseconds)
- ``P:docs:coll:<collection>``   sorted set of the collection's ids, scored by created_at
- ``P:docs:status:<status>``     set of the ids with that status
- ``P:docs:sha:<collection>``    hash sha256 -> id (the (collection, sha256) uniqueness index)
- ``P:docs:count:<collection>``  hash {documents, bytes}

Atomicity: every write (add, add_many, update, remove, remove_many) is one Lua script that checks
uniqueness and updates the record and all its indexes together; reads use the indexes, then MGET.
Errors: Conflict("duplicate_document"), NotFound("document_not_found"), Unavailable("redis_unavailable").
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import redis

from ragcore.adapters.redis import registry_scripts as lua
from ragcore.adapters.redis.client import micros, text, translate_redis_errors
from ragcore.domain.errors import Conflict, NotFound
from ragcore.domain.models import Document, DocumentStatus

_BATCH = 500
_decoder = msgspec.json.Decoder(Document)


def _args(document: Document) -> list[str | int]:
    return [
        document.id, msgspec.json.encode(document).decode(), document.collection_id, document.sha256,
        document.status, document.size_bytes, micros(document.created_at),
    ]


def _duplicate(document_id: str) -> Conflict:
    return Conflict(f"document {document_id!r} or its content already exists", code="duplicate_document")


@translate_redis_errors
class RedisDocumentRepository:
    """Document registry in Redis under ``prefix`` (see the module docstring for keys and errors)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._add_many = client.register_script(lua.ADD_MANY)
        self._update = client.register_script(lua.UPDATE)
        self._remove_many = client.register_script(lua.REMOVE_MANY)

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    def add(self, document: Document) -> None:
        self.add_many([document])

    def add_many(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        args = [self._prefix, *(value for document in documents for value in _args(document))]
        reply = self._add_many(args=args)
        if reply:
            raise _duplicate(text(reply[1]))

    def get(self, document_id: str) -> Document | None:
        raw = self._client.get(self._key("doc", document_id))
        return None if raw is None else _decoder.decode(raw)

    def get_many(self, document_ids: Sequence[str]) -> dict[str, Document]:
        return {document.id: document for document in self._load(list(dict.fromkeys(document_ids)))}

    def find_by_sha256(self, collection_id: str, sha256: str) -> Document | None:
        document_id = self._client.hget(self._key("docs", "sha", collection_id), sha256)
        return None if document_id is None else self.get(text(document_id))

    def list(
        self, *, collection_id: str | None = None, status: DocumentStatus | None = None
    ) -> list[Document]:
        """Oldest first (created_at, then id: sorted-set order of equal scores)."""
        ordered = self._key("docs", "all") if collection_id is None else self._key("docs", "coll", collection_id)
        if status is None:
            ids = self._client.zrange(ordered, 0, -1)
        else:
            ids = self._client.zinter({ordered: 1, self._key("docs", "status", status): 0})
        return self._load([text(i) for i in ids])

    def update(self, document: Document) -> None:
        reply = self._update(args=[self._prefix, *_args(document)])
        if reply and text(reply[0]) == "missing":
            raise NotFound(f"document {document.id!r} does not exist", code="document_not_found")
        if reply:
            raise _duplicate(document.id)

    def remove(self, document_id: str) -> None:
        self.remove_many([document_id])

    def remove_many(self, document_ids: Sequence[str]) -> None:
        if document_ids:
            self._remove_many(args=[self._prefix, *document_ids])

    def count(self, collection_id: str) -> tuple[int, int]:
        documents, size = self._client.hmget(self._key("docs", "count", collection_id), ["documents", "bytes"])
        return int(documents or 0), int(size or 0)

    def _load(self, ids: list[str]) -> list[Document]:
        """Documents in the order of ``ids``; ids deleted meanwhile are skipped."""
        found: list[Document] = []
        for start in range(0, len(ids), _BATCH):
            keys = [self._key("doc", i) for i in ids[start : start + _BATCH]]
            found.extend(_decoder.decode(raw) for raw in self._client.mget(keys) if raw is not None)
        return found
