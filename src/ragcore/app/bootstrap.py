"""Start-up shared by every entry point: folders, SQL migrations, the container."""

from ragcore.app.container import Container, build_container
from ragcore.app.logging import configure
from ragcore.app.settings import Settings


def bootstrap(settings: Settings | None = None, *, log_level: str | None = None) -> Container:
    """Create the data folders, migrate the SQL schema to head (idempotent) and build the container."""
    settings = settings or Settings()
    configure(log_level or settings.server.log_level)
    settings.ensure_dirs()
    storage = settings.storage
    if "sql" in (storage.catalog, storage.registry, settings.queue.jobs, storage.keyword_index):
        from ragcore.adapters.sql.migrate import upgrade

        upgrade(storage.sql_url)
    return build_container(settings)
