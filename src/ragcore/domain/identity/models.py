"""Identities: users, API keys, collection grants, audit events and the acting principal."""

from datetime import datetime
from typing import Literal

import msgspec

Role = Literal["admin", "member"]
Scope = Literal["read", "write", "admin"]
Permission = Literal["read", "write"]
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")
ROLES: tuple[Role, ...] = ("admin", "member")
PERMISSIONS: tuple[Permission, ...] = ("read", "write")


class User(msgspec.Struct, frozen=True, kw_only=True):
    """A person or service; ``password_hash`` is an argon2 PHC string (None: key-only user)."""

    id: str
    name: str
    role: Role
    created_at: datetime
    password_hash: str | None = None


class ApiKey(msgspec.Struct, frozen=True, kw_only=True):
    """An API key as stored: ``key_hash`` is the sha256 hex of the whole token, never the token.

    ``id`` is the short public id inside the token (``rc_live_<id>_<secret>``).
    """

    id: str
    user_id: str
    name: str
    key_hash: str
    scopes: tuple[Scope, ...]
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class IssuedKey(msgspec.Struct, frozen=True, kw_only=True):
    """A new key with its token: the only time the token is known."""

    key: ApiKey
    token: str


class Grant(msgspec.Struct, frozen=True, kw_only=True):
    """``user_id`` may ``permission`` (read or write) the documents of ``collection_id``."""

    collection_id: str
    user_id: str
    permission: Permission
    created_at: datetime


class AuditEvent(msgspec.Struct, frozen=True, kw_only=True):
    """Who (``actor``: user id, "cli", "local" or "anonymous") did ``action`` to ``target`` at ``at``."""

    id: str
    at: datetime
    actor: str
    action: str
    target: str
    request_id: str = ""
    detail: str = ""


class AuditQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filter of audit events: every given field must match; times are inclusive; newest first."""

    actor: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who acts. ``user`` None with ``unrestricted`` True: the CLI operator or auth disabled.

    ``scopes``: the key's scopes; ``actor``: the audit name; ``request_id``: the HTTP request's id.
    """

    user: User | None
    scopes: frozenset[str]
    actor: str
    key_id: str | None = None
    unrestricted: bool = False
    request_id: str = ""

    @classmethod
    def operator(cls, actor: str = "cli", request_id: str = "") -> "Principal":
        """The local operator (CLI) or every caller when auth is disabled: may do anything."""
        return cls(user=None, scopes=frozenset(SCOPES), actor=actor, unrestricted=True, request_id=request_id)

    @property
    def is_admin(self) -> bool:
        """Unrestricted, or an admin user acting through a key with the ``admin`` scope."""
        return self.unrestricted or (self.user is not None and self.user.role == "admin" and "admin" in self.scopes)

    @property
    def sees_everything(self) -> bool:
        """Unrestricted or an admin user (whatever the key's scopes): sees every collection."""
        return self.unrestricted or (self.user is not None and self.user.role == "admin")
