"""Alembic environment: the URL comes from the ``sqlalchemy.url`` main option (alembic.ini or migrate.py).

From the command line, ``-x url=...`` overrides it.
"""

from logging.config import fileConfig

from alembic import context

from ragcore.adapters.sql.engine import make_engine, normalize_url
from ragcore.adapters.sql.schema import metadata

config = context.config
if config.config_file_name is not None:  # the alembic CLI; the app configures its own logging
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url (alembic.ini or ragcore.adapters.sql.migrate.upgrade)")
    return url


def run_offline() -> None:
    """Emit SQL instead of running it (``alembic upgrade head --sql``)."""
    context.configure(url=normalize_url(_url()), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
            batch = connection.dialect.name == "sqlite"
            context.configure(connection=connection, target_metadata=metadata, render_as_batch=batch)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
