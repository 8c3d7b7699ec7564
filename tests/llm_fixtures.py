"""Fixtures: the scripted OpenAI-compatible server (tests/llm_server.py) as a subprocess, one per session.

Import ``llm_server`` and ``scripted_llm`` into a conftest; ``scripted_llm`` resets the server first.
"""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


class ScriptedLlm:
    """Client of the scripted server's control endpoints; ``base_url`` ends in ``/v1``."""

    def __init__(self, port: int) -> None:
        self.root = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.root}/v1"

    def script(self, *replies: dict | str) -> None:
        """Queue replies: a string is ``{"content": it}``."""
        items = [{"content": r} if isinstance(r, str) else r for r in replies]
        self._post("/_script", {"replies": items})

    def reset(self) -> None:
        self._post("/_reset", {})

    def requests(self) -> list[dict]:
        """Chat-completion request bodies received since the last reset, oldest first."""
        with urllib.request.urlopen(self.root + "/_requests", timeout=10) as response:
            return json.loads(response.read())

    def _post(self, path: str, payload: dict) -> None:
        request = urllib.request.Request(self.root + path, data=json.dumps(payload).encode(),
                                         headers={"content-type": "application/json"})
        urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture(scope="session")
def llm_server():
    process = subprocess.Popen(  # as a module: tests/http would shadow the stdlib's http package
        [sys.executable, "-m", "tests.llm_server"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"scripted LLM server did not start: {line!r}")
        yield ScriptedLlm(int(line.split()[1]))
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def scripted_llm(llm_server) -> ScriptedLlm:
    llm_server.reset()
    return llm_server
