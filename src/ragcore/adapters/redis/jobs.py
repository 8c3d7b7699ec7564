"""JobQueue on Redis: records in hashes, work handed out through Streams with one consumer group.

Key layout (``P`` = prefix):

- ``P:job:<id>``               hash: json (msgspec JSON of the Job), status, priority, doc, created,
                               owner, expires (lease_expires_at, microseconds), entry/sprio (its
                               stream entry id and the priority of that stream, while it has one)
- ``P:jobs:all``               sorted set of every id by created_at (microseconds)
- ``P:jobs:status:<status>``   sorted set of the ids with that status, by created_at
- ``P:jobs:doc:<document>``    sorted set of the document's job ids, by created_at
- ``P:jobs:delayed``           sorted set of queued ids by available_at, not yet in a stream
- ``P:jobs:stream:<priority>`` stream of job ids ready to run, consumer group ``workers``
- ``P:jobs:priorities``        sorted set of the priorities that have a stream, scored by priority
- ``P:jobs:finished``          sorted set of ended ids by updated_at (what ``purge_finished`` deletes)
- ``P:jobs:dead``              sorted set of failed ids by updated_at: the dead-letter set

Atomicity: every write is one Lua script (``job_scripts``, ``lease_script``). ``lease`` takes the
highest priority first and, within one, the earliest available_at among jobs that became due together
(a job enqueued with an already-past available_at queues behind jobs already moved to its stream).
Leases, expiry and due-ness follow the injected clock. Errors: Conflict("job_exists"),
NotFound("job_not_found"), JobCancelled, LeaseLost, Unavailable("redis_unavailable").
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
import redis

from ragcore.adapters.redis import job_scripts as lua
from ragcore.adapters.redis.client import iso, micros, text, translate_redis_errors
from ragcore.domain.errors import Conflict, JobCancelled, LeaseLost, NotFound
from ragcore.domain.models import Job, JobStatus
from ragcore.domain.ports import Clock

_BATCH = 500
_decoder = msgspec.json.Decoder(Job)


def _args(job: Job) -> list[str | int]:
    expires = "" if job.lease_expires_at is None else micros(job.lease_expires_at)
    return [
        job.id, msgspec.json.encode(job).decode(), job.status, job.priority, job.document_id,
        micros(job.created_at), micros(job.available_at), micros(job.updated_at), job.lease_owner or "", expires,
    ]


def _missing(job_id: str) -> NotFound:
    return NotFound(f"job {job_id!r} does not exist", code="job_not_found")


@translate_redis_errors
class RedisJobQueue:
    """Ingestion jobs in Redis under ``prefix``; ``clock`` decides what is due and when leases expire."""

    def __init__(self, client: redis.Redis, clock: Clock, prefix: str) -> None:
        self._client = client
        self._clock = clock
        self._prefix = prefix
        self._enqueue = client.register_script(lua.ENQUEUE)
        self._update = client.register_script(lua.UPDATE)
        self._save = client.register_script(lua.SAVE)
        self._lease = client.register_script(lua.LEASE_ALL)
        self._purge = client.register_script(lua.PURGE)
        self._remove_for_document = client.register_script(lua.REMOVE_FOR_DOCUMENT)

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    def enqueue(self, job: Job) -> None:
        if text(self._enqueue(args=[self._prefix, *_args(job)])) == "exists":
            raise Conflict(f"job {job.id!r} already exists", code="job_exists")

    def get(self, job_id: str) -> Job | None:
        raw = self._client.hget(self._key("job", job_id), "json")
        return None if raw is None else _decoder.decode(raw)

    def latest_for_document(self, document_id: str) -> Job | None:
        """Newest by (created_at, id)."""
        newest = self._client.zrange(self._key("jobs", "doc", document_id), 0, 0, desc=True)
        return self.get(text(newest[0])) if newest else None

    def lease(self, worker_id: str, lease_seconds: float) -> Job | None:
        """One Lua call, never blocking (see ``lease_script``)."""
        now = self._clock.now()
        expires = now + timedelta(seconds=lease_seconds)
        raw = self._lease(args=[self._prefix, worker_id, micros(now), iso(now), micros(expires), iso(expires)])
        return None if raw is None else _decoder.decode(raw)

    def lease_many(self, worker_id: str, lease_seconds: float, limit: int) -> list[Job]:
        """One Lua call per job (a local round trip costs ~0.1 ms)."""
        leased: list[Job] = []
        while len(leased) < limit and (job := self.lease(worker_id, lease_seconds)) is not None:
            leased.append(job)
        return leased

    def save(self, job: Job, worker_id: str) -> None:
        """Fenced write: the stored job must be running under ``worker_id``'s lease."""
        reply = text(self._save(args=[self._prefix, worker_id, *_args(job)]))
        if reply == "missing":
            raise _missing(job.id)
        if reply == "cancelled":
            raise JobCancelled(f"job {job.id!r} was cancelled", code="job_cancelled")
        if reply == "lost":
            raise LeaseLost(f"worker {worker_id!r} no longer holds job {job.id!r}", code="lease_lost")

    def update(self, job: Job) -> None:
        if text(self._update(args=[self._prefix, *_args(job)])) == "missing":
            raise _missing(job.id)

    def list(self, *, status: JobStatus | None = None, document_id: str | None = None) -> list[Job]:
        """Oldest first (created_at, then id)."""
        ordered = self._key("jobs", "all") if document_id is None else self._key("jobs", "doc", document_id)
        if status is None:
            ids = self._client.zrange(ordered, 0, -1)
        else:
            ids = self._client.zinter({ordered: 1, self._key("jobs", "status", status): 0})
        return self._load([text(i) for i in ids])

    def purge_finished(self, before: datetime) -> int:
        return int(self._purge(args=[self._prefix, micros(before)]))

    def remove_for_document(self, document_id: str) -> None:
        self._remove_for_document(args=[self._prefix, document_id])

    def _load(self, ids: list[str]) -> list[Job]:
        """Jobs in the order of ``ids``; ids deleted meanwhile are skipped."""
        found: list[Job] = []
        for start in range(0, len(ids), _BATCH):
            with self._client.pipeline(transaction=False) as pipe:
                for job_id in ids[start : start + _BATCH]:
                    pipe.hget(self._key("job", job_id), "json")
                found.extend(_decoder.decode(raw) for raw in pipe.execute() if raw is not None)
        return found
