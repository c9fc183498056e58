"""Offices become reference data loaded here (no longer by seed-demo); accounts may need a password change.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 23:00:00.000000+08:00

Deploy safety: inserts the listed offices that are missing (a database loaded by seed-demo keeps its offices, their
names and prefixes) and adds a NOT NULL column with a server default. Downgrading keeps the offices (cases and
accounts refer to them).
"""

import sqlalchemy as sa
from alembic import op

from caseflow.accounts.offices import sync_offices

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_must_change', sa.Boolean(), server_default=sa.false(),
                                      nullable=False,
                                      comment="set by an administrator's reset: every page leads to the password "
                                              "change until it is done"))
    sync_offices(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_must_change')
