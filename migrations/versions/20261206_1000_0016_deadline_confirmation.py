"""A staff member's confirmation of a provisional due date (a party period ending in a year whose holiday
schedule is not published yet may be treated as run out only when confirmed, or once the year is published).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 10:00:00.000000+08:00

Deploy safety: two nullable columns; code of the previous revision never reads them.
"""

import sqlalchemy as sa
from alembic import op

from caseflow.core.db import UTCDateTime

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provisional_confirmed_at', UTCDateTime(timezone=True), nullable=True,
                                      comment='when a staff member confirmed the provisional due date'))
        batch_op.add_column(sa.Column('provisional_confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_deadlines_provisional_confirmed_by_id_users'), 'users',
                                    ['provisional_confirmed_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deadlines_provisional_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('provisional_confirmed_by_id')
        batch_op.drop_column('provisional_confirmed_at')
