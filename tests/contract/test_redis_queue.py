"""Redis-specific behaviour of RedisJobQueue (and RedisDocumentRepository) beyond the port contracts."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import msgspec
import pytest
import redis
from redis_fixtures import redis_client, redis_url

from ragcore.adapters.redis import RedisDocumentRepository, RedisJobQueue, delete_prefix, make_redis
from ragcore.domain.errors import LeaseLost, NotFound, Unavailable
from ragcore.domain.models import Document, Job

if TYPE_CHECKING:
    from conftest import FakeClock

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return T0


def make(id: str, at: datetime = T0, **changes: object) -> Job:
    job = Job(id=id, document_id="d1", collection_id="c1", status="queued", available_at=at, created_at=at,
              updated_at=at)
    return msgspec.structs.replace(job, **changes)


@pytest.fixture
def env(request: pytest.FixtureRequest, clock: FakeClock) -> tuple[RedisJobQueue, redis.Redis, str]:
    client, prefix = redis_client(request)
    return RedisJobQueue(client, clock, prefix=prefix), client, prefix


def _lease_all(url: str, prefix: str, worker: str, start: multiprocessing.Barrier, out: multiprocessing.Queue) -> None:
    queue = RedisJobQueue(make_redis(url), FixedClock(), prefix=prefix)
    start.wait()
    ids = []
    while (job := queue.lease(worker, 600)) is not None:
        ids.append(job.id)
    out.put((worker, ids))


def test_processes_never_lease_the_same_job(env: tuple[RedisJobQueue, redis.Redis, str]) -> None:
    queue, _, prefix = env
    ids = [f"j{i:03d}" for i in range(200)]
    for n, job_id in enumerate(ids):
        queue.enqueue(make(job_id, T0 - timedelta(seconds=n), priority=n % 3))
    context = multiprocessing.get_context("fork")
    start, out = context.Barrier(4), context.Queue()
    workers = [context.Process(target=_lease_all, args=(redis_url(), prefix, f"w{n}", start, out)) for n in range(4)]
    for process in workers:
        process.start()
    results = dict(out.get(timeout=60) for _ in workers)
    for process in workers:
        process.join(timeout=60)
    assert sorted(i for leased in results.values() for i in leased) == ids
    assert all(queue.get(i).lease_owner == w and queue.get(i).attempts == 1 for w, got in results.items() for i in got)
    assert all(len(got) > 0 for got in results.values())


def test_silent_worker_loses_the_job_after_its_lease(env: tuple, clock: FakeClock) -> None:
    queue, client, prefix = env
    queue.enqueue(make("j1"))
    first = queue.lease("w1", 60)
    clock.advance(30)
    beat = msgspec.structs.replace(first, progress=20, lease_expires_at=clock.now() + timedelta(seconds=60))
    queue.save(beat, "w1")  # heartbeat: now held until T0+90s
    clock.advance(60)
    assert queue.lease("w2", 60) is None
    clock.advance(0.000001)  # w1 stopped beating
    second = queue.lease("w2", 60)
    assert (second.id, second.attempts, second.lease_owner, second.progress) == ("j1", 2, "w2", 20)
    assert [p["consumer"] for p in client.xpending_range(f"{prefix}:jobs:stream:0", "workers", "-", "+", 10)] == [
        "w2"
    ]
    with pytest.raises(LeaseLost):
        queue.save(beat, "w1")


def test_backoff_keeps_the_job_delayed_and_out_of_the_stream(env: tuple, clock: FakeClock) -> None:
    queue, client, prefix = env
    queue.enqueue(make("j1"))
    leased = queue.lease("w1", 60)
    retry_at = clock.now() + timedelta(seconds=4)
    queue.save(msgspec.structs.replace(leased, status="queued", lease_owner=None, lease_expires_at=None,
                                       available_at=retry_at, error_code="unavailable"), "w1")
    assert client.exists(f"{prefix}:jobs:stream:0") == 0  # acked and deleted
    assert client.zrange(f"{prefix}:jobs:delayed", 0, -1) == ["j1"]
    clock.advance(3.9)
    assert queue.lease("w2", 60) is None
    clock.advance(0.1)
    assert queue.lease("w2", 60).attempts == 2


def test_failed_job_is_dead_lettered_with_its_last_error(env: tuple, clock: FakeClock) -> None:
    queue, client, prefix = env
    queue.enqueue(make("j1", max_attempts=1))
    leased = queue.lease("w1", 60)
    failed = msgspec.structs.replace(leased, status="failed", lease_owner=None, lease_expires_at=None,
                                     error_code="compute_unavailable", error_message="embedder down")
    queue.save(failed, "w1")
    assert client.zrange(f"{prefix}:jobs:dead", 0, -1) == ["j1"]
    assert queue.list(status="failed") == [failed]
    clock.advance(3600)
    assert queue.lease("w2", 60) is None
    queue.update(msgspec.structs.replace(failed, status="queued"))  # an operator re-queues it
    assert client.zcard(f"{prefix}:jobs:dead") == 0


def test_purge_counts_and_leaves_no_index_behind(env: tuple, clock: FakeClock) -> None:
    queue, client, prefix = env
    for n, status in enumerate(["succeeded", "failed", "cancelled", "failed", "queued"]):
        queue.enqueue(make(f"j{n}", T0 - timedelta(days=2), status=status))
    queue.enqueue(make("recent", status="succeeded"))
    assert queue.purge_finished(T0 - timedelta(days=1)) == 4
    assert [j.id for j in queue.list()] == ["j4", "recent"]
    assert client.zrange(f"{prefix}:jobs:all", 0, -1) == ["j4", "recent"]
    assert client.zcard(f"{prefix}:jobs:dead") == 0
    assert client.zrange(f"{prefix}:jobs:finished", 0, -1) == ["recent"]
    assert sorted(client.scan_iter(match=f"{prefix}:job:*")) == [f"{prefix}:job:j4", f"{prefix}:job:recent"]


def test_lost_keys_read_as_absent_and_nothing_crashes(env: tuple, clock: FakeClock) -> None:
    queue, client, prefix = env
    for n in range(3):
        queue.enqueue(make(f"j{n}", priority=n))
    held = queue.lease("w1", 60)
    client.delete(f"{prefix}:job:j1")  # a record lost under its stream entry: skipped, entry dropped
    assert queue.lease("w2", 60).id == "j0"
    delete_prefix(client, prefix)
    assert (queue.get(held.id), queue.latest_for_document("d1"), queue.list()) == (None, None, [])
    assert queue.lease("w2", 60) is None
    with pytest.raises(NotFound):
        queue.save(held, "w1")
    assert queue.purge_finished(clock.now() + timedelta(days=1)) == 0
    queue.enqueue(make("again"))
    assert queue.lease("w3", 60).id == "again"


def test_unreachable_redis_raises_unavailable(clock: FakeClock) -> None:
    client = make_redis("redis://127.0.0.1:1/0")
    document = Document(id="d", collection_id="c", filename="f", content_type="pdf", size_bytes=1, sha256="s",
                        blob_key=None, status="queued", created_at=T0, updated_at=T0)
    calls = [lambda: RedisJobQueue(client, clock, "x").lease("w", 60),
             lambda: RedisDocumentRepository(client, "x").add(document)]
    for call in calls:
        with pytest.raises(Unavailable) as caught:
            call()
        assert caught.value.code == "redis_unavailable"
