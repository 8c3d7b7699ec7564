"""Document metadata: ``user_metadata`` given at upload and ``extracted`` title, summary, keywords.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("user_metadata", sa.JSON(), nullable=True))
    op.add_column("documents", sa.Column("extracted", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("extracted")
        batch.drop_column("user_metadata")
