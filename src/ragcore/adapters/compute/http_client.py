"""ComputeHttpClient: pooled, retrying, load-spreading HTTP client of the compute service replicas.

One call = up to ``retries + 1`` rounds; a round tries every base URL once, starting at the next one in
round-robin order (replicas that just failed go last), and ends at the first answer below 500.
Connection errors, timeouts and 5xx answers move on to the next URL; when a whole round failed, the
client sleeps (exponential backoff with jitter, tenacity) and starts another round. After the last
round it raises Unavailable(code="compute_unavailable"). A 4xx problem body becomes the domain error
the service raised (same code and message), so remote and in-process adapters fail alike.
"""

import itertools
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any, TypeVar

import httpx
import msgspec
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from ragcore.domain.errors import IngestionFailed, Invalid, PayloadTooLarge, RagCoreError, Unavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
UNAVAILABLE = "compute_unavailable"
COOLDOWN_SECONDS = 5.0  # a replica that failed is tried after the others for this long


class _RoundFailed(Exception):
    """Every URL failed in one round; ``reason`` is the last failure."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ComputeHttpClient:
    """Calls ``urls`` (base URLs such as ``http://compute-1:8100``) over one pooled ``httpx.Client``.

    ``timeout_seconds``: per request (connect at most 5 s); ``retries``: extra rounds after the first;
    ``backoff_seconds``: first sleep between rounds, doubled each round up to ``backoff_max_seconds``.
    Thread-safe. Raises ValueError if ``urls`` is empty.
    """

    def __init__(
        self,
        urls: Sequence[str],
        *,
        timeout_seconds: float,
        retries: int,
        backoff_seconds: float = 0.25,
        backoff_max_seconds: float = 4.0,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ) -> None:
        """``token``: the compute service's shared token (RAGCORE_COMPUTE_TOKEN), sent as a bearer."""
        self.urls = [url.strip().rstrip("/") for url in urls if url.strip()]
        if not self.urls:
            raise ValueError("the remote compute adapter needs at least one URL (RAGCORE_COMPUTE_URLS)")
        self.rounds = retries + 1
        timeout = httpx.Timeout(timeout_seconds, connect=min(5.0, timeout_seconds))
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
        auth = {"Authorization": f"Bearer {token}"} if token else None
        self._http = httpx.Client(timeout=timeout, limits=limits, transport=transport, headers=auth)
        self._retrying = Retrying(
            stop=stop_after_attempt(self.rounds), retry=retry_if_exception_type(_RoundFailed), reraise=True,
            wait=wait_exponential_jitter(initial=backoff_seconds, max=backoff_max_seconds, jitter=backoff_seconds),
            before_sleep=lambda state: log.warning("compute call failed, retrying: %s", state.outcome.exception()),
        )
        self._turn = itertools.count()
        self._failed_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def call(self, method: str, path: str, response_type: type[T], *, body: Any = None, files: Any = None) -> T:
        """Send ``body`` (a msgspec Struct, as JSON) or ``files`` (multipart); decode the answer.

        Raises IngestionFailed/Invalid/PayloadTooLarge as the service did, Unavailable("compute_unavailable")
        when no replica answered below 500 in any round or an answer could not be decoded.
        """
        content = msgspec.json.encode(body) if body is not None else None
        try:
            response = self._retrying.copy()(self._round, method, path, content, files)  # state per call
        except _RoundFailed as exc:  # the URLs and the cause go to the log, not to API clients
            log.error("compute unavailable: %s %s failed %d rounds over %s; last error: %s",
                      method, path, self.rounds, ", ".join(self.urls), exc.reason)
            message = f"the compute service is unavailable: {method} {path} failed on all {len(self.urls)} " \
                      f"URL(s) in {self.rounds} rounds (last: {_kind(exc.reason)})"
            raise Unavailable(message, code=UNAVAILABLE) from None
        try:
            return msgspec.json.decode(response.content, type=response_type)
        except msgspec.MsgspecError as exc:
            log.error("compute answer of %s is unreadable: %s", response.url, exc)
            raise Unavailable(f"the compute service answered {path} with an unreadable body", code=UNAVAILABLE) from exc

    def close(self) -> None:
        """Close the pooled connections."""
        self._http.close()

    def _round(self, method: str, path: str, content: bytes | None, files: Any) -> httpx.Response:
        reason = ""
        headers = {"content-type": "application/json"} if content is not None else None
        for url in self._order():
            try:
                response = self._http.request(method, url + path, content=content, files=files, headers=headers)
            except httpx.TransportError as exc:  # refused, reset, timed out, closed mid-answer
                reason = f"{url}: {type(exc).__name__}: {exc}"
            else:
                if response.status_code < 500:
                    self._mark(url, ok=True)
                    if response.status_code >= 400:
                        raise _domain_error(response)
                    return response
                reason = f"{url}: HTTP {response.status_code}: {response.text[:200]}"
            self._mark(url, ok=False)
        raise _RoundFailed(reason)

    def _order(self) -> list[str]:
        """URLs from the next round-robin position; those that failed recently go last."""
        start = next(self._turn) % len(self.urls)
        rotated = self.urls[start:] + self.urls[:start]
        now = time.monotonic()
        with self._lock:
            cooling = {u for u, t in self._failed_at.items() if now - t < COOLDOWN_SECONDS}
        return [u for u in rotated if u not in cooling] + [u for u in rotated if u in cooling]

    def _mark(self, url: str, *, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failed_at.pop(url, None)
            else:
                self._failed_at[url] = time.monotonic()


def _domain_error(response: httpx.Response) -> RagCoreError:
    """The domain error of a 4xx RFC 9457 problem body (``code``, ``detail``, ``kind``)."""
    try:
        problem = msgspec.json.decode(response.content)
    except msgspec.MsgspecError:
        problem = {}
    problem = problem if isinstance(problem, dict) else {}
    code = str(problem.get("code") or "invalid")
    message = str(problem.get("detail") or response.text[:200] or f"HTTP {response.status_code}")
    if problem.get("kind") == "ingestion_failed":
        return IngestionFailed(message, code=code)
    if response.status_code == 413:
        return PayloadTooLarge(message, code=code)
    if response.status_code in (400, 422):
        return Invalid(message, code=code)
    log.error("compute answered %s with HTTP %d: %s", response.url, response.status_code, message)
    return Unavailable(f"the compute service answered {response.url.path} with HTTP {response.status_code}",
                       code=UNAVAILABLE)


def _kind(reason: str) -> str:
    """"ConnectError" or "HTTP 503" out of "<url>: ConnectError: ..." / "<url>: HTTP 503: ..."."""
    parts = reason.split(": ")
    return parts[1] if len(parts) > 1 else reason
