"""Index for the staff queues: an office's cases by receipt date, counted without reading the rows.

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-24 02:00:00.000000+08:00

Deploy safety: adding an index only; on a large PostgreSQL database run it in a quiet hour.
"""

from alembic import op

revision = '0010'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_cases_unit_received', 'cases', ['unit_id', 'is_deleted', 'received_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_unit_received', table_name='cases')
