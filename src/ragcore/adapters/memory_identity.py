"""In-memory identity adapters (tests, demos): IdentityStore, AccessStore and AuditLog in dicts under a lock."""

import threading
from datetime import datetime

import msgspec

from ragcore.domain.errors import Conflict
from ragcore.domain.identity.models import ApiKey, AuditEvent, AuditQuery, Grant, User


class MemoryIdentityStore:
    """Users and keys; ``add_user`` raises Conflict "user_exists", ``add_key`` Conflict "key_exists"."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: dict[str, User] = {}
        self._keys: dict[str, ApiKey] = {}
        self.on_remove_user: list = []  # callbacks(user_id): the memory AccessStore drops the user's grants

    def add_user(self, user: User) -> None:
        with self._lock:
            if user.id in self._users or any(u.name == user.name for u in self._users.values()):
                raise Conflict(f"user {user.name!r} already exists", code="user_exists")
            self._users[user.id] = user

    def get_user(self, user_id: str) -> User | None:
        with self._lock:
            return self._users.get(user_id)

    def get_user_by_name(self, name: str) -> User | None:
        with self._lock:
            return next((u for u in self._users.values() if u.name == name), None)

    def list_users(self) -> list[User]:
        with self._lock:
            return sorted(self._users.values(), key=lambda u: u.name)

    def remove_user(self, user_id: str) -> None:
        with self._lock:
            self._users.pop(user_id, None)
            self._keys = {k: v for k, v in self._keys.items() if v.user_id != user_id}
        for callback in self.on_remove_user:
            callback(user_id)

    def add_key(self, key: ApiKey) -> None:
        with self._lock:
            if key.id in self._keys:
                raise Conflict(f"key {key.id!r} already exists", code="key_exists")
            self._keys[key.id] = key

    def get_key(self, key_id: str) -> ApiKey | None:
        with self._lock:
            return self._keys.get(key_id)

    def list_keys(self, user_id: str | None = None) -> list[ApiKey]:
        with self._lock:
            keys = [k for k in self._keys.values() if user_id is None or k.user_id == user_id]
        return sorted(keys, key=lambda k: (k.created_at, k.id))

    def revoke_key(self, key_id: str, at: datetime) -> ApiKey | None:
        with self._lock:
            key = self._keys.get(key_id)
            if key is not None and key.revoked_at is None:
                key = self._keys[key_id] = msgspec.structs.replace(key, revoked_at=at)
            return key

    def touch_key(self, key_id: str, at: datetime) -> None:
        with self._lock:
            if key_id in self._keys:
                self._keys[key_id] = msgspec.structs.replace(self._keys[key_id], last_used_at=at)


class MemoryAccessStore:
    def __init__(self, identities: MemoryIdentityStore | None = None) -> None:
        self._lock = threading.Lock()
        self._owners: dict[str, str] = {}
        self._grants: dict[tuple[str, str], Grant] = {}
        if identities is not None:
            identities.on_remove_user.append(self._forget_user)

    def _forget_user(self, user_id: str) -> None:
        with self._lock:
            self._grants = {k: g for k, g in self._grants.items() if g.user_id != user_id}

    def set_owner(self, collection_id: str, user_id: str) -> None:
        with self._lock:
            self._owners[collection_id] = user_id

    def owner(self, collection_id: str) -> str | None:
        with self._lock:
            return self._owners.get(collection_id)

    def put_grant(self, grant: Grant) -> None:
        with self._lock:
            self._grants[(grant.collection_id, grant.user_id)] = grant

    def remove_grant(self, collection_id: str, user_id: str) -> bool:
        with self._lock:
            return self._grants.pop((collection_id, user_id), None) is not None

    def grants(self, *, collection_id: str | None = None, user_id: str | None = None) -> list[Grant]:
        with self._lock:
            found = [g for g in self._grants.values() if collection_id in (None, g.collection_id)
                     and user_id in (None, g.user_id)]
        return sorted(found, key=lambda g: (g.collection_id, g.user_id))

    def forget_collection(self, collection_id: str) -> None:
        with self._lock:
            self._owners.pop(collection_id, None)
            self._grants = {k: g for k, g in self._grants.items() if g.collection_id != collection_id}

    def accessible(self, user_id: str) -> dict[str, str]:
        with self._lock:
            levels = {g.collection_id: g.permission for g in self._grants.values() if g.user_id == user_id}
            return levels | {c: "owner" for c, owner in self._owners.items() if owner == user_id}


class MemoryAuditLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> None:
        with self._lock:
            self._events.append(event)

    def query(self, query: AuditQuery) -> list[AuditEvent]:
        with self._lock:
            found = [e for e in self._events if _matches(e, query)]
        return sorted(found, key=lambda e: (e.at, e.id), reverse=True)[: query.limit]


def _matches(event: AuditEvent, query: AuditQuery) -> bool:
    return (query.actor in (None, event.actor) and query.target in (None, event.target)
            and (query.since is None or event.at >= query.since) and (query.until is None or event.at <= query.until))
