"""A ``ragcore serve --no-worker`` process on a free loopback port, for the benchmarks."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping

import httpx


@contextlib.contextmanager
def start_server(env: Mapping[str, str]) -> Iterator[str]:
    """Yields the base URL once /health answers; ``env``: extra environment (RAGCORE_* settings).

    Raises SystemExit if the server does not come up within 120 s; the process is terminated on exit.
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    full = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "RAGCORE_LOG_LEVEL": "WARNING"} | env
    command = [sys.executable, "-m", "ragcore", "serve", "--no-worker", "--port", str(port)]
    proc = subprocess.Popen(command, env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(proc, url)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def _wait(proc: subprocess.Popen, url: str) -> None:
    for _ in range(600):
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            break
    raise SystemExit("the ragcore server did not start")
