"""DocumentRepository on SQL."""

from collections.abc import Sequence

import msgspec
from sqlalchemy import Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ragcore.adapters.sql.engine import read, transaction
from ragcore.adapters.sql.retry import retry_conflicts
from ragcore.adapters.sql.schema import DocumentRow
from ragcore.domain.errors import Conflict, NotFound
from ragcore.domain.models import Document, DocumentMetadata, DocumentStatus

# Ids per IN (...) query, well below every backend's bound-parameter limit.
_ID_BATCH = 500
_NO_SYNC = {"synchronize_session": False}
_TABLE = DocumentRow.__table__
# Built once so its compiled form is reused (see adapters/sql/jobs.py): SET is every column key of the
# parameters, WHERE takes "where_id".
_UPDATE = update(_TABLE).where(_TABLE.c.id == bindparam("where_id"))


def _to_model(row: DocumentRow) -> Document:
    """A Document of an ORM row or a Core row of the table (same attribute names)."""
    fields = {field: getattr(row, field) for field in Document.__struct_fields__}
    fields["user_metadata"] = fields["user_metadata"] or {}
    if fields["extracted"] is not None:
        fields["extracted"] = msgspec.convert(fields["extracted"], DocumentMetadata)
    return Document(**fields)


def _to_row(document: Document) -> dict:
    """Column values; the nested metadata goes into JSON columns as plain dicts."""
    values = msgspec.structs.asdict(document)
    values["user_metadata"] = dict(document.user_metadata)
    values["extracted"] = None if document.extracted is None else msgspec.to_builtins(document.extracted)
    return values


def _duplicate(document: Document | None) -> Conflict:
    if document is None:
        return Conflict("a document of the batch already exists", code="duplicate_document")
    return Conflict(
        f"collection {document.collection_id!r} already holds sha256 {document.sha256}",
        code="duplicate_document",
    )


class SqlDocumentRepository:
    """Document registry in the ``documents`` table.

    ``add``/``add_many`` (and an ``update`` that would collide) raise Conflict(code="duplicate_document");
    ``update`` raises NotFound(code="document_not_found"); every method raises Unavailable when the
    database cannot be reached.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, document: Document) -> None:
        self.add_many([document])

    @retry_conflicts
    def add_many(self, documents: Sequence[Document]) -> None:
        """Insert all in one transaction, or none; raises Conflict(code="duplicate_document")."""
        if not documents:
            return
        rows = [_to_row(document) for document in documents]
        try:
            with transaction(self._engine) as session:
                session.execute(insert(DocumentRow), rows)
        except IntegrityError as exc:
            raise _duplicate(documents[0] if len(documents) == 1 else None) from exc

    def get(self, document_id: str) -> Document | None:
        with read(self._engine) as connection:
            row = connection.execute(select(_TABLE).where(_TABLE.c.id == document_id)).one_or_none()
            return None if row is None else _to_model(row)

    def get_many(self, document_ids: Sequence[str]) -> dict[str, Document]:
        ids = list(dict.fromkeys(document_ids))
        found: dict[str, Document] = {}
        with read(self._engine) as connection:
            for start in range(0, len(ids), _ID_BATCH):
                query = select(_TABLE).where(_TABLE.c.id.in_(ids[start : start + _ID_BATCH]))
                found.update((row.id, _to_model(row)) for row in connection.execute(query))
        return found

    def find_by_sha256(self, collection_id: str, sha256: str) -> Document | None:
        query = select(DocumentRow).where(
            DocumentRow.collection_id == collection_id, DocumentRow.sha256 == sha256
        )
        with transaction(self._engine) as session:
            row = session.scalars(query).one_or_none()
            return None if row is None else _to_model(row)

    def list(
        self, *, collection_id: str | None = None, status: DocumentStatus | None = None
    ) -> list[Document]:
        query = select(DocumentRow).order_by(DocumentRow.created_at, DocumentRow.id)
        if collection_id is not None:
            query = query.where(DocumentRow.collection_id == collection_id)
        if status is not None:
            query = query.where(DocumentRow.status == status)
        with transaction(self._engine) as session:
            return [_to_model(row) for row in session.scalars(query)]

    @retry_conflicts
    def update(self, document: Document) -> None:
        values = {**_to_row(document), "where_id": document.id}
        try:
            with transaction(self._engine) as session:
                matched = session.execute(_UPDATE, values).rowcount
        except IntegrityError as exc:
            raise _duplicate(document) from exc
        if matched == 0:
            raise NotFound(f"document {document.id!r} does not exist", code="document_not_found")

    def remove(self, document_id: str) -> None:
        self.remove_many([document_id])

    @retry_conflicts
    def remove_many(self, document_ids: Sequence[str]) -> None:
        """Delete every listed document in one transaction; unknown ids are ignored."""
        ids = list(dict.fromkeys(document_ids))
        with transaction(self._engine) as session:
            for start in range(0, len(ids), _ID_BATCH):
                batch = ids[start : start + _ID_BATCH]
                session.execute(delete(DocumentRow).where(DocumentRow.id.in_(batch)), execution_options=_NO_SYNC)

    def count(self, collection_id: str) -> tuple[int, int]:
        query = select(func.count(), func.coalesce(func.sum(DocumentRow.size_bytes), 0)).where(
            DocumentRow.collection_id == collection_id
        )
        with transaction(self._engine) as session:
            documents, size = session.execute(query).one()
        return int(documents), int(size)  # SUM is a DECIMAL on MySQL and PostgreSQL
