"""Collection access: owners and grants decide what a principal sees and may change.

A collection the principal may not see raises the caller's NotFound, exactly as if it did not exist;
one it may see but not change raises Forbidden "forbidden". Needs: "read" (search, list, get),
"write" (upload, delete documents, job control) and "manage" (delete the collection, grants).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypeVar

from ragcore.domain.errors import Forbidden, Invalid, NotFound
from ragcore.domain.identity.audit import Auditor
from ragcore.domain.identity.models import PERMISSIONS, Grant, Principal, User
from ragcore.domain.ports import AccessStore, Clock

Need = Literal["read", "write", "manage"]
_RANK = {"read": 1, "write": 2, "owner": 3}
_NEEDED = {"read": 1, "write": 2, "manage": 3}
T = TypeVar("T")


class AccessPolicy:
    def __init__(self, *, access: AccessStore, auditor: Auditor, clock: Clock) -> None:
        self._access = access
        self._auditor = auditor
        self._clock = clock

    def level(self, principal: Principal, collection_id: str) -> str | None:
        """"owner", "write", "read" or None (invisible)."""
        if principal.sees_everything:
            return "owner"
        assert principal.user is not None
        if self._access.owner(collection_id) == principal.user.id:
            return "owner"
        grant = next(iter(self._access.grants(collection_id=collection_id, user_id=principal.user.id)), None)
        return grant.permission if grant else None

    def require(self, principal: Principal, collection_id: str, need: Need, missing: NotFound) -> None:
        """Raises ``missing`` when the collection is invisible to ``principal``; Forbidden "forbidden" when
        its level or its key's scopes are below ``need``."""
        if principal.unrestricted:
            return
        level = self.level(principal, collection_id)
        if level is None:
            raise missing
        scope = "read" if need == "read" else "write"
        if scope not in principal.scopes:
            raise Forbidden(f"this key lacks the '{scope}' scope", code="forbidden")
        if _RANK[level] < _NEEDED[need]:
            raise Forbidden(f"you may not {need} this collection (your access: {level})", code="forbidden")

    def visible(self, principal: Principal, items: Iterable[T], collection_id_of) -> list[T]:
        """The ``items`` whose collection (``collection_id_of(item)``) the principal may read."""
        if principal.sees_everything:
            return list(items)
        if "read" not in principal.scopes:
            return []
        assert principal.user is not None
        allowed = self._access.accessible(principal.user.id)
        return [item for item in items if collection_id_of(item) in allowed]

    def created(self, principal: Principal, collection_id: str, name: str) -> None:
        """Record a new collection's owner (the acting user) and audit it."""
        if principal.user is not None:
            self._access.set_owner(collection_id, principal.user.id)
        self._auditor.record(principal, "collection.create", f"collection:{name}")

    def deleted(self, principal: Principal, collection_id: str, name: str) -> None:
        """Forget a deleted collection's owner and grants, and audit it."""
        self._access.forget_collection(collection_id)
        self._auditor.record(principal, "collection.delete", f"collection:{name}")

    def grant(self, principal: Principal, collection_id: str, name: str, user: User, permission: str) -> Grant:
        """Give ``user`` read or write access (the caller must manage the collection; checked by the caller).
        Raises Invalid "invalid_permission", Conflict-free: replaces an existing grant."""
        if permission not in PERMISSIONS:
            raise Invalid(f"permission must be one of {', '.join(PERMISSIONS)}", code="invalid_permission")
        grant = Grant(collection_id=collection_id, user_id=user.id, permission=permission,  # type: ignore[arg-type]
                      created_at=self._clock.now())
        self._access.put_grant(grant)
        self._auditor.record(principal, "grant.add", f"collection:{name}", detail=f"user:{user.name} {permission}")
        return grant

    def revoke(self, principal: Principal, collection_id: str, name: str, user: User) -> None:
        """Remove ``user``'s grant; raises NotFound "grant_not_found" when there is none."""
        if not self._access.remove_grant(collection_id, user.id):
            raise NotFound(f"user {user.name!r} has no grant on {name!r}", code="grant_not_found")
        self._auditor.record(principal, "grant.remove", f"collection:{name}", detail=f"user:{user.name}")

    def grants(self, collection_id: str) -> list[Grant]:
        return self._access.grants(collection_id=collection_id)
