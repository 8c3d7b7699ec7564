"""Recording audit events: every create, delete, grant, revoke and sign-in failure."""

from ragcore.domain.identity.models import AuditEvent, AuditQuery, Principal
from ragcore.domain.ids import new_id
from ragcore.domain.ports import AuditLog, Clock


class Auditor:
    def __init__(self, *, log: AuditLog, clock: Clock) -> None:
        self._log = log
        self._clock = clock

    def record(self, principal: Principal | None, action: str, target: str, *, detail: str = "",
               request_id: str = "") -> None:
        """Append ``action`` (e.g. "key.create") on ``target`` by ``principal`` (None: anonymous)."""
        actor = principal.actor if principal else "anonymous"
        self._log.append(AuditEvent(
            id=new_id(), at=self._clock.now(), actor=actor, action=action, target=target,
            request_id=request_id or (principal.request_id if principal else ""), detail=detail,
        ))

    def query(self, query: AuditQuery) -> list[AuditEvent]:
        """Newest first, at most ``query.limit`` (1..1000)."""
        return self._log.query(query)
