"""Keyword index: the chunks BM25 searches, per store collection, and a version per store collection.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}


def upgrade() -> None:
    op.create_table(
        "keyword_chunks",
        sa.Column("store_id", sa.String(128), nullable=False),
        sa.Column("chunk_id", sa.String(255), nullable=False),
        sa.Column("document_id", sa.String(64), nullable=False),
        sa.Column("chunk_index", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("headings", sa.JSON(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("store_id", "chunk_id", name="pk_keyword_chunks"),
        **MYSQL,
    )
    op.create_index("ix_keyword_chunks_store_id_document_id", "keyword_chunks", ["store_id", "document_id"])
    op.create_table(
        "keyword_versions",
        sa.Column("store_id", sa.String(128), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("store_id", name="pk_keyword_versions"),
        **MYSQL,
    )


def downgrade() -> None:
    op.drop_table("keyword_versions")
    op.drop_index("ix_keyword_chunks_store_id_document_id", table_name="keyword_chunks")
    op.drop_table("keyword_chunks")
