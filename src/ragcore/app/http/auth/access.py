"""Collection access in the HTTP layer: each route asks the domain AccessPolicy before its use case runs.

An invisible collection, document or job is the same 404 problem as a missing one; with auth disabled
(the unrestricted principal) nothing is looked up.
"""

from collections.abc import Iterable

import anyio.to_thread
from litestar import Request
from litestar.datastructures import State

from ragcore.domain.errors import Forbidden, NotFound
from ragcore.domain.identity.audit import Auditor
from ragcore.domain.identity.models import Principal
from ragcore.domain.identity.policy import AccessPolicy, Need
from ragcore.domain.identity.service import IdentityService
from ragcore.domain.models import Collection, Document


class HttpAccess:
    def __init__(self, principal: Principal, state: State) -> None:
        self.principal = principal
        self._services = state.container.services
        self.policy: AccessPolicy = state.container.identity.policy()
        self._auditor: Auditor = state.container.identity.auditor()

    @property
    def unrestricted(self) -> bool:
        return self.principal.unrestricted

    def require_scope(self, scope: str) -> None:
        """Raises Forbidden "forbidden" when the acting key lacks ``scope`` (e.g. creating a collection)."""
        if scope not in self.principal.scopes:
            raise Forbidden(f"this key lacks the '{scope}' scope", code="forbidden")

    def collection(self, name: str, need: Need) -> None:
        """Raises NotFound "collection_not_found" (missing or invisible) or Forbidden "forbidden"."""
        if self.unrestricted:
            return
        collection = self._services.collections().get(name)
        self.policy.require(self.principal, collection.id, need, _missing_collection(name))

    async def collection_async(self, name: str, need: Need) -> None:
        """``collection`` off the event loop (it reads the catalog and the grants)."""
        if not self.unrestricted:
            await anyio.to_thread.run_sync(self.collection, name, need)

    def document(self, document_id: str, need: Need) -> None:
        """Raises NotFound "document_not_found" (missing or invisible) or Forbidden "forbidden"."""
        if self.unrestricted:
            return
        document = self._services.documents().get(document_id)
        self.policy.require(self.principal, document.collection_id, need,
                             NotFound(f"document {document_id!r} does not exist", code="document_not_found"))

    def job(self, job_id: str, need: Need) -> None:
        """Raises NotFound "job_not_found" (missing or invisible) or Forbidden "forbidden"."""
        if self.unrestricted:
            return
        job = self._services.jobs().get(job_id)
        self.policy.require(self.principal, job.collection_id, need,
                             NotFound(f"job {job_id!r} does not exist", code="job_not_found"))

    def visible_collections(self, collections: Iterable[Collection]) -> list[Collection]:
        return self.policy.visible(self.principal, collections, lambda c: c.id)

    def visible_documents(self, documents: Iterable[Document]) -> list[Document]:
        return self.policy.visible(self.principal, documents, lambda d: d.collection_id)

    def created(self, collection: Collection) -> None:
        """The acting user owns the new collection; audited."""
        self.policy.created(self.principal, collection.id, collection.name)

    def managed(self, name: str) -> str:
        """The id of a collection the principal manages (owner or admin): delete it, change its grants."""
        self.collection(name, "manage")
        return self._services.collections().get(name).id

    def deleted(self, collection_id: str, name: str) -> None:
        self.policy.deleted(self.principal, collection_id, name)

    def audit(self, action: str, target: str, detail: str = "") -> None:
        """Record ``action`` on ``target`` by the acting principal (e.g. "document.delete")."""
        self._auditor.record(self.principal, action, target, detail=detail)


def _missing_collection(name: str) -> NotFound:
    return NotFound(f"collection {name!r} does not exist", code="collection_not_found")


def provide_principal(request: Request) -> Principal:
    return request.user


def provide_users(state: State) -> IdentityService:
    return state.container.identity.users()


def provide_access(request: Request, state: State) -> HttpAccess:
    return HttpAccess(request.user, state)
