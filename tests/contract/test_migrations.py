"""SQL plumbing: the Alembic head matches schema.py, the engine's SQLite settings, driver errors."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ragcore.adapters.sql import SqlCollectionCatalog, make_engine, upgrade
from ragcore.adapters.sql.schema import metadata
from ragcore.domain.errors import Unavailable


def test_migrated_sqlite_database_matches_schema_metadata(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_twice_is_a_no_op(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0001"
    engine.dispose()


def test_sqlite_engine_uses_wal_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    engine.dispose()


def test_unreachable_database_raises_unavailable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-dir' / 'ragcore.db'}"
    with pytest.raises(Unavailable) as caught:
        upgrade(url)
    assert caught.value.code == "unavailable"
    with pytest.raises(Unavailable):
        SqlCollectionCatalog(make_engine(url)).list()
