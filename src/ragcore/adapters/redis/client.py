"""Redis connections, driver-error translation and the value encodings shared by the Redis adapters.

Times are stored twice: inside the msgspec JSON record (exact round trip, timezone kept) and as
integer microseconds since the Unix epoch in sorted-set scores and hash fields, which Lua compares
(exact as doubles until the year 2255).
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, ParamSpec, TypeVar

import msgspec
import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from ragcore.domain.errors import Unavailable

SOCKET_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 2.0
HEALTH_CHECK_SECONDS = 15
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_P = ParamSpec("_P")
_R = TypeVar("_R")
_C = TypeVar("_C", bound=type)


def make_redis(url: str) -> redis.Redis:
    """A pooled client for ``url`` (``redis://host:6379/0``, ``rediss://...``, ``unix://...``).

    Bounded socket timeouts, a PING on connections idle for ``HEALTH_CHECK_SECONDS``, and one retry
    on a connection error only: a timed-out script may have run, so it is never sent twice.
    """
    retry = Retry(ExponentialBackoff(cap=0.5, base=0.05), 1, supported_errors=(redis.ConnectionError,))
    return redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, health_check_interval=HEALTH_CHECK_SECONDS,
        retry=retry, retry_on_timeout=False,
    )


@contextmanager
def unavailable_on_redis_errors() -> Iterator[None]:
    """Translate lost connections and timeouts into ``Unavailable(code="redis_unavailable")``."""
    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise Unavailable("Redis is unavailable", code="redis_unavailable") from exc


def _translated(method: Callable[_P, _R]) -> Callable[_P, _R]:
    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with unavailable_on_redis_errors():
            return method(*args, **kwargs)

    return wrapper


def translate_redis_errors(cls: _C) -> _C:
    """Class decorator: every public method raises Unavailable instead of a Redis driver error."""
    for name, value in list(vars(cls).items()):
        if callable(value) and not name.startswith("_"):
            setattr(cls, name, _translated(value))
    return cls


def micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def iso(moment: datetime) -> str:
    """``moment`` exactly as msgspec writes it inside a JSON record."""
    return msgspec.json.encode(moment).decode()[1:-1]


def text(value: Any) -> str:
    """A reply as ``str`` whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else str(value)


def delete_prefix(client: redis.Redis, prefix: str) -> int:
    """Delete every key under ``prefix:`` (SCAN, never KEYS); returns how many were deleted."""
    deleted = 0
    batch: list[Any] = []
    for key in client.scan_iter(match=f"{prefix}:*", count=500):
        batch.append(key)
        if len(batch) == 500:
            deleted += client.unlink(*batch)
            batch = []
    return deleted + (client.unlink(*batch) if batch else 0)
