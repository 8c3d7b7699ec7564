"""What the app needs for access control: middleware, dependencies, routes, CORS, OpenAPI security, state."""

from dataclasses import dataclass, field
from typing import Any

from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.spec import Components, SecurityScheme

from ragcore.app.http.auth.access import provide_access, provide_principal, provide_users
from ragcore.app.http.auth.guards import admin_only
from ragcore.app.http.auth.middleware import PUBLIC_PATHS, BearerAuthMiddleware
from ragcore.app.http.auth.ratelimit import RateLimits
from ragcore.app.http.controllers.audit import AuditController
from ragcore.app.http.controllers.grants import GrantController
from ragcore.app.http.controllers.users import KeyController, UserController
from ragcore.app.settings import Settings

SCHEME = "BearerApiKey"


@dataclass
class AuthSetup:
    middleware: list = field(default_factory=list)
    dependencies: dict[str, Provide] = field(default_factory=dict)
    route_handlers: list = field(default_factory=list)
    cors: CORSConfig | None = None
    openapi: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    page_guards: list = field(default_factory=list)  # before the web UI's pages and forms


def auth_setup(container: Any, settings: Settings, auth_mode: str) -> AuthSetup:
    """Access control for ``create_app``: ``auth_mode`` "required" or "disabled" (every caller unrestricted)."""
    return AuthSetup(
        middleware=[DefineMiddleware(BearerAuthMiddleware, exclude=PUBLIC_PATHS, exclude_http_methods=["OPTIONS"])],
        dependencies={
            "principal": Provide(provide_principal, sync_to_thread=False),
            "access": Provide(provide_access, sync_to_thread=False),
            "users": Provide(provide_users, sync_to_thread=False),
        },
        route_handlers=[UserController, KeyController, GrantController, AuditController],
        cors=CORSConfig(allow_origins=settings.access.cors_origins, allow_credentials=False,
                        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                        expose_headers=["Retry-After", "WWW-Authenticate"]) if settings.access.cors_origins else None,
        openapi={
            "components": Components(security_schemes={SCHEME: SecurityScheme(
                type="http", scheme="bearer", bearer_format="rc_live_<id>_<secret>",
                description="An API key: Authorization: Bearer rc_live_...")}),
            "security": [{SCHEME: []}],
        },
        state={"auth_mode": auth_mode, "rate_limits": rate_limits(settings)},
        page_guards=[admin_only],  # the pages read every collection: admins only (anyone with auth disabled)
    )


def rate_limits(settings: Settings) -> RateLimits:
    """In memory on one box; in Redis (shared by every API replica) when the job queue is Redis."""
    storage, access = settings.storage, settings.access
    uri = storage.redis_url if settings.queue.jobs == "redis" else "memory://"
    rules = {"search": access.rate_limit_search, "answers": access.rate_limit_answers,
             "upload": access.rate_limit_upload, "auth_failures": access.rate_limit_auth_failures}
    return RateLimits(uri, rules, key_prefix=storage.redis_prefix)
