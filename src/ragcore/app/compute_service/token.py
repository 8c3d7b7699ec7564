"""The compute service's shared token: ``Authorization: Bearer <RAGCORE_COMPUTE_TOKEN>``, compared in constant time."""

import hmac
from collections.abc import Callable

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from ragcore.domain.errors import Unauthenticated


def shared_token_guard(token: str) -> Callable[[ASGIConnection, BaseRouteHandler], None]:
    """A guard: 401 "unauthenticated" unless the request carries ``token`` (routes with opt public excepted)."""
    expected = f"Bearer {token}".encode()

    def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        if handler.opt.get("public"):
            return
        sent = connection.headers.get("authorization", "").encode()
        if not hmac.compare_digest(sent, expected):
            raise Unauthenticated("this compute service needs its shared token: Authorization: Bearer ...")

    return guard
