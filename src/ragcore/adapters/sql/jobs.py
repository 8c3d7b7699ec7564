"""JobQueue on SQL, with leases claimed by a conditional UPDATE (safe across processes)."""

from datetime import datetime, timedelta

import msgspec
from sqlalchemy import ColumnElement, Engine, and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from ragcore.adapters.sql.engine import transaction
from ragcore.adapters.sql.schema import JobRow
from ragcore.domain.errors import Conflict, NotFound
from ragcore.domain.models import Job
from ragcore.domain.ports import Clock

# Candidates read per round; losing all of them to other workers just starts another round.
_CANDIDATES = 8
_NO_SYNC = {"synchronize_session": False}


def _to_model(row: JobRow) -> Job:
    return Job(**{field: getattr(row, field) for field in Job.__struct_fields__})


def _due(now: datetime) -> ColumnElement[bool]:
    """Queued and available, or running with an expired lease."""
    return or_(
        and_(JobRow.status == "queued", JobRow.available_at <= now),
        and_(JobRow.status == "running", JobRow.lease_expires_at < now),
    )


class SqlJobQueue:
    """Ingestion jobs in the ``jobs`` table; ``clock`` decides what is due and when leases expire.

    ``enqueue`` raises Conflict(code="job_exists") for a duplicate id; ``save`` raises
    NotFound(code="job_not_found"); every method raises Unavailable when the database cannot be reached.
    """

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def enqueue(self, job: Job) -> None:
        try:
            with transaction(self._engine) as session:
                session.add(JobRow(**msgspec.structs.asdict(job)))
        except IntegrityError as exc:
            raise Conflict(f"job {job.id!r} already exists", code="job_exists") from exc

    def get(self, job_id: str) -> Job | None:
        with transaction(self._engine) as session:
            row = session.get(JobRow, job_id)
            return None if row is None else _to_model(row)

    def latest_for_document(self, document_id: str) -> Job | None:
        query = (
            select(JobRow)
            .where(JobRow.document_id == document_id)
            .order_by(JobRow.created_at.desc(), JobRow.id.desc())
            .limit(1)
        )
        with transaction(self._engine) as session:
            row = session.scalars(query).first()
            return None if row is None else _to_model(row)

    def lease(self, worker_id: str, lease_seconds: float) -> Job | None:
        while True:
            now = self._clock.now()
            candidates = self._candidates(now)
            if not candidates:
                return None
            for job_id in candidates:
                job = self._claim(job_id, worker_id, now, now + timedelta(seconds=lease_seconds))
                if job is not None:
                    return job

    def _candidates(self, now: datetime) -> list[str]:
        query = (
            select(JobRow.id)
            .where(_due(now))
            .order_by(JobRow.available_at, JobRow.created_at, JobRow.id)
            .limit(_CANDIDATES)
        )
        with transaction(self._engine) as session:
            return list(session.scalars(query))

    def _claim(self, job_id: str, worker_id: str, now: datetime, expires: datetime) -> Job | None:
        # A fresh transaction that starts with the write: SQLite takes its write lock (waiting on
        # busy_timeout) instead of failing to upgrade a stale read snapshot.
        statement = (
            update(JobRow)
            .where(JobRow.id == job_id, _due(now))
            .values(
                status="running", lease_owner=worker_id, lease_expires_at=expires,
                attempts=JobRow.attempts + 1, updated_at=now,
            )
        )
        with transaction(self._engine) as session:
            if session.execute(statement, execution_options=_NO_SYNC).rowcount != 1:
                return None  # another worker claimed it first
            return _to_model(session.get_one(JobRow, job_id))

    def save(self, job: Job) -> None:
        values = msgspec.structs.asdict(job)
        statement = update(JobRow).where(JobRow.id == job.id).values(**values)
        with transaction(self._engine) as session:
            matched = session.execute(statement, execution_options=_NO_SYNC).rowcount
        if matched == 0:
            raise NotFound(f"job {job.id!r} does not exist", code="job_not_found")

    def remove_for_document(self, document_id: str) -> None:
        with transaction(self._engine) as session:
            session.execute(delete(JobRow).where(JobRow.document_id == document_id))
