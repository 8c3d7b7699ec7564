"""The Litestar application: routes, dependencies, problem bodies, OpenAPI at /schema."""

from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig

from ragcore.app.container import Container, build_container
from ragcore.app.http.auth.setup import auth_setup
from ragcore.app.http.controllers.answers import AnswerController
from ragcore.app.http.controllers.collections import CollectionController
from ragcore.app.http.controllers.documents import DocumentController
from ragcore.app.http.controllers.jobs import JobController
from ragcore.app.http.controllers.search import SearchController
from ragcore.app.http.controllers.uploads import UploadController
from ragcore.app.http.deps import DEPENDENCIES
from ragcore.app.http.health import check_ready
from ragcore.app.problems import EXCEPTION_HANDLERS, PROBLEM_JSON
from ragcore.app.worker.runner import Worker


@get("/health", tags=["health"])
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@get("/ready", tags=["health"], sync_to_thread=True)
def ready(state: State) -> Response:
    """Readiness: every adapter answers; 503 with the failing checks otherwise."""
    checks = check_ready(state.container)
    if all(v == "ok" for v in checks.values()):
        return Response({"status": "ready", "checks": checks})
    body = {"type": "urn:ragcore:problem:not_ready", "title": "Service Unavailable", "status": 503,
            "detail": "one or more adapters are unavailable", "code": "not_ready", "checks": checks}
    return Response(body, status_code=503, media_type=PROBLEM_JSON)


def create_app(
    container: Container | None = None, *, run_worker: bool = True, auth_mode: str | None = None
) -> Litestar:
    """The API app; with ``run_worker`` an in-process worker thread runs jobs while the app is up.

    ``auth_mode`` "required" or "disabled"; default ``settings.auth_mode()`` (RAGCORE_AUTH, else by RAGCORE_HOST).
    """
    container = container or build_container()
    settings = container.settings
    auth = auth_setup(container, settings, auth_mode or settings.auth_mode())
    workers: list[Worker] = []

    def start_worker() -> None:
        if run_worker:
            worker = Worker(
                container.services.jobs(), poll_seconds=settings.worker_poll_seconds,
                batch_documents=settings.worker_batch_documents,
                reconcile=container.services.doctor().reconcile_jobs, reconcile_seconds=settings.reconcile_seconds,
            )
            worker.start_thread()
            workers.append(worker)

    def stop_worker() -> None:
        for worker in workers:
            worker.stop_event.set()

    return Litestar(
        route_handlers=[health, ready, CollectionController, UploadController, DocumentController, JobController,
                        SearchController, AnswerController, *auth.route_handlers],
        dependencies=DEPENDENCIES | auth.dependencies,
        middleware=auth.middleware,
        cors_config=auth.cors,
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"container": container, "local_search_cache": settings.local_search_cache, **auth.state}),
        on_startup=[start_worker],
        on_shutdown=[stop_worker],
        openapi_config=OpenAPIConfig(title="ragcore", version="0.1.0", path="/schema", **auth.openapi),
        request_max_body_size=settings.max_upload_bytes * 4,
    )
