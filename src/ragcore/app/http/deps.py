"""Litestar dependencies: services read from the container kept in ``app.state``."""

from typing import Annotated

from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Dependency

from ragcore.domain.answers.service import AnswerService
from ragcore.domain.collections.service import CollectionService
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.jobs.service import JobService
from ragcore.domain.ports import BlobStore, JobQueue
from ragcore.domain.search.service import SearchService


def _collections(state: State) -> CollectionService:
    return state.container.services.collections()


def _documents(state: State) -> DocumentService:
    return state.container.services.documents()


def _jobs(state: State) -> JobService:
    return state.container.services.jobs()


def _search(state: State) -> SearchService:
    return state.container.services.search()


def _local_search_cache(state: State) -> bool:
    return state.local_search_cache  # read once by create_app (Settings.sql_url resolves a path)


def _answers(state: State) -> AnswerService:
    return state.container.services.answers()


# Ports are Protocols, which Litestar cannot check with isinstance: these dependencies skip validation.
Blobs = Annotated[BlobStore, Dependency(skip_validation=True)]
JobRecords = Annotated[JobQueue, Dependency(skip_validation=True)]


def _blobs(state: State) -> BlobStore:
    return state.container.stores.blobs()  # read-only: the original bytes of a document not yet ready


def _job_records(state: State) -> JobQueue:
    return state.container.stores.jobs()  # read-only: a document's latest job (the web UI's retry button)


DEPENDENCIES = {
    "collections": Provide(_collections, sync_to_thread=False),
    "documents": Provide(_documents, sync_to_thread=False),
    "jobs": Provide(_jobs, sync_to_thread=False),
    "search_service": Provide(_search, sync_to_thread=False),
    "local_search_cache": Provide(_local_search_cache, sync_to_thread=False),
    "answers": Provide(_answers, sync_to_thread=False),
    "blobs": Provide(_blobs, sync_to_thread=False),
    "job_records": Provide(_job_records, sync_to_thread=False),
}
