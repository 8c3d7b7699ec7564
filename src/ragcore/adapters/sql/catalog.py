"""CollectionCatalog on SQL."""

import hashlib

import msgspec
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError

from ragcore.adapters.sql.engine import read, transaction
from ragcore.adapters.sql.schema import CollectionRow
from ragcore.domain.errors import Conflict
from ragcore.domain.models import Collection


def name_key(name: str) -> str:
    """Stable key of a collection name: exact comparison, whatever the database collation."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def _to_row(collection: Collection) -> CollectionRow:
    return CollectionRow(**msgspec.structs.asdict(collection), name_key=name_key(collection.name))


_TABLE = CollectionRow.__table__


def _to_model(row: CollectionRow) -> Collection:
    """A Collection of an ORM row or a Core row of the table (same attribute names)."""
    return Collection(**{field: getattr(row, field) for field in Collection.__struct_fields__})


class SqlCollectionCatalog:
    """Collections catalog in the ``collections`` table.

    ``add`` raises Conflict(code="collection_exists"); every method raises Unavailable when the
    database cannot be reached.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, collection: Collection) -> None:
        try:
            with transaction(self._engine) as session:
                session.add(_to_row(collection))
        except IntegrityError as exc:
            message = f"collection {collection.name!r} already exists"
            raise Conflict(message, code="collection_exists") from exc

    def get(self, collection_id: str) -> Collection | None:
        with read(self._engine) as connection:
            row = connection.execute(select(_TABLE).where(_TABLE.c.id == collection_id)).one_or_none()
            return None if row is None else _to_model(row)

    def get_by_name(self, name: str) -> Collection | None:
        with read(self._engine) as connection:
            row = connection.execute(select(_TABLE).where(_TABLE.c.name_key == name_key(name))).one_or_none()
            return None if row is None else _to_model(row)

    def list(self) -> list[Collection]:
        with transaction(self._engine) as session:
            rows = session.scalars(select(CollectionRow)).all()
            # Sorted here, not by ORDER BY: code-point order whatever the database collation.
            return sorted((_to_model(row) for row in rows), key=lambda c: c.name)

    def remove(self, collection_id: str) -> None:
        with transaction(self._engine) as session:
            session.execute(delete(CollectionRow).where(CollectionRow.id == collection_id))
