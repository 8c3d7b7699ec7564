"""Rate limits with the ``limits`` library: in memory on one box, in Redis when the jobs live there."""

import math
import time

from limits import parse, strategies
from limits.storage import storage_from_string

from ragcore.domain.errors import RateLimited

KINDS = ("search", "answers", "upload", "auth_failures")


class RateLimits:
    """Moving-window limits per (kind, identifier): an API key id, or a client address for auth failures.

    ``rules``: kind -> "N/period" (e.g. "120/minute"); raises RateLimited "rate_limited" with
    ``retry_after`` (whole seconds, at least 1) when a limit is spent.
    """

    def __init__(self, storage_uri: str, rules: dict[str, str], *, key_prefix: str = "ragcore") -> None:
        options = {"key_prefix": f"{key_prefix}:limits"} if storage_uri.startswith("redis") else {}
        self._limiter = strategies.MovingWindowRateLimiter(storage_from_string(storage_uri, **options))
        self._rules = {kind: parse(rule) for kind, rule in rules.items()}

    def hit(self, kind: str, identifier: str) -> None:
        """Count one request; raises RateLimited when it is over the limit."""
        if not self._limiter.hit(self._rules[kind], kind, identifier):
            self._refuse(kind, identifier)

    def check(self, kind: str, identifier: str) -> None:
        """Raise RateLimited when the limit is spent, without counting."""
        if not self._limiter.test(self._rules[kind], kind, identifier):
            self._refuse(kind, identifier)

    def _refuse(self, kind: str, identifier: str) -> None:
        reset_at, _ = self._limiter.get_window_stats(self._rules[kind], kind, identifier)
        wait = max(1, math.ceil(reset_at - time.time()))
        what = "failed authentications from this address" if kind == "auth_failures" else f"{kind} requests"
        raise RateLimited(f"too many {what}; retry in {wait} s", retry_after=wait)
