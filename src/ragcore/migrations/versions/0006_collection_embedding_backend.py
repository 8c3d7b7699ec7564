"""Collections: ``embedding_backend``, the embedding runtime each collection pins (torch, onnx, onnx-int8).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every collection created before this revision was embedded with torch; the server default says so
    # for rows written by older code still running during a rolling upgrade too.
    op.add_column(
        "collections",
        sa.Column("embedding_backend", sa.String(32), nullable=False, server_default="torch"),
    )


def downgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.drop_column("embedding_backend")
