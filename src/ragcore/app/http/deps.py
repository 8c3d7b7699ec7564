"""Litestar dependencies: services read from the container kept in ``app.state``."""

from litestar.datastructures import State
from litestar.di import Provide

from ragcore.domain.answers.service import AnswerService
from ragcore.domain.collections.service import CollectionService
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.jobs.service import JobService
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


DEPENDENCIES = {
    "collections": Provide(_collections, sync_to_thread=False),
    "documents": Provide(_documents, sync_to_thread=False),
    "jobs": Provide(_jobs, sync_to_thread=False),
    "search_service": Provide(_search, sync_to_thread=False),
    "local_search_cache": Provide(_local_search_cache, sync_to_thread=False),
    "answers": Provide(_answers, sync_to_thread=False),
}
