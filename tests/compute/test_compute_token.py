"""The compute service's shared token (RAGCORE_COMPUTE_TOKEN): checked by the service, sent by the client;
without one, a non-loopback bind is refused unless --insecure."""

import socket
import threading
import time

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from ragcore.adapters.compute.http_client import ComputeHttpClient
from ragcore.adapters.compute.remote import HttpEmbedder
from ragcore.app.cli import app
from ragcore.app.compute_service.api import create_compute_app
from ragcore.app.compute_service.runtime import ComputeRuntime

TOKEN = "s3cret-compute-token-of-the-fleet"


@pytest.fixture(scope="module")
def guarded_url(embedder, parser, tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    runtime = ComputeRuntime(embedder=embedder, parser=parser, chunk_size=254, chunk_overlap=0, embed_batch_size=32,
                             model_cache_dir=tmp_path_factory.mktemp("models"))
    api = create_compute_app(runtime, max_upload_bytes=1 << 20, token=TOKEN)
    server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_requests_without_the_token_are_401_problems_health_is_open(guarded_url) -> None:
    body = {"texts": ["hello"], "kind": "query"}
    missing = httpx.post(f"{guarded_url}/embed", json=body)
    wrong = httpx.post(f"{guarded_url}/embed", json=body, headers={"Authorization": f"Bearer {TOKEN}x"})
    assert [(r.status_code, r.json()["code"]) for r in (missing, wrong)] == [(401, "unauthenticated")] * 2
    assert missing.headers["www-authenticate"] == 'Bearer realm="ragcore"'
    assert httpx.get(f"{guarded_url}/health").status_code == 200


def test_the_http_compute_client_sends_the_token(guarded_url, embedder) -> None:
    client = ComputeHttpClient([guarded_url], timeout_seconds=30.0, token=TOKEN, retries=0)
    vector = HttpEmbedder(client).embed_query("bolts and torque")
    assert len(vector) == embedder.dimension


def test_a_public_bind_without_a_token_is_refused(monkeypatch) -> None:
    monkeypatch.delenv("RAGCORE_COMPUTE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["compute", "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to serve compute on 0.0.0.0 without RAGCORE_COMPUTE_TOKEN" in result.output
