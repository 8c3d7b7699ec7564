"""GET /api/v1/audit (admin): who created, deleted, granted, revoked, or failed to sign in."""

from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import Parameter

from ragcore.app.http.auth.guards import admin_only
from ragcore.app.schemas.identity import AuditEventOut
from ragcore.domain.errors import Invalid
from ragcore.domain.identity.models import AuditQuery


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["identity"]
    guards = [admin_only]

    @get("/", sync_to_thread=True)
    def list_events(
        self, state: State, actor: str | None = None, target: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
    ) -> list[AuditEventOut]:
        """Events newest first; ``actor`` (user id, "cli", "local", "anonymous"), ``target`` (e.g.
        "collection:manuals", "key:<id>"), ``since``/``until`` (ISO 8601 with a time zone, inclusive)."""
        for value in (since, until):
            if value is not None and value.tzinfo is None:
                raise Invalid("since and until need a time zone, e.g. 2026-12-03T10:00:00Z", code="invalid_time")
        query = AuditQuery(actor=actor, target=target, since=since, until=until, limit=limit)
        return [AuditEventOut.of(e) for e in state.container.identity.auditor().query(query)]
