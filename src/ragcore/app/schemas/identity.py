"""Identity DTOs: users, API keys (the token only in the creation response), grants, audit events."""

from datetime import datetime
from typing import Annotated

import msgspec

from ragcore.domain.identity.models import ApiKey, AuditEvent, Grant, IssuedKey, User
from ragcore.domain.identity.tokens import PREFIX

AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]  # naive times are a 400, never compared


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    role: str = "member"  # admin or member
    password: str | None = None  # 12-1024 characters; stored as an argon2id hash


class UserOut(msgspec.Struct):
    id: str
    name: str
    role: str
    created_at: datetime
    has_password: bool

    @classmethod
    def of(cls, u: User) -> "UserOut":
        return cls(id=u.id, name=u.name, role=u.role, created_at=u.created_at, has_password=u.password_hash is not None)


class KeyCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    scopes: list[str] = msgspec.field(default_factory=lambda: ["read", "write"])
    expires_at: AwareDateTime | None = None
    user: str | None = None  # admins: another user's name; default: the caller


class KeyOut(msgspec.Struct):
    id: str
    prefix: str  # rc_live_<id>: how the key starts, safe to show
    user_id: str
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, k: ApiKey) -> "KeyOut":
        return cls(id=k.id, prefix=f"{PREFIX}{k.id}", user_id=k.user_id, name=k.name, scopes=list(k.scopes),
                   created_at=k.created_at, expires_at=k.expires_at, last_used_at=k.last_used_at,
                   revoked_at=k.revoked_at)


class KeyCreated(msgspec.Struct):
    key: KeyOut
    token: str  # shown once: only its sha256 is stored

    @classmethod
    def of(cls, issued: IssuedKey) -> "KeyCreated":
        return cls(key=KeyOut.of(issued.key), token=issued.token)


class UserCreated(msgspec.Struct):
    user: UserOut
    key: KeyCreated


class GrantSet(msgspec.Struct, forbid_unknown_fields=True):
    user: str
    permission: str  # read or write


class GrantOut(msgspec.Struct):
    collection: str
    user: str
    permission: str
    created_at: datetime

    @classmethod
    def of(cls, collection: str, user: str, g: Grant) -> "GrantOut":
        return cls(collection=collection, user=user, permission=g.permission, created_at=g.created_at)


class AuditEventOut(msgspec.Struct):
    id: str
    at: datetime
    actor: str
    action: str
    target: str
    request_id: str
    detail: str

    @classmethod
    def of(cls, e: AuditEvent) -> "AuditEventOut":
        return cls(id=e.id, at=e.at, actor=e.actor, action=e.action, target=e.target, request_id=e.request_id,
                   detail=e.detail)
