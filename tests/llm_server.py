"""A scripted OpenAI-compatible chat server, run as a real subprocess by the tests (no model weights).

Speaks ``GET /v1/models`` and ``POST /v1/chat/completions`` (plain JSON, or SSE ``data: {...}`` chunks
then ``data: [DONE]`` when ``stream`` is true). Each completion request takes the next scripted reply:
``{"content": str, "chunks": [str] (stream pieces; default: content split after spaces),
"status": int, "error": str, "delay": seconds before answering, "break_after": n (stream: drop the
connection after n chunks)}``. No reply left: HTTP 500. Control: ``POST /_script {"replies": [...]}``
appends, ``POST /_reset`` clears replies and records, ``GET /_requests`` lists the completion requests
received (JSON bodies). Run: ``python -m tests.llm_server`` (from the repository root) prints ``PORT <n>`` and serves.
"""

import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "scripted-model"
STATE = {"replies": [], "requests": []}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        if self.path == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0,
                                                           "owned_by": "tests"}]})
        elif self.path == "/_requests":
            with LOCK:
                self._json(200, list(STATE["requests"]))
        else:
            self._json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
        if self.path == "/_script":
            with LOCK:
                STATE["replies"].extend(body["replies"])
            self._json(200, {"ok": True})
        elif self.path == "/_reset":
            with LOCK:
                STATE["replies"].clear()
                STATE["requests"].clear()
            self._json(200, {"ok": True})
        elif self.path == "/v1/chat/completions":
            self._complete(body)
        else:
            self._json(404, {"error": {"message": f"no route {self.path}"}})

    def _complete(self, body: dict) -> None:
        with LOCK:
            STATE["requests"].append(body)
            reply = STATE["replies"].pop(0) if STATE["replies"] else {"status": 500, "error": "no scripted reply"}
        time.sleep(reply.get("delay", 0))
        status = reply.get("status", 200)
        if status != 200:
            self._json(status, {"error": {"message": reply.get("error", "scripted error"), "type": "scripted"}})
        elif body.get("stream"):
            self._stream(reply)
        else:
            message = {"role": "assistant", "content": reply.get("content", "")}
            self._json(200, {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": MODEL,
                             "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                             "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

    def _stream(self, reply: dict) -> None:
        pieces = reply.get("chunks") or re.findall(r"\S*\s*", reply.get("content", ""))[:-1]
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        self._event({"role": "assistant", "content": ""}, None)
        for n, piece in enumerate(pieces):
            if n == reply.get("break_after"):
                return
            self._event({"content": piece}, None)
        self._event({}, "stop")
        self.wfile.write(b"data: [DONE]\n\n")

    def _event(self, delta: dict, finish: str | None) -> None:
        chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": MODEL,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()

    def _json(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
