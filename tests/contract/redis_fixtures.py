"""Builders of the Redis adapters for the contract fixtures: one unique key prefix per test.

The server comes from ``RAGCORE_TEST_REDIS_URL`` (else ``RAGCORE_REDIS_URL``, else the local default).
An unreachable server skips the test, except on CI (env ``CI`` set) where it fails. Each test's keys
are deleted (SCAN + UNLINK of its prefix) when it ends.
"""

import os
import uuid

import pytest
import redis

from ragcore.adapters.redis import RedisDocumentRepository, RedisJobQueue, delete_prefix, make_redis
from ragcore.domain.ports import Clock

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def redis_url() -> str:
    return os.environ.get("RAGCORE_TEST_REDIS_URL") or os.environ.get("RAGCORE_REDIS_URL") or DEFAULT_URL


def redis_client(request: pytest.FixtureRequest) -> tuple[redis.Redis, str]:
    """A reachable client and a fresh prefix whose keys are deleted after the test."""
    url = redis_url()
    client = make_redis(url)
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        client.close()
        reason = f"Redis at {url} is unreachable ({exc}); set RAGCORE_TEST_REDIS_URL to run the Redis tests"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    prefix = f"ragcore-test:{uuid.uuid4().hex}"

    def cleanup() -> None:
        delete_prefix(client, prefix)
        client.close()

    request.addfinalizer(cleanup)
    return client, prefix


def redis_documents(request: pytest.FixtureRequest) -> RedisDocumentRepository:
    client, prefix = redis_client(request)
    return RedisDocumentRepository(client, prefix=prefix)


def redis_jobs(request: pytest.FixtureRequest, clock: Clock) -> RedisJobQueue:
    client, prefix = redis_client(request)
    return RedisJobQueue(client, clock, prefix=prefix)
