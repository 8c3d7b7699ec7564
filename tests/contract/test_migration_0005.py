"""Migration 0005 (collections.extract_metadata) on every SQL backend: existing collections read False."""

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from ragcore.adapters.sql import SqlCollectionCatalog, make_engine, upgrade
from ragcore.adapters.sql.migrate import alembic_config
from ragcore.domain.models import Collection


def test_collections_created_before_0005_do_not_extract_metadata(fresh_sql_url: str) -> None:
    command.upgrade(alembic_config(fresh_sql_url), "0004")
    engine = make_engine(fresh_sql_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO collections (id, name, name_key, store_id, embedding_model, embedding_dimension, created_at)"
            " VALUES ('c1', 'old', 'k1', 'rc_1', 'm', 4, :now)"
        ), {"now": datetime(2026, 1, 1)})
    upgrade(fresh_sql_url)
    catalog = SqlCollectionCatalog(engine)
    assert catalog.get("c1").extract_metadata is False
    new = Collection(id="c2", name="new", store_id="rc_2", embedding_model="m", embedding_dimension=4,
                     created_at=datetime(2026, 1, 2, tzinfo=UTC), extract_metadata=True)
    catalog.add(new)
    assert catalog.get("c2") == new
    engine.dispose()
