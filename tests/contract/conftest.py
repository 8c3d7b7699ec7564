"""Fixtures that build every adapter of a port; each contract test runs once per backend.

SQL backends: SQLite (a fresh file per test) and, when their servers are reachable, MariaDB and
PostgreSQL. Each test session creates its own throwaway databases ``ragcore_t_<hex>...`` on a server
(through the server's ``test`` database, in AUTOCOMMIT) and drops them at the end, so concurrent runs
never collide. The contract suites share one migrated database per server and empty its tables before
each test; migration tests get a fresh, empty database each. An unreachable server skips its tests,
or fails them when the ``CI`` environment variable is set.
"""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from identity_fixtures import access, audit_log, identities, identity_stores  # noqa: F401  (identity ports)
from redis_fixtures import redis_documents, redis_jobs
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from ragcore.adapters.memory import MemoryCollectionCatalog, MemoryDocumentRepository, MemoryJobQueue
from ragcore.adapters.sql import (
    SqlCollectionCatalog,
    SqlDocumentRepository,
    SqlJobQueue,
    make_engine,
    upgrade,
)
from ragcore.adapters.sql.schema import metadata
from ragcore.domain.ports import CollectionCatalog, DocumentRepository, JobQueue

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)

# backend -> (environment variable, default URL of a database the test user may connect to)
SERVERS = {
    "mariadb": ("RAGCORE_TEST_MARIADB_URL", "mysql://root@127.0.0.1:3306/test"),
    "postgresql": ("RAGCORE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
}
SQL_BACKENDS = ["sqlite", *SERVERS]
BACKENDS = ["memory", *SQL_BACKENDS]
REDIS_PORTS = {"documents", "jobs"}  # fixtures of the ports that also have a Redis adapter


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class ServerDatabases:
    """Throwaway databases on one SQL server, named ``ragcore_t_<session hex>_<n>``; ``close`` drops them."""

    def __init__(self, backend: str, base_url: str) -> None:
        self._backend = backend
        self._base = make_url(base_url)
        self._admin = make_engine(base_url).execution_options(isolation_level="AUTOCOMMIT")
        self._prefix = f"ragcore_t_{uuid.uuid4().hex[:12]}"
        self._names: list[str] = []
        self._shared: Engine | None = None

    def check(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text("SELECT 1"))

    def create(self) -> str:
        """URL of a new, empty database."""
        name = f"{self._prefix}_{len(self._names)}"
        with self._admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        self._names.append(name)
        return self._base.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        force = " WITH (FORCE)" if self._backend == "postgresql" else ""
        with self._admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
        self._names.remove(name)

    def shared_engine(self) -> Engine:
        """Engine of this session's migrated database, shared by the contract tests."""
        if self._shared is None:
            url = self.create()
            upgrade(url)
            self._shared = make_engine(url)
        return self._shared

    def close(self) -> None:
        if self._shared is not None:
            self._shared.dispose()
        for name in list(self._names):
            self.drop(self._base.set(database=name).render_as_string(hide_password=False))
        self._admin.dispose()


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sql_servers() -> Iterator[dict[str, ServerDatabases | str]]:
    """Per server backend: its ServerDatabases, or why it cannot be used (created lazily, on first use)."""
    servers: dict[str, ServerDatabases | str] = {}
    yield servers
    for server in servers.values():
        if isinstance(server, ServerDatabases):
            server.close()


def _server(backend: str, servers: dict[str, ServerDatabases | str]) -> ServerDatabases:
    if backend not in servers:
        variable, default = SERVERS[backend]
        url = os.environ.get(variable, default)
        try:
            server = ServerDatabases(backend, url)
            server.check()
            servers[backend] = server
        except Exception as exc:  # driver missing, server down, bad credentials
            first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
            servers[backend] = f"{backend} at {make_url(url).render_as_string()} (set {variable}): {first_line}"
    server = servers[backend]
    if isinstance(server, str):
        _skip_or_fail(f"SQL server unavailable: {server}")
    return server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise ``backend``: every backend, plus "redis" for the ports with a Redis adapter."""
    if "backend" in metafunc.fixturenames:
        redis = ["redis"] if REDIS_PORTS & set(metafunc.fixturenames) else []
        metafunc.parametrize("backend", [*BACKENDS, *redis], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(params=SQL_BACKENDS)
def sql_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def fresh_sql_url(sql_backend: str, tmp_path: Path, sql_servers: dict) -> Iterator[str]:
    """URL of a new, empty (unmigrated) database of the current SQL backend, dropped after the test."""
    if sql_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    server = _server(sql_backend, sql_servers)
    url = server.create()
    yield url
    server.drop(url)


def _migrated_engine(backend: str, tmp_path: Path, servers: dict) -> Iterator[Engine]:
    """A migrated database of SQL ``backend``, with empty tables."""
    if backend in SERVERS:
        engine = _server(backend, servers).shared_engine()
        with engine.begin() as connection:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
        yield engine
        return
    url = f"sqlite:///{tmp_path / 'ragcore.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def sql_engine(backend: str, tmp_path: Path, sql_servers: dict) -> Iterator[Engine]:
    """A migrated database of the current SQL backend, with empty tables."""
    yield from _migrated_engine(backend, tmp_path, sql_servers)


@pytest.fixture
def serializable_sql_jobs(sql_backend: str, tmp_path: Path, sql_servers: dict, clock: FakeClock) -> Iterator[JobQueue]:
    """SqlJobQueue whose transactions are SERIALIZABLE: deadlocks and serialization failures happen."""
    for engine in _migrated_engine(sql_backend, tmp_path, sql_servers):
        yield SqlJobQueue(engine.execution_options(isolation_level="SERIALIZABLE"), clock)


@pytest.fixture
def catalog(backend: str, request: pytest.FixtureRequest) -> CollectionCatalog:
    if backend == "memory":
        return MemoryCollectionCatalog()
    return SqlCollectionCatalog(request.getfixturevalue("sql_engine"))


@pytest.fixture
def documents(backend: str, request: pytest.FixtureRequest) -> DocumentRepository:
    if backend == "memory":
        return MemoryDocumentRepository()
    if backend == "redis":
        return redis_documents(request)
    return SqlDocumentRepository(request.getfixturevalue("sql_engine"))


@pytest.fixture
def jobs(backend: str, clock: FakeClock, request: pytest.FixtureRequest) -> JobQueue:
    if backend == "memory":
        return MemoryJobQueue(clock)
    if backend == "redis":
        return redis_jobs(request, clock)
    return SqlJobQueue(request.getfixturevalue("sql_engine"), clock)
