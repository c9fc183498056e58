"""Create the accounts, cases, audit, approvals and drafts tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 00:48:41.150456+08:00

Deploy safety: this migration runs while the previous release may still be serving. Add NOT NULL
columns with a server_default first; never rename or drop a column the running code still reads.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import caseflow.core.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempts',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('attempted_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_username_at', ['username', 'attempted_at'], unique=False)

    op.create_table('units',
    sa.Column('code', sa.String(length=6), nullable=False, comment='GB/T 2260 division code, e.g. 500103'),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False, comment='district or county name, e.g. 渝中区'),
    sa.Column('prefix', sa.String(length=16), nullable=False,
              comment='case-number prefix set by the administrator, e.g. 渝中知'),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )
    op.create_table('number_sequences',
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_number_sequences_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_number_sequences')),
    sa.UniqueConstraint('scope', 'unit_id', 'year', name='uq_number_sequences_scope_unit_year')
    )
    op.create_table('users',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role',
              sa.Enum('applicant', 'respondent', 'officer', 'mediator', 'supervisor', 'admin', name='role',
                      native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('id_type',
              sa.Enum('uscc', 'resident_id', 'passport', 'other', name='idtype', native_enum=False,
                      create_constraint=True, length=16), nullable=True),
    sa.Column('id_number', sa.String(length=32), nullable=True, comment='ID or credit code, validated on registration'),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('is_disabled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('cases',
    sa.Column('procedure', sa.String(length=16), nullable=False,
              comment='procedure code from workflows/, e.g. complaint'),
    sa.Column('number', sa.String(length=64), nullable=False, comment='e.g. 渝中知投〔2026〕12号'),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False, comment='Beijing year of receipt, part of the number'),
    sa.Column('seq', sa.Integer(), nullable=False, comment='gapless sequence per unit, procedure and year'),
    sa.Column('state', sa.String(length=32), nullable=False, comment='validated against the procedure declaration'),
    sa.Column('version', sa.Integer(), nullable=False,
              comment='optimistic lock counter, bumped by workflow actions only'),
    sa.Column('kind', sa.String(length=32), nullable=True, comment='complaint kind, e.g. patent_infringement'),
    sa.Column('ip_type', sa.String(length=32), nullable=True),
    sa.Column('right_number', sa.String(length=64), nullable=True, comment='patent/trademark/registration number'),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('claims', sa.Text(), nullable=False, comment='requests made to the office (请求事项)'),
    sa.Column('asserted_claims', sa.String(length=200), nullable=True, comment='patent claims relied on (权利要求)'),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('track', sa.String(length=16), server_default='standard', nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False,
              comment='procedure-specific fields'),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True, comment='the case this one came from'),
    sa.Column('received_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
              comment='结案 time, set by a closing action'),
    sa.Column('closing_action', sa.String(length=32), nullable=True),
    sa.Column('audit_head', sa.String(length=64), nullable=False, comment='hash of the last audit event'),
    sa.Column('audit_count', sa.Integer(), nullable=False,
              comment='number of audit events, to detect a removed last one'),
    sa.Column('is_deleted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_cases_assignee_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['parent_id'], ['cases.id'], name=op.f('fk_cases_parent_id_cases')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_cases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number')),
    sa.UniqueConstraint('unit_id', 'procedure', 'year', 'seq', name='uq_cases_number_parts')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_cases_procedure_state', ['procedure', 'state'], unique=False)
        batch_op.create_index('ix_cases_unit_state', ['unit_id', 'state'], unique=False)

    op.create_table('filing_drafts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('procedure', sa.String(length=16), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_filing_drafts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_drafts'))
    )
    with op.batch_alter_table('filing_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_drafts_user_id'), ['user_id'], unique=False)

    op.create_table('access_logs',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('accessed_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('what', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_access_logs_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_logs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_logs'))
    )
    with op.batch_alter_table('access_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_logs_case_id'), ['case_id'], unique=False)

    op.create_table('approval_requests',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False,
              comment="the action's validated fields"),
    sa.Column('case_version', sa.Integer(), nullable=False,
              comment='case version after the request; a later change voids it'),
    sa.Column('status',
              sa.Enum('pending', 'approved', 'rejected', 'cancelled', 'failed', name='approvalstatus',
                      native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_approval_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_approval_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_approval_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_requests'))
    )
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.create_index('ix_approval_requests_status_case', ['status', 'case_id'], unique=False)
        batch_op.create_index('uq_approval_requests_one_pending', ['case_id'], unique=True,
                              sqlite_where=sa.text("status = 'pending'"),
                              postgresql_where=sa.text("status = 'pending'"))

    op.create_table('case_events',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False, comment="1-based position in the case's chain"),
    sa.Column('occurred_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('tag', sa.String(length=64), nullable=False, comment='taxonomy, e.g. case:state:accept'),
    sa.Column('action', sa.String(length=32), nullable=True),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=True),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events')),
    sa.UniqueConstraint('case_id', 'seq', name='uq_case_events_case_seq')
    )
    op.create_table('parties',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role',
              sa.Enum('claimant', 'respondent', 'agent', name='partyrole', native_enum=False, create_constraint=True,
                      length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('id_type',
              sa.Enum('uscc', 'resident_id', 'passport', 'other', name='idtype', native_enum=False,
                      create_constraint=True, length=16), nullable=True),
    sa.Column('id_number', sa.String(length=32), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True, comment='portal account acting as this party'),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_parties_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_parties_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties'))
    )
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parties_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parties_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parties_user_id'))
        batch_op.drop_index(batch_op.f('ix_parties_case_id'))

    op.drop_table('parties')
    op.drop_table('case_events')
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_approval_requests_one_pending', sqlite_where=sa.text("status = 'pending'"),
                            postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index('ix_approval_requests_status_case')

    op.drop_table('approval_requests')
    with op.batch_alter_table('access_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_logs_case_id'))

    op.drop_table('access_logs')
    with op.batch_alter_table('filing_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_drafts_user_id'))

    op.drop_table('filing_drafts')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unit_state')
        batch_op.drop_index('ix_cases_procedure_state')
        batch_op.drop_index(batch_op.f('ix_cases_parent_id'))
        batch_op.drop_index(batch_op.f('ix_cases_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_cases_assignee_id'))

    op.drop_table('cases')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))

    op.drop_table('users')
    op.drop_table('number_sequences')
    op.drop_table('units')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_username_at')

    op.drop_table('login_attempts')
