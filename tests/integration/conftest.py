"""Distributed setup for integration tests: Redis registry and jobs, a ChromaDB server, a SQLite
catalog, shared blobs, and real ``ragcore worker`` processes."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from dependency_injector import providers

from ragcore.adapters.redis import delete_prefix, make_redis
from ragcore.app.bootstrap import bootstrap
from ragcore.app.settings import Settings
from tests.contract.redis_fixtures import redis_url


def _required(reason: str):
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def distributed_env(tmp_path) -> dict[str, str]:
    """RAGCORE_* settings of a distributed setup in tmp_path; Redis keys under a fresh prefix."""
    chroma = os.environ.get("RAGCORE_TEST_CHROMA_URL")
    if not chroma:
        _required("RAGCORE_TEST_CHROMA_URL is not set: no ChromaDB server (.ci/run starts one)")
    prefix = f"ragcore-it:{uuid.uuid4().hex}"
    store_prefix = f"it{uuid.uuid4().hex[:8]}_"  # this test's collections on the shared ChromaDB server
    env = {
        "RAGCORE_DATA_DIR": str(tmp_path / "data"), "RAGCORE_REGISTRY": "redis", "RAGCORE_JOBS": "redis",
        "RAGCORE_REDIS_URL": redis_url(), "RAGCORE_REDIS_PREFIX": prefix, "RAGCORE_VECTOR_STORE": "chroma-http",
        "RAGCORE_CHROMA_URL": chroma, "RAGCORE_WORKER_POLL_SECONDS": "0.2", "RAGCORE_STORE_PREFIX": store_prefix,
        "RAGCORE_LOG_LEVEL": "INFO",
    }
    yield env
    client = make_redis(env["RAGCORE_REDIS_URL"])
    delete_prefix(client, prefix)
    client.close()


def container_for(env: dict[str, str], embedder, parser, **overrides):
    """A container of this test process with the same settings as the workers (session model)."""
    settings = Settings(**{k.removeprefix("RAGCORE_").lower(): v for k, v in env.items()} | overrides)
    container = bootstrap(settings, log_level="WARNING")
    container.compute.embedder.override(providers.Object(embedder))
    container.compute.parser.override(providers.Object(parser))
    return container


class WorkerProcess:
    """``python -m ragcore worker`` as a real child process, its log in ``log_path``."""

    def __init__(self, env: dict[str, str], log_path: Path, *args: str) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        full_env = os.environ | env | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "ragcore", "worker", *args], env=full_env,
                                     stdout=self._log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self._log.close()

    def stop(self, timeout: float = 120) -> int:
        """SIGTERM, then wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
