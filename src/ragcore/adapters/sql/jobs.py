"""JobQueue on SQL, with leases claimed and saves fenced by conditional UPDATEs (safe across processes)."""

from datetime import datetime, timedelta

import msgspec
from sqlalchemy import ColumnElement, Engine, and_, bindparam, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ragcore.adapters.sql.engine import transaction
from ragcore.adapters.sql.retry import retry_conflicts
from ragcore.adapters.sql.schema import JobRow
from ragcore.domain.errors import Conflict, JobCancelled, LeaseLost, NotFound
from ragcore.domain.models import FINISHED_JOB_STATUSES, Job, JobStatus
from ragcore.domain.ports import Clock

_NO_SYNC = {"synchronize_session": False}
_TABLE = JobRow.__table__
# Built once, so SQLAlchemy reuses the compiled statement: an ORM update built per call cost
# ~0.3 ms more (on SQLite), and a worker writes three per document. The SET clause is every key
# of the parameters that names a column; the WHERE parameters are prefixed "where_".
_OVERWRITE = update(_TABLE).where(_TABLE.c.id == bindparam("where_id"))
_FENCED = _OVERWRITE.where(_TABLE.c.status == "running", _TABLE.c.lease_owner == bindparam("where_owner"))
_LEASE_ORDER = (JobRow.priority.desc(), JobRow.available_at, JobRow.created_at, JobRow.id)


def _to_model(row: JobRow) -> Job:
    return Job(**{field: getattr(row, field) for field in Job.__struct_fields__})


def _due(now: datetime) -> ColumnElement[bool]:
    """Queued and available, or running with an expired lease (never cancelled or finished)."""
    return or_(
        and_(JobRow.status == "queued", JobRow.available_at <= now),
        and_(JobRow.status == "running", JobRow.lease_expires_at < now),
    )


def _not_found(job_id: str) -> NotFound:
    return NotFound(f"job {job_id!r} does not exist", code="job_not_found")


class SqlJobQueue:
    """Ingestion jobs in the ``jobs`` table; ``clock`` decides what is due and when leases expire.

    ``enqueue`` raises Conflict(code="job_exists") for a duplicate id; ``save`` and ``update`` raise
    NotFound(code="job_not_found"); ``save`` raises JobCancelled or LeaseLost; every method raises
    Unavailable when the database cannot be reached.
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
        jobs = self.lease_many(worker_id, lease_seconds, 1)
        return jobs[0] if jobs else None

    def lease_many(self, worker_id: str, lease_seconds: float, limit: int) -> list[Job]:
        """Rounds of two short transactions: read the next candidates, then claim those still due
        with one UPDATE (one by one, a batch of 64 took 128 transactions: 1.3 ms per job on SQLite).
        Candidates lost to other workers start another round."""
        leased: list[Job] = []
        while len(leased) < limit:
            now = self._clock.now()
            candidates = self._candidates(now, limit - len(leased))
            if not candidates:
                break
            leased += self._claim(candidates, worker_id, now, now + timedelta(seconds=lease_seconds))
        return leased

    @retry_conflicts
    def _candidates(self, now: datetime, count: int) -> list[str]:
        query = select(JobRow.id).where(_due(now)).order_by(*_LEASE_ORDER).limit(count)
        with transaction(self._engine) as session:
            return list(session.scalars(query))

    @retry_conflicts
    def _claim(self, job_ids: list[str], worker_id: str, now: datetime, expires: datetime) -> list[Job]:
        """The jobs of ``job_ids`` still due, leased by one UPDATE, in the order of ``job_ids``."""
        # A fresh transaction that starts with the write: SQLite takes its write lock (waiting on
        # busy_timeout) instead of failing to upgrade a stale read snapshot; MySQL and PostgreSQL
        # re-check the WHERE clause against the latest committed row.
        claim = (
            update(JobRow)
            .where(JobRow.id.in_(job_ids), _due(now))
            .values(status="running", lease_owner=worker_id, lease_expires_at=expires,
                    attempts=JobRow.attempts + 1, updated_at=now)
        )
        claimed = select(JobRow).where(
            JobRow.id.in_(job_ids), JobRow.lease_owner == worker_id, JobRow.lease_expires_at == expires
        )
        with transaction(self._engine) as session:
            if session.execute(claim, execution_options=_NO_SYNC).rowcount == 0:
                return []  # other workers claimed them all first
            order = {job_id: i for i, job_id in enumerate(job_ids)}
            return sorted((_to_model(row) for row in session.scalars(claimed)), key=lambda job: order[job.id])

    @retry_conflicts
    def save(self, job: Job, worker_id: str) -> None:
        """Write ``job`` only while it runs under ``worker_id``'s lease (check and write are one UPDATE).

        Raises NotFound(code="job_not_found"), JobCancelled, or LeaseLost.
        """
        values = {**msgspec.structs.asdict(job), "where_id": job.id, "where_owner": worker_id}
        with transaction(self._engine) as session:
            if session.execute(_FENCED, values).rowcount == 1:
                return
            error = _why_not_saved(session, job.id, worker_id)
        raise error

    @retry_conflicts
    def update(self, job: Job) -> None:
        """Overwrite regardless of leases; raises NotFound(code="job_not_found")."""
        with transaction(self._engine) as session:
            matched = session.execute(_OVERWRITE, {**msgspec.structs.asdict(job), "where_id": job.id}).rowcount
        if matched == 0:
            raise _not_found(job.id)

    def list(self, *, status: JobStatus | None = None, document_id: str | None = None) -> list[Job]:
        query = select(JobRow).order_by(JobRow.created_at, JobRow.id)
        if status is not None:
            query = query.where(JobRow.status == status)
        if document_id is not None:
            query = query.where(JobRow.document_id == document_id)
        with transaction(self._engine) as session:
            return [_to_model(row) for row in session.scalars(query)]

    @retry_conflicts
    def purge_finished(self, before: datetime) -> int:
        statement = delete(JobRow).where(JobRow.status.in_(FINISHED_JOB_STATUSES), JobRow.updated_at < before)
        with transaction(self._engine) as session:
            return session.execute(statement, execution_options=_NO_SYNC).rowcount

    @retry_conflicts
    def remove_for_document(self, document_id: str) -> None:
        with transaction(self._engine) as session:
            session.execute(delete(JobRow).where(JobRow.document_id == document_id))


def _why_not_saved(session: Session, job_id: str, worker_id: str) -> Exception:
    """The error for a fenced UPDATE that matched no row: NotFound, JobCancelled or LeaseLost."""
    status = session.scalars(select(JobRow.status).where(JobRow.id == job_id)).one_or_none()
    if status is None:
        return _not_found(job_id)
    if status == "cancelled":
        return JobCancelled(f"job {job_id!r} was cancelled")
    return LeaseLost(f"worker {worker_id!r} no longer holds the lease of job {job_id!r}")
