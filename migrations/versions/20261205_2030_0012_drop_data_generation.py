"""Drop the data generation: the rendered-page cache it stamped is gone, nothing reads or bumps it any more.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 20:30:00.000000+08:00

Deploy safety: run the new code first (it never touches the table), then migrate; code of revision 0011 bumps
the counter in every write transaction and fails once the table is gone. Downgrading recreates the one row.
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('data_generation')


def downgrade() -> None:
    table = op.create_table(
        'data_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_generation')),
    )
    op.bulk_insert(table, [{'id': 1, 'value': 1}])
