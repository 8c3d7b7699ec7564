"""The web UI's part of the Litestar app: pages and forms at ``/``, its static files, the JSON API mounted
again for the browser under ``/ui`` (CSRF-checked, see security.py), templates, and the API docs at
``/schema`` rendered by Swagger UI from the installed ``swagger-ui-py`` package (no CDN)."""

from pathlib import Path
from typing import Any

import swagger_ui
from litestar import Router
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.types import ControllerRouterHandler, Guard

from ragcore.app.web.forms import FormController
from ragcore.app.web.pages import PageController
from ragcore.app.web.views import FILTERS, error_page
from ragcore.domain.errors import RagCoreError

HERE = Path(__file__).parent
SWAGGER_ASSETS = Path(swagger_ui.__file__).parent / "static"
UI_PREFIX = "/ui"  # the browser's copy of /api/v1: /ui/api/v1/...


def web_routes(
    api_controllers: list[ControllerRouterHandler], *, page_guards: list[Guard] | None = None
) -> list[ControllerRouterHandler]:
    """Pages, forms, static files, and ``api_controllers`` mounted under ``/ui`` for the browser.

    ``page_guards`` run before every page and form: they call the services without per-collection
    access checks, so with auth required only an admin may use them (until sign-in, issue 16)."""
    handlers = {RagCoreError: error_page, HTTPException: error_page}
    return [
        Router(path="/", route_handlers=[PageController, FormController], exception_handlers=handlers,
               guards=page_guards or []),
        Router(path=UI_PREFIX, route_handlers=api_controllers, include_in_schema=False),
        create_static_files_router(path="/static/ui", directories=[HERE / "static"], include_in_schema=False),
        create_static_files_router(path="/static/swagger-ui", directories=[SWAGGER_ASSETS], include_in_schema=False),
    ]


def template_config() -> TemplateConfig:
    """Jinja templates of the package with the UI's filters (highlight, size, pages)."""
    def add_filters(engine: JinjaTemplateEngine) -> None:
        engine.engine.filters.update(FILTERS)

    return TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine, engine_callback=add_filters)


def openapi_config(**extra: Any) -> OpenAPIConfig:
    """OpenAPI at /schema (and /schema/swagger) with Swagger UI's files served by this app; ``extra``:
    more OpenAPIConfig fields (the API key's security scheme)."""
    assets = "/static/swagger-ui"
    swagger = SwaggerRenderPlugin(
        js_url=f"{assets}/swagger-ui-bundle.js", css_url=f"{assets}/swagger-ui.css",
        standalone_preset_js_url=f"{assets}/swagger-ui-standalone-preset.js", path=["/", "/swagger"],
        favicon=f"<link rel='icon' type='image/png' href='{assets}/favicon-32x32.png'>",
    )
    return OpenAPIConfig(title="ragcore", version="0.1.0", path="/schema", render_plugins=[swagger], **extra)
