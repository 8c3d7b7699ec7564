"""Contract of JobQueue, run against every adapter; time comes from the fake clock."""

from __future__ import annotations

import threading
import time
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

import msgspec
import pytest

from ragcore.domain.errors import JobCancelled, LeaseLost, NotFound
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
    job = make(
        clock, "j1", error_code="x", error_message="boom", progress=40, stage="embedding 3/9 chunks", priority=-7
    )
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


def test_lease_many_takes_up_to_limit_in_lease_order(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "late", seconds=-1))
    jobs.enqueue(make(clock, "early", seconds=-3, attempts=1))
    jobs.enqueue(make(clock, "urgent", seconds=-2, priority=5))
    jobs.enqueue(make(clock, "later", seconds=-0.5))
    jobs.enqueue(make(clock, "future", seconds=30))
    leased = jobs.lease_many("w1", 60, 3)
    assert [(j.id, j.status, j.attempts, j.lease_owner) for j in leased] == [
        ("urgent", "running", 1, "w1"), ("early", "running", 2, "w1"), ("late", "running", 1, "w1")]
    assert {j.lease_expires_at for j in leased} == {clock.now() + timedelta(seconds=60)}
    assert [jobs.get(j.id) for j in leased] == leased
    assert [j.id for j in jobs.lease_many("w2", 60, 3)] == ["later"]  # "future" is not due yet
    assert jobs.lease_many("w3", 60, 3) == []


def test_lease_many_takes_expired_leases_and_never_cancelled_or_live_ones(jobs: JobQueue, clock: FakeClock) -> None:
    for i, job_id in enumerate(["expired", "live", "cancelled"]):
        jobs.enqueue(make(clock, job_id, seconds=i - 10))
    assert [j.id for j in jobs.lease_many("w1", 30, 2)] == ["expired", "live"]
    jobs.update(msgspec.structs.replace(jobs.get("cancelled"), status="cancelled"))
    clock.advance(20)
    jobs.save(msgspec.structs.replace(jobs.get("live"), lease_expires_at=clock.now() + timedelta(seconds=30)), "w1")
    clock.advance(15)  # "expired" ran out 5 s ago; "live" was renewed
    (again,) = jobs.lease_many("w2", 30, 5)
    assert (again.id, again.lease_owner, again.attempts) == ("expired", "w2", 2)


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
    jobs.save(done, "w1")
    assert jobs.get("j1") == done


def test_save_unknown_raises_not_found(jobs: JobQueue, clock: FakeClock) -> None:
    with pytest.raises(NotFound) as caught:
        jobs.save(make(clock, "missing"), "w1")
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


def _take(jobs: JobQueue, worker: str, batch: int) -> list[Job]:
    """``lease`` (batch 1) or ``lease_many``."""
    if batch > 1:
        return jobs.lease_many(worker, 600, batch)
    job = jobs.lease(worker, 600)
    return [] if job is None else [job]


def _lease_concurrently(
    jobs: JobQueue, clock: FakeClock, job_count: int = 40, worker_count: int = 8, batch: int = 1
) -> None:
    for i in range(job_count):
        jobs.enqueue(make(clock, f"j{i:02d}", seconds=-i))
    start = threading.Barrier(worker_count)
    leased: dict[str, list[str]] = {f"w{n}": [] for n in range(worker_count)}
    errors: list[Exception] = []

    def work(worker: str) -> None:
        start.wait()
        try:
            while taken := _take(jobs, worker, batch):
                leased[worker] += [job.id for job in taken]
        except Exception as exc:  # a worker must never see a deadlock or serialization failure
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in leased]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    all_ids = sorted(i for ids in leased.values() for i in ids)
    assert all_ids == [f"j{i:02d}" for i in range(job_count)]
    assert {jobs.get(i).attempts for i in all_ids} == {1}
    assert all(jobs.get(i).lease_owner == w for w, ids in leased.items() for i in ids)


@pytest.mark.parametrize("batch", [1, 3])
def test_concurrent_leases_hand_out_each_job_once(jobs: JobQueue, clock: FakeClock, batch: int) -> None:
    _lease_concurrently(jobs, clock, batch=batch)


@pytest.mark.parametrize("batch", [1, 3])
def test_concurrent_leases_under_serializable_isolation(
    serializable_sql_jobs: JobQueue, clock: FakeClock, batch: int
) -> None:
    """Deadlocks and serialization failures are retried inside the adapter, never seen by a worker."""
    _lease_concurrently(serializable_sql_jobs, clock, batch=batch)


