"""/api/v1/users (admin) and /api/v1/keys (one's own keys; admins: anyone's)."""

from litestar import Controller, Request, delete, get, post

from ragcore.app.http.auth.guards import admin_only
from ragcore.app.schemas.identity import KeyCreate, KeyCreated, KeyOut, UserCreate, UserCreated, UserOut
from ragcore.domain.identity.service import IdentityService


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["identity"]
    guards = [admin_only]

    @post("/", sync_to_thread=True)
    def create(self, data: UserCreate, request: Request, users: IdentityService) -> UserCreated:
        """Create a user with a first key (all scopes for an admin, read+write for a member); the token is
        in this response only. 409 "user_exists"; 422 "invalid_user_name", "invalid_role", "weak_password"."""
        user, issued = users.create_user(request.user, data.name, role=data.role, password=data.password)  # type: ignore[arg-type]
        return UserCreated(user=UserOut.of(user), key=KeyCreated.of(issued))

    @get("/", sync_to_thread=True)
    def list_all(self, request: Request, users: IdentityService) -> list[UserOut]:
        return [UserOut.of(u) for u in users.list_users(request.user)]

    @delete("/{name:str}", sync_to_thread=True)
    def remove(self, name: str, request: Request, users: IdentityService) -> None:
        """Delete the user with its keys and grants (its keys answer 401 from now on)."""
        users.delete_user(request.user, name)


class KeyController(Controller):
    path = "/api/v1/keys"
    tags = ["identity"]

    @post("/", sync_to_thread=True)
    def create(self, data: KeyCreate, request: Request, users: IdentityService) -> KeyCreated:
        """A new key (the token is in this response only). Scopes: a subset of the calling key's; "admin"
        only for admin users. 422 "invalid_scopes" / "invalid_expiry"; 403 for another user's key unless admin."""
        return KeyCreated.of(users.create_key(request.user, name=data.name, scopes=data.scopes,
                                              expires_at=data.expires_at, user_name=data.user))

    @get("/", sync_to_thread=True)
    def list_all(self, request: Request, users: IdentityService, user: str | None = None) -> list[KeyOut]:
        """The caller's keys (admins: ``?user=NAME``); hashes and tokens are never shown."""
        return [KeyOut.of(k) for k in users.list_keys(request.user, user)]

    @delete("/{key_id:str}", sync_to_thread=True)
    def revoke(self, key_id: str, request: Request, users: IdentityService) -> None:
        """Revoke a key (one's own; admins: any). 404 "key_not_found" for keys of others."""
        users.revoke_key(request.user, key_id)
