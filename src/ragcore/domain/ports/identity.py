"""Ports of identities: users and API keys, collection owners and grants, the audit log, password hashing.

Every method may raise Unavailable when its backend cannot be reached. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ragcore.domain.identity.models import ApiKey, AuditEvent, AuditQuery, Grant, User


class IdentityStore(Protocol):
    """Users and their API keys (hashes only)."""

    def add_user(self, user: User) -> None:
        """Insert; raises Conflict(code="user_exists") if the name is taken (exact, case-sensitive)."""
        ...

    def get_user(self, user_id: str) -> User | None: ...

    def get_user_by_name(self, name: str) -> User | None: ...

    def list_users(self) -> list[User]:
        """Every user, ordered by name (code-point order)."""
        ...

    def remove_user(self, user_id: str) -> None:
        """Delete the user with its keys and grants; no error when absent."""
        ...

    def add_key(self, key: ApiKey) -> None:
        """Insert; raises Conflict(code="key_exists") if the id is taken."""
        ...

    def get_key(self, key_id: str) -> ApiKey | None: ...

    def list_keys(self, user_id: str | None = None) -> list[ApiKey]:
        """Keys (of one user, or all), oldest first."""
        ...

    def revoke_key(self, key_id: str, at: datetime) -> ApiKey | None:
        """Set ``revoked_at`` (kept if already set); returns the key, None when absent."""
        ...

    def touch_key(self, key_id: str, at: datetime) -> None:
        """Set ``last_used_at``; no error when absent."""
        ...


class AccessStore(Protocol):
    """Who owns each collection, and the grants of other users."""

    def set_owner(self, collection_id: str, user_id: str) -> None:
        """Record (or replace) the owner."""
        ...

    def owner(self, collection_id: str) -> str | None: ...

    def put_grant(self, grant: Grant) -> None:
        """Insert or replace the grant of (collection_id, user_id)."""
        ...

    def remove_grant(self, collection_id: str, user_id: str) -> bool:
        """Delete; True if there was one."""
        ...

    def grants(self, *, collection_id: str | None = None, user_id: str | None = None) -> list[Grant]:
        """Grants matching every given filter, ordered by (collection_id, user_id)."""
        ...

    def forget_collection(self, collection_id: str) -> None:
        """Remove the owner and every grant of a deleted collection."""
        ...

    def accessible(self, user_id: str) -> dict[str, str]:
        """collection id -> "owner", "write" or "read" for every collection ``user_id`` owns or was granted."""
        ...


class AuditLog(Protocol):
    def append(self, event: AuditEvent) -> None: ...

    def query(self, query: AuditQuery) -> list[AuditEvent]:
        """Events matching ``query``, newest first, at most ``query.limit``."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str:
        """A self-describing hash string (argon2 PHC format)."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches; False otherwise (never raises for a wrong password)."""
        ...
