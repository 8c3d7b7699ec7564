"""IsolatedParser: the Parser port run in a separate, killable process with a wall-time and memory limit.

Parsers are third-party code fed untrusted bytes: a few bytes of Markdown can loop forever, a large
spreadsheet can take tens of GB. The wrapped parser runs in one child process (pebble ``ProcessPool``
with a single worker, started with ``spawn``), reused from document to document so its models load
once. A document that outlives ``timeout_seconds`` or needs more than ``memory_mb`` fails alone
(``parse_timeout``, ``parse_memory_exceeded``); the child is killed and started again for the next one.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import logging
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any

from ragcore.adapters.compute.parse_child import parse_in_child, start_child
from ragcore.domain import errors
from ragcore.domain.errors import IngestionFailed
from ragcore.domain.models import ParsedDocument
from ragcore.domain.ports import Parser

log = logging.getLogger(__name__)


class IsolatedParser:
    """Parser port around ``factory()`` (a picklable callable, e.g. the ``DoclingParser`` class).

    ``timeout_seconds``: wall time allowed per document; ``memory_mb``: the child's address-space
    limit (RLIMIT_AS; it includes the parser's own code and models, ~1.1 GB for Docling);
    ``poll_seconds``: how often ``heartbeat`` runs while a document is parsed.
    """

    def __init__(
        self,
        factory: Callable[[], Parser],
        *,
        timeout_seconds: float = 120.0,
        memory_mb: int = 2048,
        poll_seconds: float = 0.5,
    ) -> None:
        self._factory = factory
        self._timeout = timeout_seconds
        self._memory_mb = memory_mb
        self._poll = poll_seconds
        self._local: Parser | None = None
        self._pool: Any = None
        self._lock = threading.Lock()

    def detect_format(self, data: bytes, filename: str) -> str:
        """The wrapped parser's answer, in this process (sniffing reads a few bytes, never parses)."""
        if self._local is None:
            self._local = self._factory()
        return self._local.detect_format(data, filename)

    def parse(self, data: bytes, filename: str, *, heartbeat: Callable[[], None] | None = None) -> ParsedDocument:
        """The wrapped parser's result, computed in the child process; one document at a time.

        ``heartbeat()`` runs every ``poll_seconds`` while waiting; when it raises (the job was
        cancelled, deleted or its lease lost) the child is killed and the error propagates. Raises the
        wrapped parser's errors, or IngestionFailed(code="parse_timeout" | "parse_memory_exceeded" |
        "parse_crashed").
        """
        with self._lock:  # one child, one document at a time
            future = self._get_pool().schedule(parse_in_child, args=(data, filename), timeout=self._timeout)
            try:
                self._wait(future, heartbeat)
            except BaseException:
                future.cancel()  # pebble terminates the child running it; the pool starts a new one
                raise
        return self._result(future, filename)

    def close(self) -> None:
        """Stop the child process (it is started again on the next parse)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join(timeout=10)

    def _wait(self, future: Any, heartbeat: Callable[[], None] | None) -> None:
        while not future.done():
            try:
                future.result(timeout=self._poll)
            except concurrent.futures.TimeoutError:
                pass
            except BaseException:  # noqa: BLE001 - ended with an error: read by _result
                return
            if heartbeat is not None and not future.done():
                heartbeat()

    def _result(self, future: Any, filename: str) -> ParsedDocument:
        from pebble import ProcessExpired

        try:
            result = future.result()
        except concurrent.futures.TimeoutError as exc:
            raise _timeout(filename, self._timeout) from exc
        except MemoryError as exc:
            raise _memory(filename, self._memory_mb) from exc
        except ProcessExpired as exc:
            log.warning("the parser process died on %r (exit code %s)", filename, exc.exitcode)
            raise IngestionFailed(
                f"{filename!r} made the document parser stop (exit code {exc.exitcode}): the file is "
                "probably damaged or too large to read. Save or export it again, or split it, and re-upload.",
                code="parse_crashed",
            ) from exc
        if isinstance(result, tuple):  # a domain error of the wrapped parser (see parse_child)
            name, message, code = result
            raise getattr(errors, name, errors.RagCoreError)(message, code=code)
        return result

    def _get_pool(self) -> Any:
        from pebble import ProcessPool

        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # never fork a process holding threads and models
            self._pool = ProcessPool(
                max_workers=1, initializer=start_child, initargs=(self._factory, self._memory_mb), context=context
            )
            atexit.register(self.close)
        return self._pool


def _timeout(filename: str, seconds: float) -> IngestionFailed:
    return IngestionFailed(
        f"{filename!r} could not be read within {seconds:g} seconds and was stopped: its content makes the "
        "parser work without end. Convert it to another format (e.g. PDF or plain text) or split it, and "
        "re-upload; an administrator can raise RAGCORE_PARSE_TIMEOUT_SECONDS.",
        code="parse_timeout",
    )


def _memory(filename: str, memory_mb: int) -> IngestionFailed:
    return IngestionFailed(
        f"{filename!r} needs more than {memory_mb} MB of memory to read and was stopped. Split it into "
        "smaller files and re-upload; an administrator can raise RAGCORE_PARSE_MEMORY_MB.",
        code="parse_memory_exceeded",
    )
