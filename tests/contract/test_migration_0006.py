"""Migration 0006 (collections.embedding_backend) on every SQL backend: existing collections read torch."""

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from ragcore.adapters.sql import SqlCollectionCatalog, make_engine, upgrade
from ragcore.adapters.sql.migrate import alembic_config
from ragcore.domain.models import Collection


def test_collections_created_before_0006_pin_the_torch_backend(fresh_sql_url: str) -> None:
    command.upgrade(alembic_config(fresh_sql_url), "0005")
    engine = make_engine(fresh_sql_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO collections (id, name, name_key, store_id, embedding_model, embedding_dimension, created_at,"
            " extract_metadata) VALUES ('c1', 'old', 'k1', 'rc_1', 'm', 4, :now, :no)"
        ), {"now": datetime(2026, 1, 1), "no": False})
    upgrade(fresh_sql_url)
    catalog = SqlCollectionCatalog(engine)
    assert catalog.get("c1").embedding_backend == "torch"
    new = Collection(id="c2", name="new", store_id="rc_2", embedding_model="m", embedding_dimension=4,
                     created_at=datetime(2026, 1, 2, tzinfo=UTC), embedding_backend="onnx-int8")
    catalog.add(new)
    assert catalog.get("c2") == new
    engine.dispose()
