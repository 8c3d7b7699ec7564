"""Identity use cases: users (admin only) and API keys (one's own; an admin's for anyone)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ragcore.domain.errors import Forbidden, Invalid, NotFound
from ragcore.domain.identity.audit import Auditor
from ragcore.domain.identity.models import ROLES, SCOPES, ApiKey, IssuedKey, Principal, Role, User
from ragcore.domain.identity.rules import require_admin, validate_key_name, validate_password, validate_user_name
from ragcore.domain.identity.tokens import new_token, token_hash
from ragcore.domain.ids import new_id
from ragcore.domain.ports import Clock, IdentityStore, PasswordHasher

DEFAULT_SCOPES: dict[str, tuple[str, ...]] = {"admin": SCOPES, "member": ("read", "write")}


class IdentityService:
    def __init__(self, *, identities: IdentityStore, hasher: PasswordHasher, auditor: Auditor, clock: Clock) -> None:
        self._identities = identities
        self._hasher = hasher
        self._auditor = auditor
        self._clock = clock

    def create_user(self, actor: Principal, name: str, *, role: Role = "member",
                    password: str | None = None) -> tuple[User, IssuedKey]:
        """A new user and its first key (scopes: all for an admin, read+write for a member).

        Raises Forbidden unless ``actor`` is an admin; Invalid "invalid_user_name", "invalid_role",
        "weak_password"; Conflict "user_exists".
        """
        require_admin(actor)
        validate_user_name(name)
        if role not in ROLES:
            raise Invalid(f"role must be one of {', '.join(ROLES)}", code="invalid_role")
        password_hash = None if password is None else self._hasher.hash(validate_password(password))
        user = User(id=new_id(), name=name, role=role, created_at=self._clock.now(), password_hash=password_hash)
        self._identities.add_user(user)
        self._auditor.record(actor, "user.create", f"user:{name}", detail=role)
        return user, self._issue(actor, user, "default", DEFAULT_SCOPES[role], None)

    def list_users(self, actor: Principal) -> list[User]:
        require_admin(actor)
        return self._identities.list_users()

    def delete_user(self, actor: Principal, name: str) -> None:
        """Delete a user with its keys and grants; its keys fail from now on. Raises NotFound "user_not_found"."""
        require_admin(actor)
        user = self.user(name)
        self._identities.remove_user(user.id)
        self._auditor.record(actor, "user.delete", f"user:{name}")

    def user(self, name: str) -> User:
        """Raises NotFound(code="user_not_found")."""
        user = self._identities.get_user_by_name(name)
        if user is None:
            raise NotFound(f"user {name!r} does not exist", code="user_not_found")
        return user

    def verify_password(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs; None otherwise (also for unknown users)."""
        user = self._identities.get_user_by_name(name)
        if user is None or user.password_hash is None:
            return None
        return user if self._hasher.verify(user.password_hash, password) else None

    def create_key(self, actor: Principal, *, name: str, scopes: Iterable[str], expires_at: datetime | None = None,
                   user_name: str | None = None) -> IssuedKey:
        """A key for ``user_name`` (default: the actor's own user). Scopes must be a subset of the actor's
        key's scopes, and "admin" needs an admin user. Raises Invalid "invalid_scopes" / "invalid_expiry",
        Forbidden, NotFound "user_not_found"."""
        user = self._owner_for(actor, user_name)
        wanted = _checked_scopes(scopes, actor, user)
        if expires_at is not None and expires_at <= self._clock.now():
            raise Invalid("expires_at must be in the future", code="invalid_expiry")
        return self._issue(actor, user, validate_key_name(name), wanted, expires_at)

    def list_keys(self, actor: Principal, user_name: str | None = None) -> list[ApiKey]:
        """Keys of ``user_name`` (default: the actor's own; every key for an unrestricted actor)."""
        if user_name is None and actor.user is None:
            return self._identities.list_keys()
        return self._identities.list_keys(self._owner_for(actor, user_name).id)

    def revoke_key(self, actor: Principal, key_id: str) -> ApiKey:
        """Revoke one's own key (admins: any key). Raises NotFound "key_not_found" for others' keys too."""
        key = self._identities.get_key(key_id)
        if key is None or not (actor.is_admin or (actor.user and actor.user.id == key.user_id)):
            raise NotFound(f"key {key_id!r} does not exist", code="key_not_found")
        revoked = self._identities.revoke_key(key_id, self._clock.now()) or key
        self._auditor.record(actor, "key.revoke", f"key:{key_id}")
        return revoked

    def _owner_for(self, actor: Principal, user_name: str | None) -> User:
        if user_name is None:
            if actor.user is None:
                raise Invalid("name the user the key is for", code="user_required")
            return actor.user
        if actor.user is not None and actor.user.name == user_name:
            return actor.user
        require_admin(actor)
        return self.user(user_name)

    def _issue(self, actor: Principal, user: User, name: str, scopes: Iterable[str],
               expires_at: datetime | None) -> IssuedKey:
        key_id, token = new_token()
        key = ApiKey(id=key_id, user_id=user.id, name=name, key_hash=token_hash(token), scopes=tuple(scopes),
                     created_at=self._clock.now(), expires_at=expires_at)
        self._identities.add_key(key)
        self._auditor.record(actor, "key.create", f"key:{key_id}", detail=f"user:{user.name}")
        return IssuedKey(key=key, token=token)


def _checked_scopes(scopes: Iterable[str], actor: Principal, user: User) -> tuple[str, ...]:
    wanted = tuple(s for s in SCOPES if s in set(scopes))
    if not wanted or set(scopes) - set(SCOPES):
        raise Invalid(f"scopes must be a non-empty subset of {', '.join(SCOPES)}", code="invalid_scopes")
    if "admin" in wanted and user.role != "admin":
        raise Forbidden("only admin users may hold admin-scoped keys", code="forbidden")
    if not set(wanted) <= actor.scopes:
        raise Forbidden("a key cannot create a key with scopes it does not have", code="forbidden")
    return wanted
