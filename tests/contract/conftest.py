"""Fixtures that build every adapter of a port; each contract test runs once per backend.

To add a SQL server backend, add a factory to ``SQL_URL_FACTORIES`` that returns the URL of a fresh,
empty database (and skips when the server is not configured); the fixtures below do the rest.
"""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ragcore.adapters.memory import MemoryCollectionCatalog, MemoryDocumentRepository, MemoryJobQueue
from ragcore.adapters.sql import (
    SqlCollectionCatalog,
    SqlDocumentRepository,
    SqlJobQueue,
    make_engine,
    upgrade,
)
from ragcore.domain.ports import CollectionCatalog, DocumentRepository, JobQueue

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ragcore.db'}"


SQL_URL_FACTORIES: dict[str, Callable[[Path], str]] = {"sqlite": _sqlite_url}
BACKENDS = ["memory", *SQL_URL_FACTORIES]


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def sql_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of the current SQL backend."""
    url = SQL_URL_FACTORIES[backend](tmp_path)
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def catalog(backend: str, request: pytest.FixtureRequest) -> CollectionCatalog:
    if backend == "memory":
        return MemoryCollectionCatalog()
    return SqlCollectionCatalog(request.getfixturevalue("sql_engine"))


@pytest.fixture
def documents(backend: str, request: pytest.FixtureRequest) -> DocumentRepository:
    if backend == "memory":
        return MemoryDocumentRepository()
    return SqlDocumentRepository(request.getfixturevalue("sql_engine"))


@pytest.fixture
def jobs(backend: str, clock: FakeClock, request: pytest.FixtureRequest) -> JobQueue:
    if backend == "memory":
        return MemoryJobQueue(clock)
    return SqlJobQueue(request.getfixturevalue("sql_engine"), clock)
