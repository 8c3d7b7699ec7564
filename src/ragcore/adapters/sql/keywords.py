"""KeywordIndex on SQL + bm25s: chunk texts persisted in SQL, BM25 indexes cached in memory.

Every write replaces the store collection's random ``version`` in the same transaction as the chunk
rows. A query reads the version first (one primary-key lookup) and rebuilds its cached bm25s index
only when the version changed, so every process sharing the database (API replicas, workers) answers
from the current state. The version is read before the rows: under READ COMMITTED a concurrent write
can only make a freshly built index newer than its label (one spare rebuild), never staler.
"""

import threading
import uuid
from collections import OrderedDict
from collections.abc import Collection, Sequence

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ragcore.adapters.bm25 import Bm25Index, Bm25Parameters
from ragcore.adapters.sql.engine import transaction
from ragcore.adapters.sql.retry import retry_conflicts
from ragcore.adapters.sql.schema import KeywordChunkRow, KeywordVersionRow
from ragcore.domain.errors import Invalid
from ragcore.domain.models import Chunk, SearchHit

_BATCH = 500  # rows per statement, below every backend's bound-parameter limit


class SqlKeywordIndex:
    """``KeywordIndex`` on an Alembic-migrated database (revision 0004+).

    ``cache_size``: how many store collections keep a built BM25 index in this process (LRU);
    ``k1``, ``b``: BM25's parameters. Raises Unavailable when the database cannot be reached.
    """

    def __init__(self, engine: Engine, cache_size: int = 8, *, k1: float, b: float) -> None:
        self._engine = engine
        self._parameters = Bm25Parameters(k1, b)
        self._cache: OrderedDict[str, Bm25Index] = OrderedDict()
        self._cache_size = max(1, cache_size)
        self._lock = threading.Lock()  # guards the cache
        self._build_lock = threading.Lock()  # one rebuild at a time per process

    @retry_conflicts
    def index(self, store_id: str, chunks: Sequence[Chunk]) -> None:
        """Insert or replace by chunk id, in one transaction."""
        if not chunks:
            return
        rows = [_to_row(store_id, c) for c in chunks]
        with transaction(self._engine) as session:
            for start in range(0, len(rows), _BATCH):
                ids = [r["chunk_id"] for r in rows[start : start + _BATCH]]
                session.execute(delete(KeywordChunkRow).where(
                    KeywordChunkRow.store_id == store_id, KeywordChunkRow.chunk_id.in_(ids)
                ))
            session.execute(insert(KeywordChunkRow), rows)
            _bump(session, store_id)

    @retry_conflicts
    def delete_documents(self, store_id: str, document_ids: Collection[str]) -> None:
        """One transaction; no error (and no new version) when the documents have no chunks."""
        if not document_ids:
            return
        ids, deleted = sorted(document_ids), 0
        with transaction(self._engine) as session:
            for start in range(0, len(ids), _BATCH):
                deleted += session.execute(delete(KeywordChunkRow).where(
                    KeywordChunkRow.store_id == store_id, KeywordChunkRow.document_id.in_(ids[start : start + _BATCH])
                )).rowcount
            if deleted:
                _bump(session, store_id)

    @retry_conflicts
    def drop(self, store_id: str) -> None:
        """No error when absent."""
        with transaction(self._engine) as session:
            session.execute(delete(KeywordChunkRow).where(KeywordChunkRow.store_id == store_id))
            session.execute(delete(KeywordVersionRow).where(KeywordVersionRow.store_id == store_id))
        with self._lock:
            self._cache.pop(store_id, None)

    def query(
        self, store_id: str, text: str, top_k: int, document_ids: frozenset[str] | None = None
    ) -> list[SearchHit]:
        """Best first, score = BM25 (> 0). Raises Invalid "invalid_top_k"."""
        if top_k < 1:
            raise Invalid(f"top_k must be at least 1, not {top_k}", code="invalid_top_k")
        index = self._current(store_id)
        return [] if index is None else index.search(text, top_k, document_ids)

    def _current(self, store_id: str) -> Bm25Index | None:
        version = self._version(store_id)
        if version is None:
            return None
        with self._lock:
            cached = self._cache.get(store_id)
        if cached is not None and cached.version == version:
            return cached
        with self._build_lock:
            with self._lock:
                cached = self._cache.get(store_id)
            if cached is None or cached.version != version:
                cached = self._build(store_id)
                with self._lock:
                    self._cache[store_id] = cached
                    self._cache.move_to_end(store_id)
                    while len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
        return cached

    def _version(self, store_id: str) -> str | None:
        with transaction(self._engine) as session:
            return session.scalar(select(KeywordVersionRow.version).where(KeywordVersionRow.store_id == store_id))

    def _build(self, store_id: str) -> Bm25Index:
        version = self._version(store_id) or ""  # first the version, then the rows (see the module doc)
        with transaction(self._engine) as session:
            rows = session.scalars(select(KeywordChunkRow).where(KeywordChunkRow.store_id == store_id)).all()
            chunks = sorted((_to_chunk(r) for r in rows), key=lambda c: c.id)
        return Bm25Index(version, chunks, self._parameters)


def _bump(session: Session, store_id: str) -> None:
    """Give the store collection a new version (insert its row the first time)."""
    version = uuid.uuid4().hex
    statement = update(KeywordVersionRow).where(KeywordVersionRow.store_id == store_id).values(version=version)
    if session.execute(statement).rowcount:
        return
    try:
        with session.begin_nested():
            session.execute(insert(KeywordVersionRow).values(store_id=store_id, version=version))
    except IntegrityError:  # another writer inserted it first
        session.execute(statement)


def _to_row(store_id: str, chunk: Chunk) -> dict:
    return {
        "store_id": store_id, "chunk_id": chunk.id, "document_id": chunk.document_id, "chunk_index": chunk.index,
        "text": chunk.text, "pages": list(chunk.pages), "headings": list(chunk.headings), "filename": chunk.filename,
    }


def _to_chunk(row: KeywordChunkRow) -> Chunk:
    return Chunk(
        id=row.chunk_id, document_id=row.document_id, index=row.chunk_index, text=row.text,
        pages=tuple(row.pages), headings=tuple(row.headings), filename=row.filename,
    )
