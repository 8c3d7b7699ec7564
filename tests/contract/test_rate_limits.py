"""Rate limits (the ``limits`` library behind app/http/auth/ratelimit.py) in memory and in Redis."""

import pytest
from redis_fixtures import redis_client, redis_url

from ragcore.app.http.auth.ratelimit import RateLimits
from ragcore.domain.errors import RateLimited

RULES = {"search": "3/minute", "answers": "1/hour", "upload": "5/minute", "auth_failures": "2/minute"}


@pytest.fixture(params=["memory", "redis"])
def limits(request: pytest.FixtureRequest) -> tuple[RateLimits, object]:
    if request.param == "memory":
        return RateLimits("memory://", RULES), None
    client, prefix = redis_client(request)
    return RateLimits(redis_url(), RULES, key_prefix=prefix), (client, prefix)


def test_a_spent_limit_raises_with_a_retry_after_within_the_window(limits) -> None:
    limiter, _ = limits
    for _ in range(3):
        limiter.hit("search", "key-a")
    with pytest.raises(RateLimited) as info:
        limiter.hit("search", "key-a")
    assert (info.value.code, 1 <= info.value.retry_after <= 60) == ("rate_limited", True)
    assert info.value.message == f"too many search requests; retry in {info.value.retry_after} s"


def test_identifiers_and_kinds_have_their_own_budgets(limits) -> None:
    limiter, _ = limits
    limiter.hit("answers", "key-a")
    limiter.hit("answers", "key-b")
    limiter.hit("search", "key-a")
    with pytest.raises(RateLimited) as info:
        limiter.hit("answers", "key-a")
    assert 3540 <= info.value.retry_after <= 3600


def test_check_does_not_count(limits) -> None:
    limiter, _ = limits
    for _ in range(5):
        limiter.check("auth_failures", "10.0.0.1")
    limiter.hit("auth_failures", "10.0.0.1")
    limiter.hit("auth_failures", "10.0.0.1")
    with pytest.raises(RateLimited):
        limiter.check("auth_failures", "10.0.0.1")


def test_redis_counters_live_under_the_deployment_prefix(request: pytest.FixtureRequest) -> None:
    client, prefix = redis_client(request)
    RateLimits(redis_url(), RULES, key_prefix=prefix).hit("upload", "key-z")
    keys = [k if isinstance(k, str) else k.decode() for k in client.keys(f"{prefix}*")]
    assert keys and all(k.startswith(f"{prefix}:limits") for k in keys)
