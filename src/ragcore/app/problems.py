"""Domain errors -> HTTP status and RFC 9457 problem bodies, in one place."""

from http import HTTPStatus

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from ragcore.domain.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    PayloadTooLarge,
    RagCoreError,
    RateLimited,
    Unauthenticated,
    Unavailable,
)

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger(__name__)

_STATUS: list[tuple[type[RagCoreError], int, str]] = [
    (Unauthenticated, 401, "Unauthorized"),
    (Forbidden, 403, "Forbidden"),
    (RateLimited, 429, "Too Many Requests"),
    (NotFound, 404, "Not Found"),
    (Conflict, 409, "Conflict"),
    (PayloadTooLarge, 413, "Content Too Large"),
    (Invalid, 422, "Unprocessable Content"),
    (Unavailable, 503, "Service Unavailable"),
]


def problem(status: int, title: str, detail: str, code: str, request: Request, *,
            headers: dict[str, str] | None = None, **extra: object) -> Response:
    body = {"type": f"urn:ragcore:problem:{code}", "title": title, "status": status, "detail": detail,
            "instance": request.url.path, "code": code, **extra}
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error(request: Request, exc: RagCoreError) -> Response:
    for cls, status, title in _STATUS:
        if isinstance(exc, cls):
            return problem(status, title, exc.message, exc.code, request, headers=problem_headers(exc))
    return unexpected_error(request, exc)


def problem_headers(exc: RagCoreError) -> dict[str, str] | None:
    """401: how to authenticate (RFC 6750); 429: when to retry, in seconds."""
    if isinstance(exc, Unauthenticated):
        return {"WWW-Authenticate": 'Bearer realm="ragcore"'}
    if isinstance(exc, RateLimited):
        return {"Retry-After": str(exc.retry_after)}
    return None


def problem_body(exc: RagCoreError) -> dict[str, object]:
    """The problem body of a domain error, for places that cannot answer with a status (an SSE event)."""
    status, title = next(((s, t) for cls, s, t in _STATUS if isinstance(exc, cls)), (500, "Internal Server Error"))
    return {"type": f"urn:ragcore:problem:{exc.code}", "title": title, "status": status, "detail": exc.message,
            "code": exc.code}


def http_error(request: Request, exc: HTTPException) -> Response:
    """Litestar's own errors (validation 400, 404 route, 405, 413 body size) as problem bodies."""
    code = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
    extra = {"errors": exc.extra} if exc.extra else {}
    status = exc.status_code
    return problem(status, _title(status), str(exc.detail), code.get(status, "http_error"), request, **extra)


def unexpected_error(request: Request, exc: Exception) -> Response:
    """500 without internals; the stack trace goes to the log."""
    log.error("unhandled_error", path=request.url.path, exc_info=exc)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error",
                   "an unexpected error occurred; it has been logged", "internal_error", request)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


EXCEPTION_HANDLERS = {RagCoreError: domain_error, HTTPException: http_error, Exception: unexpected_error}
