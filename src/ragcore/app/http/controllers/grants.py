"""/api/v1/collections/{name}/grants: who else may read or write a collection (its owner and admins)."""

from litestar import Controller, delete, get, put

from ragcore.app.http.auth.access import HttpAccess
from ragcore.app.schemas.identity import GrantOut, GrantSet
from ragcore.domain.identity.models import Principal
from ragcore.domain.identity.service import IdentityService


class GrantController(Controller):
    path = "/api/v1/collections/{name:str}/grants"
    tags = ["identity"]

    @get("/", sync_to_thread=True)
    def list_all(self, name: str, access: HttpAccess, users: IdentityService) -> list[GrantOut]:
        """The grants of a collection (needs owner or admin: 403 "forbidden" for grantees)."""
        collection_id = access.managed(name)
        names = {u.id: u.name for u in users.list_users(Principal.operator())}
        return [GrantOut.of(name, names.get(g.user_id, g.user_id), g) for g in access.policy.grants(collection_id)]

    @put("/", sync_to_thread=True)
    def put_grant(self, name: str, data: GrantSet, access: HttpAccess, users: IdentityService) -> GrantOut:
        """Give ``user`` read or write access (replaces an earlier grant). 404 "user_not_found";
        422 "invalid_permission"."""
        collection_id = access.managed(name)
        user = users.user(data.user)
        return GrantOut.of(name, user.name, access.policy.grant(access.principal, collection_id, name, user,
                                                                 data.permission))

    @delete("/{user:str}", sync_to_thread=True)
    def remove(self, name: str, user: str, access: HttpAccess, users: IdentityService) -> None:
        """Remove ``user``'s grant; 404 "grant_not_found" when there is none."""
        collection_id = access.managed(name)
        access.policy.revoke(access.principal, collection_id, name, users.user(user))
