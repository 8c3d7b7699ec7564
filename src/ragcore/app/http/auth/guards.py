"""Guards: admin-only routes and per-key rate limits (search, answers, upload)."""

from collections.abc import Callable

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from ragcore.domain.identity.models import Principal
from ragcore.domain.identity.rules import require_admin

Guard = Callable[[ASGIConnection, BaseRouteHandler], None]


def admin_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """403 "forbidden" unless an admin user's key with the ``admin`` scope (or auth disabled)."""
    require_admin(connection.user)


def rate_limited(kind: str) -> Guard:
    """A guard counting one ``kind`` request against the acting key's limit (429 when spent).
    Unrestricted principals (auth disabled) are not limited."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        principal: Principal = connection.user
        if not principal.unrestricted and principal.key_id:
            connection.app.state.rate_limits.hit(kind, principal.key_id)

    return guard
