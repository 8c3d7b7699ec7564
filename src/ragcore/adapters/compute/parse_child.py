"""What runs inside IsolatedParser's child process: build the wrapped parser once, parse one document.

Domain errors cross the process boundary as a plain tuple (pickling an exception keeps its message
but not its ``code``) and are raised again in the parent by ``IsolatedParser``.
"""

from __future__ import annotations

import contextlib
import resource
from collections.abc import Callable

from ragcore.domain.errors import RagCoreError
from ragcore.domain.models import ParsedDocument
from ragcore.domain.ports import Parser

_parser: Parser | None = None


def start_child(factory: Callable[[], Parser], memory_mb: int) -> None:
    """Pool initializer: cap the address space at ``memory_mb`` MB (0: no cap), build the parser and
    warm it up (its ``warm_up()``, if any: not counted in a document's time limit; a failure there is
    raised again by the first parse)."""
    global _parser
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _parser = factory()
    warm_up = getattr(_parser, "warm_up", None)
    if warm_up is not None:
        with contextlib.suppress(Exception):  # e.g. parser_unavailable: each parse reports it
            warm_up()


def parse_in_child(data: bytes, filename: str) -> ParsedDocument | tuple[str, str, str]:
    """The parsed document, or ``(error class name, message, code)`` for a RagCoreError.

    Raises MemoryError when the parse ran out of memory, even if the parser wrapped that error.
    """
    assert _parser is not None, "start_child runs first"
    try:
        return _parser.parse(data, filename)
    except RagCoreError as exc:
        if _caused_by_memory(exc):
            raise MemoryError(str(exc)) from None
        return type(exc).__name__, exc.message, exc.code


def _caused_by_memory(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
