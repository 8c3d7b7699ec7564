"""The one authentication middleware: ``Authorization: Bearer rc_live_...`` -> the acting Principal.

With auth disabled every request acts as the unrestricted local principal. Every failure is a 401
problem body ``unauthenticated`` with ``WWW-Authenticate: Bearer``; failures are counted per client
address and a spent budget answers 429 before the key is even looked at.
"""

import re
from functools import partial

import anyio.to_thread
import structlog
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from ragcore.domain.errors import Unauthenticated
from ragcore.domain.identity.models import Principal
from ragcore.domain.ids import new_id

log = structlog.get_logger(__name__)
# no data behind these: probes, the OpenAPI document, the web UI's and Swagger UI's static files
PUBLIC_PATHS = ["^/health$", "^/ready$", "^/schema", "^/static/"]
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        request_id = _request_id(connection.headers.get("x-request-id"))
        state = connection.app.state
        if state.auth_mode == "disabled":
            return AuthenticationResult(user=Principal.operator("local", request_id), auth=None)
        client = connection.client.host if connection.client else "unknown"
        state.rate_limits.check("auth_failures", client)
        try:
            token = bearer_token(connection.headers.get("authorization"))
            authenticate = partial(state.container.identity.authenticator().authenticate, token,
                                   request_id=request_id, client=client)
            principal = await anyio.to_thread.run_sync(authenticate)
        except Unauthenticated:
            log.info("auth_failure", client=client, request_id=request_id, path=connection.url.path)
            state.rate_limits.hit("auth_failures", client)
            raise
        log.debug("authenticated", key_id=principal.key_id, actor=principal.actor, request_id=request_id)
        return AuthenticationResult(user=principal, auth=principal.key_id)


def bearer_token(header: str | None) -> str:
    """The token of ``Bearer <token>`` (scheme case-insensitive); Unauthenticated when absent or malformed."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("a valid API key is required: Authorization: Bearer rc_live_...")
    return token.strip()


def _request_id(header: str | None) -> str:
    """The caller's X-Request-ID when it is short and plain; a new id otherwise."""
    return header if header and _REQUEST_ID.fullmatch(header) else new_id()
