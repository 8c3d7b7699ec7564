"""Collections: ``extract_metadata``, the optional metadata-extraction stage of ingestion.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing collections get false; then the default goes: the application always writes the value,
    # and a boolean server default reflects differently on every backend (false, 0, '0').
    op.add_column(
        "collections",
        sa.Column("extract_metadata", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    with op.batch_alter_table("collections") as batch:
        batch.alter_column("extract_metadata", existing_type=sa.Boolean(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.drop_column("extract_metadata")
