"""The real app (SQLite, embedded Chroma, filesystem blobs, Docling, MiniLM) in a temp data dir."""

import time
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from ragcore.app.bootstrap import bootstrap
from ragcore.app.http.app import create_app
from ragcore.app.settings import Settings


def make_container(data_dir: Path, embedder, parser, **settings):
    container = bootstrap(Settings(data_dir=data_dir, **settings), log_level="WARNING")
    container.compute.embedder.override(providers.Object(embedder))  # one loaded model per session
    container.compute.parser.override(providers.Object(parser))
    return container


@pytest.fixture
def container(tmp_path, embedder, parser):
    return make_container(tmp_path / "data", embedder, parser)


@pytest.fixture
def client(container):
    with TestClient(app=create_app(container, run_worker=False)) as c:
        c.container = container
        yield c


def run_jobs(client) -> int:
    """Run every due job in this thread (the tests' worker); returns how many ran."""
    jobs = client.container.services.jobs()
    count = 0
    while jobs.run_next("test-worker") is not None:
        count += 1
    return count


def upload(client, collection: str, *files: tuple[str, bytes]):
    return client.post(
        f"/api/v1/collections/{collection}/documents",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
    )


@pytest.fixture
def live_server(container):
    """The app under uvicorn on a free loopback port, with its in-process worker; yields the base URL."""
    import socket
    import threading

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
