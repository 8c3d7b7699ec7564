"""Engine construction from plain URLs, and the per-call transaction (or read) every SQL adapter uses."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from ragcore.domain.errors import Unavailable

# Plain scheme -> the driver ragcore ships for it; URLs that name a driver are kept as given.
DRIVERS = {
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
}
SQLITE_BUSY_TIMEOUT_MS = 30000


def normalize_url(url: str) -> URL:
    """``url`` with a concrete driver (and utf8mb4 for MySQL/MariaDB)."""
    parsed = make_url(url)
    parsed = parsed.set(drivername=DRIVERS.get(parsed.drivername, parsed.drivername))
    if parsed.get_backend_name() in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed


def make_engine(url: str) -> Engine:
    """Engine for ``sqlite:///path``, ``mysql://...``, ``mariadb://...`` or ``postgresql://...``."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database in (None, "", ":memory:"):  # one shared in-memory database for every thread
        engine = create_engine(parsed, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # API, worker threads and CLI share one file: wait for locks instead of failing, and let
    # readers proceed while one writer commits (WAL).
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@contextmanager
def unavailable_on_driver_errors() -> Iterator[None]:
    """Translate lost connections, locks and pool exhaustion into ``Unavailable``."""
    try:
        yield
    except (OperationalError, InterfaceError, DisconnectionError, PoolTimeout) as exc:
        raise Unavailable("the SQL database is unavailable") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise Unavailable("the SQL database connection was lost") from exc
        raise


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session in one short transaction: committed on success, rolled back on error."""
    with unavailable_on_driver_errors(), Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A connection for reads by primary or unique key, without the ORM: a search's lookups run on it
    (0.3 ms instead of 0.5 ms for six documents on SQLite). Rolled back on exit."""
    with unavailable_on_driver_errors(), engine.connect() as connection:
        yield connection
