"""Link a hearing's record (笔录) and audio/video, uploaded as evidence, to the hearing row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 01:50:00.000000+08:00

Deploy safety: one nullable column; the previous release neither reads nor writes it.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence',
                                      sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                                      nullable=True,
                                      comment='{"items": [{"id": evidence id, "role": record|audio|video}]}'))


def downgrade() -> None:
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.drop_column('evidence')
