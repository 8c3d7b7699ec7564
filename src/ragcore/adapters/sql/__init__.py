"""SQL adapters (SQLAlchemy 2, schema through Alembic): collections catalog, document registry, job queue."""

from ragcore.adapters.sql.catalog import SqlCollectionCatalog
from ragcore.adapters.sql.documents import SqlDocumentRepository
from ragcore.adapters.sql.engine import make_engine
from ragcore.adapters.sql.jobs import SqlJobQueue
from ragcore.adapters.sql.migrate import upgrade

__all__ = ["SqlCollectionCatalog", "SqlDocumentRepository", "SqlJobQueue", "make_engine", "upgrade"]
