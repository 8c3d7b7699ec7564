"""Running a transaction again when the server rolled it back to resolve a conflict with another one."""

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from ragcore.domain.errors import Unavailable

P = ParamSpec("P")
R = TypeVar("R")

ATTEMPTS = 8
_SQLSTATES = {"40001", "40P01"}  # PostgreSQL: serialization failure, deadlock detected
_MYSQL_ERRORS = {1213}  # MySQL/MariaDB: deadlock found (the transaction was rolled back)


def lost_a_conflict(exc: Unavailable) -> bool:
    """True when ``exc`` wraps a deadlock or serialization failure: the server rolled back, retrying is safe."""
    orig = getattr(exc.__cause__, "orig", None)
    if getattr(orig, "sqlstate", None) in _SQLSTATES:
        return True
    args = getattr(orig, "args", None)
    return bool(args) and args[0] in _MYSQL_ERRORS


def retry_conflicts(method: Callable[P, R]) -> Callable[P, R]:
    """Run ``method`` (one whole transaction) again when it lost a deadlock or serialization conflict.

    Raises Unavailable when it still fails after ``ATTEMPTS`` tries, or at once for any other driver error.
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, ATTEMPTS):
            try:
                return method(*args, **kwargs)
            except Unavailable as exc:
                if not lost_a_conflict(exc):
                    raise
            time.sleep(random.uniform(0, 0.005 * 2**attempt))  # jittered backoff, at most 1.3 s in all
        return method(*args, **kwargs)

    return wrapper
