"""The Litestar application: routes, dependencies, problem bodies, OpenAPI at /schema."""

from litestar import Litestar, Response, get
from litestar.datastructures import State

from ragcore.app.container import Container, build_container
from ragcore.app.http.auth.setup import auth_setup
from ragcore.app.http.controllers.answers import AnswerController
from ragcore.app.http.controllers.collections import CollectionController
from ragcore.app.http.controllers.documents import DocumentController
from ragcore.app.http.controllers.jobs import JobController
from ragcore.app.http.controllers.search import SearchController
from ragcore.app.http.controllers.uploads import UploadController
from ragcore.app.http.deps import DEPENDENCIES
from ragcore.app.http.health import check_ready, ocr_status
from ragcore.app.http.requests import BoundedJsonRequest
from ragcore.app.problems import EXCEPTION_HANDLERS, PROBLEM_JSON
from ragcore.app.web.router import openapi_config, template_config, web_routes
from ragcore.app.web.security import csrf_config
from ragcore.app.worker.pool import worker_for
from ragcore.app.worker.runner import Worker


@get("/health", tags=["health"])
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@get("/ready", tags=["health"], sync_to_thread=True)
def ready(state: State) -> Response:
    """Readiness: every adapter answers; 503 with the failing checks otherwise. ``ocr`` says whether
    scanned pages can be read (optional: it never makes the service unready)."""
    checks, ocr = check_ready(state.container), ocr_status(state.container)
    if all(v == "ok" for v in checks.values()):
        return Response({"status": "ready", "checks": checks, "ocr": ocr})
    body = {"type": "urn:ragcore:problem:not_ready", "title": "Service Unavailable", "status": 503,
            "detail": "one or more adapters are unavailable", "code": "not_ready", "checks": checks, "ocr": ocr}
    return Response(body, status_code=503, media_type=PROBLEM_JSON)


def create_app(
    container: Container | None = None, *, run_worker: bool = True, auth_mode: str | None = None
) -> Litestar:
    """The API app; with ``run_worker`` an in-process worker thread runs jobs while the app is up.

    ``auth_mode`` "required" or "disabled"; default ``settings.auth_mode()`` (RAGCORE_AUTH, else by RAGCORE_HOST).
    """
    container = container or build_container()
    settings = container.settings()
    auth = auth_setup(container, settings, auth_mode or settings.auth_mode())
    workers: list[Worker] = []

    def start_worker() -> None:
        if run_worker:
            worker = worker_for(container)
            worker.start_thread()
            workers.append(worker)

    def stop_worker() -> None:
        for worker in workers:
            worker.stop_event.set()

    api = [CollectionController, UploadController, DocumentController, JobController, SearchController,
           AnswerController]
    return Litestar(
        route_handlers=[health, ready, *api, *auth.route_handlers, *web_routes(api, page_guards=auth.page_guards)],
        dependencies=DEPENDENCIES | auth.dependencies,
        middleware=auth.middleware,
        cors_config=auth.cors,
        exception_handlers=EXCEPTION_HANDLERS,
        request_class=BoundedJsonRequest,
        state=State({"container": container, "local_search_cache": settings.local_search_cache, **auth.state}),
        on_startup=[start_worker],
        on_shutdown=[stop_worker],
        openapi_config=openapi_config(**auth.openapi),
        template_config=template_config(),
        csrf_config=csrf_config(settings.server.web_secret),
        request_max_body_size=settings.server.max_upload_bytes * 4,
    )
