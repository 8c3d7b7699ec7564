"""The browser tier: the real app (SQLite, embedded Chroma, filesystem blobs, Docling, MiniLM, its in-process
worker) under uvicorn on a free loopback port, driven by Debian's chromium through Playwright.

Never ``playwright install`` (it downloads a browser): the tests launch /usr/bin/chromium, which .ci/run
installs with apt when it is missing. Every request to another host is aborted and fails the test.
"""

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from dependency_injector import providers

from ragcore.app.bootstrap import bootstrap
from ragcore.app.http.app import create_app
from ragcore.app.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).parent / "screenshots"  # git-ignored
WAIT_MS = 30_000  # an ordinary UI step (a search or an answer may wait for the model on a busy machine)
INGEST_MS = 600_000  # Docling and the model on a shared 2-core machine


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def serve(container, *, run_worker: bool = True) -> tuple[str, "callable"]:
    """``container``'s app (with its worker unless not ``run_worker``) under uvicorn on a free port:
    (base URL, stop function)."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(container, run_worker=run_worker)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start under uvicorn")
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=30)

    return f"http://127.0.0.1:{port}", stop


@pytest.fixture(scope="module")
def run_worker() -> bool:
    """Whether the app runs its in-process worker (a module overrides this to keep jobs queued)."""
    return True


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, embedder, parser, llm_server, run_worker):
    """The real app on embedded stores in a temp dir; its language model is the scripted test server."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("e2e"), llm_base_url=llm_server.base_url,
                        llm_model="scripted-model", llm_max_retries=0, job_progress_seconds=0,
                        worker_poll_seconds=0.1)
    container = bootstrap(settings, log_level="WARNING")
    container.compute.embedder.override(providers.Object(embedder))  # one loaded model per session
    container.compute.parser.override(providers.Object(parser))
    url, stop = serve(container, run_worker=run_worker)
    yield url
    stop()


@pytest.fixture
def page(browser, app_url, request):
    """A fresh browser page on the app; external requests are aborted and fail the test; a screenshot of
    the last state is saved as tests/e2e/screenshots/<test name>.png."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(WAIT_MS)
    external: list[str] = []

    def block(route) -> None:
        external.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(app_url) and not url.startswith("data:"), block)
    page = context.new_page()
    page.app_url = app_url
    yield page
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', request.node.name)}.png", full_page=True)
    context.close()
    assert external == [], f"the page asked for other hosts: {external}"
