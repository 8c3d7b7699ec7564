"""Browser security of the web UI: CSRF tokens (Litestar's CSRFConfig) and the session cookie.

Rule: a browser's ambient credentials (cookies) are only ever accepted where CSRF is checked. Every
path outside ``/api/`` is checked: the pages' forms (``_csrf_token`` field) and the JSON API mounted
again for the browser under ``/ui/api/v1`` (``x-csrftoken`` header). ``/api/v1`` itself is for
programs (curl, API keys): no cookie session, so it is exempt.

Sign-in (issue 16's identities) plugs in here: ``session_config`` is the cookie a signed-in user
gets (HttpOnly, SameSite=strict); a sign-in route stores the user id in ``request.session``.
"""

import secrets

from litestar.config.csrf import CSRFConfig
from litestar.middleware.session.server_side import ServerSideSessionConfig

CSRF_COOKIE = "ragcore_csrf"
SESSION_COOKIE = "ragcore_session"
PROGRAM_API = r"^/api/"  # programs' API: no cookie credentials, so no CSRF check


def csrf_config(secret: str | None) -> CSRFConfig:
    """CSRF protection of every unsafe request outside ``/api/``; ``secret`` None: a random one (this process)."""
    return CSRFConfig(
        secret=secret or secrets.token_urlsafe(32), cookie_name=CSRF_COOKIE, cookie_httponly=True,
        cookie_samesite="strict", header_name="x-csrftoken", exclude=[PROGRAM_API, "^/schema", "^/static/"],
    )


def session_config(*, secure: bool = False) -> ServerSideSessionConfig:
    """The browser session cookie (HttpOnly, SameSite=strict; ``secure`` behind HTTPS), kept server-side.

    No cookie is set while the session is empty: with auth disabled (loopback) nobody signs in.
    """
    return ServerSideSessionConfig(
        key=SESSION_COOKIE, httponly=True, samesite="strict", secure=secure, exclude=[PROGRAM_API],
    )
