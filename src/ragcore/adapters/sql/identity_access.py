"""AccessStore on SQL: the ``collection_owners`` and ``collection_grants`` tables."""

from sqlalchemy import Engine, delete, select

from ragcore.adapters.sql.engine import read, transaction
from ragcore.adapters.sql.identity_schema import CollectionOwnerRow, GrantRow
from ragcore.adapters.sql.retry import retry_conflicts
from ragcore.domain.identity.models import Grant

_OWNERS = CollectionOwnerRow.__table__
_GRANTS = GrantRow.__table__


class SqlAccessStore:
    """Collection owners and grants; every method raises Unavailable when the database cannot be reached."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @retry_conflicts
    def set_owner(self, collection_id: str, user_id: str) -> None:
        with transaction(self._engine) as session:
            session.merge(CollectionOwnerRow(collection_id=collection_id, user_id=user_id))

    def owner(self, collection_id: str) -> str | None:
        with read(self._engine) as connection:
            return connection.execute(
                select(_OWNERS.c.user_id).where(_OWNERS.c.collection_id == collection_id)
            ).scalar_one_or_none()

    @retry_conflicts
    def put_grant(self, grant: Grant) -> None:
        with transaction(self._engine) as session:
            session.merge(GrantRow(collection_id=grant.collection_id, user_id=grant.user_id,
                                   permission=grant.permission, created_at=grant.created_at))

    def remove_grant(self, collection_id: str, user_id: str) -> bool:
        with transaction(self._engine) as session:
            result = session.execute(
                delete(GrantRow).where(GrantRow.collection_id == collection_id, GrantRow.user_id == user_id)
            )
            return result.rowcount > 0

    def grants(self, *, collection_id: str | None = None, user_id: str | None = None) -> list[Grant]:
        query = select(_GRANTS)
        if collection_id is not None:
            query = query.where(_GRANTS.c.collection_id == collection_id)
        if user_id is not None:
            query = query.where(_GRANTS.c.user_id == user_id)
        with read(self._engine) as connection:
            rows = connection.execute(query).all()
        grants = [Grant(collection_id=r.collection_id, user_id=r.user_id, permission=r.permission,
                        created_at=r.created_at) for r in rows]
        return sorted(grants, key=lambda g: (g.collection_id, g.user_id))

    def forget_collection(self, collection_id: str) -> None:
        with transaction(self._engine) as session:
            session.execute(delete(GrantRow).where(GrantRow.collection_id == collection_id))
            session.execute(delete(CollectionOwnerRow).where(CollectionOwnerRow.collection_id == collection_id))

    def accessible(self, user_id: str) -> dict[str, str]:
        with read(self._engine) as connection:
            owned = connection.execute(select(_OWNERS.c.collection_id).where(_OWNERS.c.user_id == user_id)).scalars()
            levels = {collection_id: "owner" for collection_id in owned}
            granted = connection.execute(
                select(_GRANTS.c.collection_id, _GRANTS.c.permission).where(_GRANTS.c.user_id == user_id)
            ).all()
        return {row.collection_id: row.permission for row in granted} | levels
