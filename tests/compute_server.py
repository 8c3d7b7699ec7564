"""``python -m ragcore compute serve`` as a real child process, for the remote compute tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ComputeServer:
    """One compute service process on a fixed loopback port; it can be killed and started again there."""

    def __init__(self, log_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 120) -> None:
        """Start the process and wait until GET /health answers 200 (the model is loaded by then)."""
        env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "RAGCORE_LOG_LEVEL": "WARNING"}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ragcore", "compute", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"compute server exited with {self.proc.returncode}: {self.log()}")
            if self.healthy():
                return
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"compute server not healthy after {timeout} s: {self.log()}")

    def healthy(self) -> bool:
        try:
            return httpx.get(self.url + "/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_running(self) -> None:
        if not self.running():
            self.start()

    def kill(self) -> None:
        """SIGKILL: the process dies at once, mid-request if one is in flight."""
        if self.running():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)

    def stop(self) -> None:
        if self.running():
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""


class FlakyProxy:
    """A loopback HTTP proxy to ``target`` that answers 503 to its first ``failures`` requests (every
    request when None) and forwards the others; ``hits`` counts the requests it received."""

    def __init__(self, target: str, failures: int | None = None) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        proxy = self
        self.target, self.failures, self.hits = target, failures, 0
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy._handle(self)

            do_POST = do_GET  # noqa: N815 - the name http.server calls

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FlakyProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, request) -> None:
        body = request.rfile.read(int(request.headers.get("content-length") or 0))
        with self._lock:
            self.hits += 1
            failing = self.failures is None or self.hits <= self.failures
        if failing:
            status, content_type, payload = 503, "application/problem+json", b'{"status": 503, "code": "overloaded"}'
        else:
            headers = {"content-type": request.headers.get("content-type", "application/octet-stream")}
            answer = httpx.request(request.command, self.target + request.path, content=body, headers=headers,
                                   timeout=60)
            status, content_type, payload = answer.status_code, answer.headers["content-type"], answer.content
        request.send_response(status)
        request.send_header("content-type", content_type)
        request.send_header("content-length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)
