"""Login throttling per account: attempts record success and the browser's device id; registrations per address.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 22:07:00.000000+08:00

Deploy safety: a new table, a nullable column and a NOT NULL column with a server default; the previous release
writes failures only, which read as failures here.
"""

import sqlalchemy as sa
from alembic import op

import caseflow.core.db

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'registration_attempts',
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('created', sa.Boolean(), nullable=False, comment='false: the name was taken'),
        sa.Column('attempted_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_attempts')),
    )
    with op.batch_alter_table('registration_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_registration_attempts_address_at', ['address', 'attempted_at'], unique=False)

    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('succeeded', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('device', sa.String(length=32), nullable=True,
                                      comment="the browser's device id when it had signed in to this username before"))
        batch_op.create_index('ix_login_attempts_address_at', ['address', 'attempted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_address_at')
        batch_op.drop_column('device')
        batch_op.drop_column('succeeded')

    with op.batch_alter_table('registration_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_attempts_address_at')

    op.drop_table('registration_attempts')
