"""Contract of JobQueue, run against every adapter; time comes from the fake clock."""

from __future__ import annotations

import threading
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

import msgspec
import pytest

from ragcore.domain.errors import NotFound
from ragcore.domain.models import Job
from ragcore.domain.ports import JobQueue

if TYPE_CHECKING:  # the fixture provides it; conftest modules are not imported by name
    from conftest import FakeClock


def make(clock: FakeClock, id: str, document_id: str = "d1", seconds: float = 0, **changes: object) -> Job:
    at = clock.now() + timedelta(seconds=seconds)
    job = Job(
        id=id, document_id=document_id, collection_id="c1", status="queued",
        available_at=at, created_at=at, updated_at=at,
    )
    return msgspec.structs.replace(job, **changes)


def test_enqueue_then_get_returns_equal_job(jobs: JobQueue, clock: FakeClock) -> None:
    job = make(clock, "j1", error_code="x", error_message="boom", progress=40, stage="embedding 3/9 chunks")
    jobs.enqueue(job)
    assert jobs.get("j1") == job
    assert jobs.get("j1").available_at.tzinfo == UTC


def test_get_unknown_returns_none(jobs: JobQueue) -> None:
    assert jobs.get("missing") is None


def test_lease_of_empty_queue_returns_none(jobs: JobQueue) -> None:
    assert jobs.lease("w1", 60) is None


def test_lease_claims_job_and_increments_attempts(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1", attempts=1))
    clock.advance(5)
    leased = jobs.lease("w1", 60)
    expected = msgspec.structs.replace(
        make(clock, "j1", seconds=-5), status="running", attempts=2, lease_owner="w1",
        lease_expires_at=clock.now() + timedelta(seconds=60), updated_at=clock.now(),
    )
    assert leased == expected
    assert jobs.get("j1") == expected
    assert jobs.lease("w2", 60) is None


def test_lease_takes_the_earliest_available_first(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "later", seconds=-1))
    jobs.enqueue(make(clock, "earlier", seconds=-2))
    assert [jobs.lease("w", 60).id, jobs.lease("w", 60).id] == ["earlier", "later"]


def test_job_not_yet_available_is_not_leased(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1", available_at=clock.now() + timedelta(seconds=30)))
    assert jobs.lease("w1", 60) is None
    clock.advance(30)
    assert jobs.lease("w1", 60).id == "j1"


def test_running_job_with_live_lease_is_not_leased(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    jobs.lease("w1", 60)
    clock.advance(60)  # expiry is exclusive: at exactly lease_expires_at it is still held
    assert jobs.lease("w2", 60) is None


def test_running_job_with_expired_lease_is_leased_again(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    jobs.lease("w1", 60)
    clock.advance(61)
    again = jobs.lease("w2", 60)
    assert (again.id, again.attempts, again.lease_owner) == ("j1", 2, "w2")
    assert again.lease_expires_at == clock.now() + timedelta(seconds=60)


def test_finished_jobs_are_never_leased(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "done", status="succeeded"))
    jobs.enqueue(make(clock, "dead", status="failed"))
    clock.advance(3600)
    assert jobs.lease("w1", 60) is None


def test_save_replaces_every_field(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    leased = jobs.lease("w1", 60)
    done = msgspec.structs.replace(
        leased, status="succeeded", progress=100, stage="done", lease_owner=None, lease_expires_at=None,
        updated_at=clock.now() + timedelta(seconds=9),
    )
    jobs.save(done)
    assert jobs.get("j1") == done


def test_save_unknown_raises_not_found(jobs: JobQueue, clock: FakeClock) -> None:
    with pytest.raises(NotFound) as caught:
        jobs.save(make(clock, "missing"))
    assert caught.value.code == "job_not_found"
    assert jobs.get("missing") is None


def test_latest_for_document_returns_newest(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "old", seconds=-10))
    jobs.enqueue(make(clock, "new", seconds=0))
    jobs.enqueue(make(clock, "other", document_id="d2", seconds=5))
    assert jobs.latest_for_document("d1").id == "new"
    assert jobs.latest_for_document("d3") is None


def test_remove_for_document_deletes_only_its_jobs(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "a"))
    jobs.enqueue(make(clock, "b"))
    jobs.enqueue(make(clock, "c", document_id="d2"))
    jobs.remove_for_document("d1")
    assert [jobs.get("a"), jobs.get("b"), jobs.get("c").id] == [None, None, "c"]
    assert jobs.latest_for_document("d1") is None


def test_concurrent_leases_hand_out_each_job_once(jobs: JobQueue, clock: FakeClock) -> None:
    job_count, worker_count = 40, 8
    for i in range(job_count):
        jobs.enqueue(make(clock, f"j{i:02d}", seconds=-i))
    start = threading.Barrier(worker_count)
    leased: dict[str, list[str]] = {f"w{n}": [] for n in range(worker_count)}

    def work(worker: str) -> None:
        start.wait()
        while (job := jobs.lease(worker, 600)) is not None:
            leased[worker].append(job.id)

    threads = [threading.Thread(target=work, args=(w,)) for w in leased]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    all_ids = sorted(i for ids in leased.values() for i in ids)
    assert all_ids == [f"j{i:02d}" for i in range(job_count)]
    assert {jobs.get(i).attempts for i in all_ids} == {1}
    assert all(jobs.get(i).lease_owner == w for w, ids in leased.items() for i in ids)
