"""Job priority: ``jobs.priority`` (higher runs first) and a lease index that follows the lease order.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing jobs get priority 0; the server default keeps older writers working.
    op.add_column("jobs", sa.Column("priority", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.drop_index("ix_jobs_status_available_at", table_name="jobs")
    op.create_index("ix_jobs_status_priority_available_at", "jobs", ["status", "priority", "available_at"])


def downgrade() -> None:
    op.drop_index("ix_jobs_status_priority_available_at", table_name="jobs")
    op.create_index("ix_jobs_status_available_at", "jobs", ["status", "available_at"])
    with op.batch_alter_table("jobs") as batch:  # SQLite: DROP COLUMN needs a table rebuild on old versions
        batch.drop_column("priority")
