"""The data generation: one counter bumped by every committed write, the validity stamp of cached pages.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 16:00:00.000000+08:00

Deploy safety: a new one-row table; nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'data_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_generation')),
    )
    op.bulk_insert(table, [{'id': 1, 'value': 1}])


def downgrade() -> None:
    op.drop_table('data_generation')
