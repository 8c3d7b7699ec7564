"""AuditLog on SQL: the ``audit_events`` table."""

from sqlalchemy import Engine, select

from ragcore.adapters.sql.engine import read, transaction
from ragcore.adapters.sql.identity_schema import AuditEventRow
from ragcore.domain.identity.models import AuditEvent, AuditQuery

_EVENTS = AuditEventRow.__table__


class SqlAuditLog:
    """Append-only audit events; raises Unavailable when the database cannot be reached."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def append(self, event: AuditEvent) -> None:
        with transaction(self._engine) as session:
            session.add(AuditEventRow(id=event.id, at=event.at, actor=event.actor, action=event.action,
                                      target=event.target, request_id=event.request_id, detail=event.detail))

    def query(self, query: AuditQuery) -> list[AuditEvent]:
        statement = select(_EVENTS)
        for column, value in ((_EVENTS.c.actor, query.actor), (_EVENTS.c.target, query.target)):
            if value is not None:
                statement = statement.where(column == value)
        statement = _times(statement, query).order_by(_EVENTS.c.at.desc(), _EVENTS.c.id.desc()).limit(query.limit)
        with read(self._engine) as connection:
            rows = connection.execute(statement).all()
        return [AuditEvent(id=r.id, at=r.at, actor=r.actor, action=r.action, target=r.target,
                           request_id=r.request_id, detail=r.detail) for r in rows]


def _times(statement, query: AuditQuery):
    if query.since is not None:
        statement = statement.where(_EVENTS.c.at >= query.since)
    if query.until is not None:
        statement = statement.where(_EVENTS.c.at <= query.until)
    return statement
