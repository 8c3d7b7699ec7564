"""SQL plumbing: the Alembic head matches schema.py on every backend, engine settings, driver errors."""

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from ragcore.adapters.sql import SqlCollectionCatalog, make_engine, upgrade
from ragcore.adapters.sql.engine import normalize_url
from ragcore.adapters.sql.migrate import alembic_config
from ragcore.adapters.sql.schema import metadata
from ragcore.domain.errors import Unavailable

HEAD = "0008"  # the latest revision in src/ragcore/migrations/versions


def _diff(url: str) -> list:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, metadata)
    engine.dispose()
    return diff


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    return revision


def test_migrated_database_matches_schema_metadata(fresh_sql_url: str) -> None:
    upgrade(fresh_sql_url)
    assert _diff(fresh_sql_url) == []


def test_upgrade_twice_is_a_no_op(fresh_sql_url: str) -> None:
    upgrade(fresh_sql_url)
    upgrade(fresh_sql_url)
    assert _revision(fresh_sql_url) == HEAD


def test_downgrade_to_0001_and_back_to_head(fresh_sql_url: str) -> None:
    upgrade(fresh_sql_url)
    command.downgrade(alembic_config(fresh_sql_url), "0001")
    engine = make_engine(fresh_sql_url)
    columns = {c["name"] for c in inspect(engine).get_columns("jobs")}
    indexes = {i["name"] for i in inspect(engine).get_indexes("jobs")}
    engine.dispose()
    assert "priority" not in columns
    assert "ix_jobs_status_available_at" in indexes
    upgrade(fresh_sql_url)
    assert (_revision(fresh_sql_url), _diff(fresh_sql_url)) == (HEAD, [])


def test_server_urls_get_the_shipped_drivers() -> None:
    assert normalize_url("mysql://root@db/test").drivername == "mysql+pymysql"
    assert normalize_url("mysql://root@db/test").query == {"charset": "utf8mb4"}
    assert normalize_url("postgresql://postgres@db/test").drivername == "postgresql+psycopg"


def test_sqlite_engine_uses_wal_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{tmp}/no-such-dir/ragcore.db",
        "mysql://root@127.0.0.1:1/test?connect_timeout=2",
        "postgresql://postgres@127.0.0.1:1/test?connect_timeout=2",
    ],
    ids=["sqlite", "mariadb", "postgresql"],
)
def test_unreachable_database_raises_unavailable(tmp_path: Path, url: str) -> None:
    url = url.format(tmp=tmp_path)
    with pytest.raises(Unavailable) as caught:
        upgrade(url)
    assert caught.value.code == "unavailable"
    with pytest.raises(Unavailable):
        SqlCollectionCatalog(make_engine(url)).list()
