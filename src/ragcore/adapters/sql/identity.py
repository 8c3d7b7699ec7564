"""IdentityStore on SQL: the ``users`` and ``api_keys`` tables."""

from datetime import datetime

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from ragcore.adapters.sql.catalog import name_key
from ragcore.adapters.sql.engine import read, transaction
from ragcore.adapters.sql.identity_schema import ApiKeyRow, GrantRow, UserRow
from ragcore.domain.errors import Conflict
from ragcore.domain.identity.models import ApiKey, User

_USERS = UserRow.__table__
_KEYS = ApiKeyRow.__table__


def _user(row) -> User:
    return User(id=row.id, name=row.name, role=row.role, created_at=row.created_at, password_hash=row.password_hash)


def _key(row) -> ApiKey:
    return ApiKey(id=row.id, user_id=row.user_id, name=row.name, key_hash=row.key_hash, scopes=tuple(row.scopes),
                  created_at=row.created_at, expires_at=row.expires_at, last_used_at=row.last_used_at,
                  revoked_at=row.revoked_at)


class SqlIdentityStore:
    """Users and API keys. ``add_user`` raises Conflict "user_exists", ``add_key`` Conflict "key_exists";
    every method raises Unavailable when the database cannot be reached."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_user(self, user: User) -> None:
        row = UserRow(id=user.id, name=user.name, name_key=name_key(user.name), role=user.role,
                      password_hash=user.password_hash, created_at=user.created_at)
        try:
            with transaction(self._engine) as session:
                session.add(row)
        except IntegrityError as exc:
            raise Conflict(f"user {user.name!r} already exists", code="user_exists") from exc

    def get_user(self, user_id: str) -> User | None:
        return self._one_user(_USERS.c.id == user_id)

    def get_user_by_name(self, name: str) -> User | None:
        return self._one_user(_USERS.c.name_key == name_key(name))

    def _one_user(self, where) -> User | None:
        with read(self._engine) as connection:
            row = connection.execute(select(_USERS).where(where)).one_or_none()
            return None if row is None else _user(row)

    def list_users(self) -> list[User]:
        with read(self._engine) as connection:
            return sorted((_user(r) for r in connection.execute(select(_USERS))), key=lambda u: u.name)

    def remove_user(self, user_id: str) -> None:
        with transaction(self._engine) as session:
            session.execute(delete(ApiKeyRow).where(ApiKeyRow.user_id == user_id))
            session.execute(delete(GrantRow).where(GrantRow.user_id == user_id))
            session.execute(delete(UserRow).where(UserRow.id == user_id))

    def add_key(self, key: ApiKey) -> None:
        row = ApiKeyRow(id=key.id, user_id=key.user_id, name=key.name, key_hash=key.key_hash,
                        scopes=list(key.scopes), created_at=key.created_at, expires_at=key.expires_at,
                        last_used_at=key.last_used_at, revoked_at=key.revoked_at)
        try:
            with transaction(self._engine) as session:
                session.add(row)
        except IntegrityError as exc:
            raise Conflict(f"key {key.id!r} already exists", code="key_exists") from exc

    def get_key(self, key_id: str) -> ApiKey | None:
        with read(self._engine) as connection:
            row = connection.execute(select(_KEYS).where(_KEYS.c.id == key_id)).one_or_none()
            return None if row is None else _key(row)

    def list_keys(self, user_id: str | None = None) -> list[ApiKey]:
        query = select(_KEYS) if user_id is None else select(_KEYS).where(_KEYS.c.user_id == user_id)
        with read(self._engine) as connection:
            return sorted((_key(r) for r in connection.execute(query)), key=lambda k: (k.created_at, k.id))

    def revoke_key(self, key_id: str, at: datetime) -> ApiKey | None:
        with transaction(self._engine) as session:
            session.execute(update(ApiKeyRow).where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
                            .values(revoked_at=at))
        return self.get_key(key_id)

    def touch_key(self, key_id: str, at: datetime) -> None:
        with transaction(self._engine) as session:
            session.execute(update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(last_used_at=at))
