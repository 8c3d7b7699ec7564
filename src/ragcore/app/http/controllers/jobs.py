"""/api/v1/jobs: status, progress as Server-Sent Events, cancel, retry."""

import asyncio
import json
from collections.abc import AsyncIterator

import anyio.to_thread
import msgspec
from litestar import Controller, get, post
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from ragcore.app.http.auth.access import HttpAccess
from ragcore.app.schemas.jobs import JobOut
from ragcore.domain.jobs.service import JobService
from ragcore.domain.models import FINISHED_JOB_STATUSES

POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0


class JobController(Controller):
    path = "/api/v1/jobs"
    tags = ["jobs"]

    @get("/{job_id:str}", sync_to_thread=True)
    def show(self, job_id: str, jobs: JobService, access: HttpAccess) -> JobOut:
        """Status, progress 0-100, stage message, attempts, error code and message."""
        access.job(job_id, "read")
        return JobOut.of(jobs.get(job_id))

    @post("/{job_id:str}/cancel", status_code=HTTP_200_OK, sync_to_thread=True)
    def cancel(self, job_id: str, jobs: JobService, access: HttpAccess) -> JobOut:
        """Cancel a queued or running job (409 "job_finished" if it has ended)."""
        access.job(job_id, "write")
        return JobOut.of(jobs.cancel(job_id))

    @post("/{job_id:str}/retry", status_code=HTTP_202_ACCEPTED, sync_to_thread=True)
    def retry(self, job_id: str, jobs: JobService, access: HttpAccess) -> JobOut:
        """Queue a new job for the document of a failed or cancelled job; returns the new job."""
        access.job(job_id, "write")
        return JobOut.of(jobs.retry(job_id))

    @get("/{job_id:str}/events")
    async def events(self, job_id: str, jobs: JobService, access: HttpAccess) -> ServerSentEvent:
        """Server-Sent Events: a ``progress`` event at every change, then one ``end`` event."""
        await anyio.to_thread.run_sync(access.job, job_id, "read")
        first = await anyio.to_thread.run_sync(jobs.get, job_id)  # 404 before the stream starts
        return ServerSentEvent(_job_events(jobs, first))


async def _job_events(jobs: JobService, job) -> AsyncIterator[ServerSentEventMessage]:
    seen = None
    idle = 0.0
    while True:
        state = (job.status, job.progress, job.stage, job.attempts)
        if state != seen:
            seen, idle = state, 0.0
            finished = job.status in FINISHED_JOB_STATUSES
            data = json.dumps(msgspec.to_builtins(JobOut.of(job)))
            yield ServerSentEventMessage(data=data, event="end" if finished else "progress")
            if finished:
                return
        elif idle >= KEEPALIVE_SECONDS:
            idle = 0.0
            yield ServerSentEventMessage(comment="keep-alive")
        await asyncio.sleep(POLL_SECONDS)
        idle += POLL_SECONDS
        job = await anyio.to_thread.run_sync(jobs.get, job.id)
