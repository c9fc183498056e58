"""Add evidence records: content-addressed files with kind, submitter, admission and versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 01:10:00.000000+08:00

Deploy safety: this migration runs while the previous release may still be serving. Add NOT NULL
columns with a server_default first; never rename or drop a column the running code still reads.
"""

import sqlalchemy as sa
from alembic import op

import caseflow.core.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False,
              comment="证据序号 in the case's evidence list; versions keep the number"),
    sa.Column('version', sa.Integer(), nullable=False, comment='1 for the first file, +1 for each replacement'),
    sa.Column('replaces_id', sa.Integer(), nullable=True,
              comment='the earlier version this record replaces (files never change)'),
    sa.Column('kind',
              sa.Enum('documentary', 'physical', 'audiovisual', 'electronic', 'testimony', 'statement',
                      'expert_opinion', 'inspection_record', name='evidencekind', native_enum=False,
                      create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False, comment='证明对象 and other remarks'),
    sa.Column('method',
              sa.Enum('party_upload', 'onsite_collection', 'notarised', 'electronic_forensics', name='submissionmethod',
                      native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_as', sa.String(length=16), nullable=False,
              comment="the submitter's role in the case at the time: applicant, respondent or staff"),
    sa.Column('received_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False,
              comment='the file name as given, for display only'),
    sa.Column('sha256', sa.String(length=64), nullable=False, comment='hex SHA-256 of the bytes; the storage key'),
    sa.Column('size', sa.BigInteger(), nullable=False, comment='bytes'),
    sa.Column('mime', sa.String(length=127), nullable=False,
              comment='media type sniffed from the content, not the name'),
    sa.Column('admission',
              sa.Enum('pending', 'admitted', 'rejected', name='admission', native_enum=False, create_constraint=True,
                      length=32), nullable=False),
    sa.Column('admission_reason', sa.Text(), nullable=True),
    sa.Column('admission_by_id', sa.Integer(), nullable=True),
    sa.Column('admission_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_evidence_size_positive')),
    sa.ForeignKeyConstraint(['admission_by_id'], ['users.id'], name=op.f('fk_evidence_admission_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_evidence_case_id_cases')),
    sa.ForeignKeyConstraint(['replaces_id'], ['evidence.id'], name=op.f('fk_evidence_replaces_id_evidence')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_evidence_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('case_id', 'number', 'version', name='uq_evidence_case_number_version'),
    sa.UniqueConstraint('replaces_id', name='uq_evidence_replaces_id')
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_submitted_by_id'), ['submitted_by_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_submitted_by_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_case_id'))

    op.drop_table('evidence')