def _progress(job: Job, clock: FakeClock, percent: int) -> Job:
    """A heartbeat: progress and a renewed lease, as the job runner saves it."""
    return msgspec.structs.replace(
        job, progress=percent, stage=f"step {percent}", updated_at=clock.now(),
        lease_expires_at=clock.now() + timedelta(seconds=60),
    )


def test_lease_holder_saves_progress_and_keeps_the_job(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    leased = jobs.lease("w1", 60)
    clock.advance(50)
    beat = _progress(leased, clock, 40)
    jobs.save(beat, "w1")
    assert jobs.get("j1") == beat
    clock.advance(50)  # past the first lease, within the renewed one
    assert jobs.lease("w2", 60) is None
    done = msgspec.structs.replace(beat, status="succeeded", progress=100, lease_owner=None, lease_expires_at=None)
    jobs.save(done, "w1")
    assert jobs.get("j1") == done


def test_late_heartbeat_before_anyone_re_leases_still_saves(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    leased = jobs.lease("w1", 60)
    clock.advance(90)  # expired, but no other worker took it: the lease is still w1's
    beat = _progress(leased, clock, 50)
    jobs.save(beat, "w1")
    assert jobs.get("j1") == beat
    assert jobs.lease("w2", 60) is None


def test_save_after_another_worker_re_leased_raises_lease_lost(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    stale = jobs.lease("w1", 60)
    clock.advance(61)
    current = jobs.lease("w2", 60)
    with pytest.raises(LeaseLost) as caught:
        jobs.save(_progress(stale, clock, 70), "w1")
    assert caught.value.code == "lease_lost"
    assert jobs.get("j1") == current
    beat = _progress(current, clock, 10)
    jobs.save(beat, "w2")
    assert jobs.get("j1") == beat


@pytest.mark.parametrize("status", ["queued", "succeeded", "failed"])
def test_save_of_a_job_not_running_raises_lease_lost(jobs: JobQueue, clock: FakeClock, status: str) -> None:
    jobs.enqueue(make(clock, "j1", status=status))
    with pytest.raises(LeaseLost):
        jobs.save(make(clock, "j1", status="running", lease_owner="w1"), "w1")
    assert jobs.get("j1") == make(clock, "j1", status=status)


def test_save_after_the_job_ended_raises_lease_lost(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    leased = jobs.lease("w1", 60)
    done = msgspec.structs.replace(leased, status="succeeded", lease_owner=None, lease_expires_at=None)
    jobs.save(done, "w1")
    with pytest.raises(LeaseLost):
        jobs.save(_progress(leased, clock, 99), "w1")
    assert jobs.get("j1") == done


def test_save_after_cancel_raises_job_cancelled(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    leased = jobs.lease("w1", 60)
    cancelled = msgspec.structs.replace(leased, status="cancelled", lease_owner=None, lease_expires_at=None)
    jobs.update(cancelled)
    with pytest.raises(JobCancelled) as caught:
        jobs.save(_progress(leased, clock, 50), "w1")
    assert caught.value.code == "job_cancelled"
    with pytest.raises(JobCancelled):
        jobs.save(msgspec.structs.replace(leased, status="failed"), "w1")
    assert jobs.get("j1") == cancelled


def test_update_overwrites_regardless_of_lease(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    leased = jobs.lease("w1", 60)
    repaired = msgspec.structs.replace(leased, status="queued", lease_owner=None, lease_expires_at=None, priority=3)
    jobs.update(repaired)
    assert jobs.get("j1") == repaired
    assert jobs.lease("w2", 60).lease_owner == "w2"


def test_update_unknown_raises_not_found(jobs: JobQueue, clock: FakeClock) -> None:
    with pytest.raises(NotFound) as caught:
        jobs.update(make(clock, "missing"))
    assert caught.value.code == "job_not_found"
    assert jobs.get("missing") is None


def test_lease_takes_highest_priority_first_then_earliest(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "low-oldest", seconds=-9, priority=-1))
    jobs.enqueue(make(clock, "normal", seconds=-3))
    jobs.enqueue(make(clock, "urgent-late", seconds=-1, priority=5))
    jobs.enqueue(make(clock, "urgent-early", seconds=-2, priority=5))
    jobs.enqueue(make(clock, "urgent-not-due", seconds=30, priority=9))
    order = [jobs.lease("w", 60).id for _ in range(4)]
    assert order == ["urgent-early", "urgent-late", "normal", "low-oldest"]
    assert jobs.lease("w", 60) is None


def test_cancelled_jobs_are_never_leased(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "queued-cancelled", status="cancelled", priority=9))
    jobs.enqueue(make(clock, "j1"))
    leased = jobs.lease("w1", 1)
    jobs.update(msgspec.structs.replace(leased, status="cancelled"))  # keeps its expired-soon lease fields
    clock.advance(3600)
    assert jobs.lease("w2", 60) is None
    assert [j.status for j in jobs.list()] == ["cancelled", "cancelled"]


def test_saved_queued_job_is_due_again_at_available_at(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "j1"))
    leased = jobs.lease("w1", 60)
    back = msgspec.structs.replace(
        leased, status="queued", lease_owner=None, lease_expires_at=None,
        available_at=clock.now() + timedelta(seconds=10),
    )
    jobs.save(back, "w1")
    assert jobs.lease("w2", 60) is None
    clock.advance(10)
    assert (jobs.lease("w2", 60).attempts, jobs.get("j1").lease_owner) == (2, "w2")


def test_list_filters_and_orders_oldest_first(jobs: JobQueue, clock: FakeClock) -> None:
    jobs.enqueue(make(clock, "b", seconds=2, status="failed"))
    jobs.enqueue(make(clock, "a", seconds=1))
    jobs.enqueue(make(clock, "c", document_id="d2", seconds=3))
    jobs.enqueue(make(clock, "d", document_id="d2", seconds=0, status="failed"))
    assert [j.id for j in jobs.list()] == ["d", "a", "b", "c"]
    assert [j.id for j in jobs.list(status="queued")] == ["a", "c"]
    assert [j.id for j in jobs.list(document_id="d2")] == ["d", "c"]
    assert jobs.list(status="failed", document_id="d1") == [make(clock, "b", seconds=2, status="failed")]
    assert jobs.list(status="running") == []
    assert jobs.list(document_id="d9") == []


def test_purge_finished_deletes_old_ended_jobs_only(jobs: JobQueue, clock: FakeClock) -> None:
    for status in ("succeeded", "failed", "cancelled", "queued", "running"):
        jobs.enqueue(make(clock, f"old-{status}", seconds=-100, status=status))
        jobs.enqueue(make(clock, f"new-{status}", seconds=0, status=status))
    jobs.enqueue(make(clock, "edge-failed", seconds=-50, status="failed"))  # updated_at == before: kept
    assert jobs.purge_finished(clock.now() - timedelta(seconds=50)) == 3
    remaining = sorted(j.id for j in jobs.list())
    assert remaining == sorted(
        ["old-queued", "old-running", "edge-failed", *(f"new-{s}" for s in ("succeeded", "failed", "cancelled",
                                                                             "queued", "running"))]
    )
    assert jobs.purge_finished(clock.now() - timedelta(seconds=50)) == 0
    assert jobs.purge_finished(clock.now() + timedelta(seconds=1)) == 4


def _heartbeat_until_cancelled(jobs: JobQueue, clock: FakeClock, leased: Job, deadline: float) -> str:
    percent = 0
    while time.monotonic() < deadline:
        percent = percent % 99 + 1
        try:
            jobs.save(_progress(leased, clock, percent), leased.lease_owner)
        except JobCancelled:
            return "cancelled"
    return "never cancelled"


@pytest.mark.parametrize("round_", range(5))
def test_cancel_racing_heartbeats_always_wins(jobs: JobQueue, clock: FakeClock, round_: int) -> None:
    """The fence check and the write are one atomic step: no heartbeat overwrites a cancel."""
    jobs.enqueue(make(clock, "j1"))
    leased = jobs.lease("w1", 60)
    deadline = time.monotonic() + 10
    outcome: list[str] = []
    thread = threading.Thread(target=lambda: outcome.append(_heartbeat_until_cancelled(jobs, clock, leased, deadline)))
    thread.start()
    while jobs.get("j1").progress < 3 + round_ and time.monotonic() < deadline:  # the worker is saving
        time.sleep(0.0005)
    cancelled = msgspec.structs.replace(leased, status="cancelled", lease_owner=None, lease_expires_at=None)
    jobs.update(cancelled)
    thread.join(timeout=60)
    assert outcome == ["cancelled"]
    assert jobs.get("j1") == cancelled
