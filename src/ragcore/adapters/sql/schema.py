"""Tables of the SQL stores. Alembic migrations create them; this metadata must match the head revision."""

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

# Explicit constraint names, so every backend reflects the same names as the migration creates.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

# MySQL/MariaDB: 4-byte UTF-8 and binary (exact, case-sensitive) comparison, like SQLite and PostgreSQL.
MYSQL_TABLE_ARGS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetime on every backend (SQLite and MySQL store it naive, in UTC).

    Raises ValueError when bound a naive datetime: the domain only uses aware UTC times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[datetime]:
        if dialect.name in ("mysql", "mariadb"):  # DATETIME defaults to whole seconds there
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}; expected timezone-aware UTC")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CollectionRow(Base):
    """``name_key`` is the sha256 hex of ``name``: exact uniqueness whatever the backend's collation."""

    __tablename__ = "collections"
    __table_args__ = MYSQL_TABLE_ARGS

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(512))
    name_key: Mapped[str] = mapped_column(String(64), unique=True)
    store_id: Mapped[str] = mapped_column(String(128))
    embedding_model: Mapped[str] = mapped_column(String(255))
    embedding_dimension: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    extract_metadata: Mapped[bool] = mapped_column(Boolean)  # revision 0005
    embedding_backend: Mapped[str] = mapped_column(String(32), server_default="torch")  # revision 0006


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("collection_id", "sha256", name="uq_documents_collection_id_sha256"),
        Index("ix_documents_collection_id_status", "collection_id", "status"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    collection_id: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)  # files over 2 GiB fit
    sha256: Mapped[str] = mapped_column(String(64))
    blob_key: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    chunk_count: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int | None] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    user_metadata: Mapped[dict | None] = mapped_column(JSON)
    extracted: Mapped[dict | None] = mapped_column(JSON)
    encoding: Mapped[str | None] = mapped_column(String(32))  # detected text encoding, e.g. "cp1252"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_priority_available_at", "status", "priority", "available_at"),  # lease order
        Index("ix_jobs_document_id", "document_id"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(64))
    collection_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    progress: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    max_attempts: Mapped[int] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(255))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    available_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class KeywordChunkRow(Base):
    """A chunk as the keyword index searches it (revision 0004); one row per (store collection, chunk)."""

    __tablename__ = "keyword_chunks"
    __table_args__ = (
        Index("ix_keyword_chunks_store_id_document_id", "store_id", "document_id"),
        MYSQL_TABLE_ARGS,
    )

    store_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    chunk_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(64))
    chunk_index: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    pages: Mapped[list] = mapped_column(JSON)
    headings: Mapped[list] = mapped_column(JSON)
    filename: Mapped[str] = mapped_column(Text)


class KeywordVersionRow(Base):
    """A fresh random ``version`` at every change of a store collection's keyword chunks."""

    __tablename__ = "keyword_versions"
    __table_args__ = MYSQL_TABLE_ARGS

    store_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))


metadata = Base.metadata

# The identity tables (revision 0008) live in their own module; importing it registers them on ``metadata``.
import ragcore.adapters.sql.identity_schema  # noqa: E402, F401
