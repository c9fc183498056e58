"""Evidence attached to a filing draft on the portal (stored files that become the case's evidence on submission).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 13:00:00.000000+08:00

Deploy safety: a new table; code of the previous revision never reads it.
"""

import sqlalchemy as sa
from alembic import op

import caseflow.core.db

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('draft_evidence',
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('mime', sa.String(length=127), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False, comment='an EvidenceKind value'),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['filing_drafts.id'], name=op.f('fk_draft_evidence_draft_id_filing_drafts'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_evidence'))
    )
    with op.batch_alter_table('draft_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_evidence_draft_id'), ['draft_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_draft_evidence_sha256'), ['sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('draft_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_evidence_sha256'))
        batch_op.drop_index(batch_op.f('ix_draft_evidence_draft_id'))
    op.drop_table('draft_evidence')
