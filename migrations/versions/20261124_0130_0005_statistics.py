"""Add statistics: satisfaction ratings, per-case facts, rollups and the refresh queue.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 01:30:00.000000+08:00

Deploy safety: this migration runs while the previous release may still be serving. Add NOT NULL
columns with a server_default first; never rename or drop a column the running code still reads.
"""

import sqlalchemy as sa
from alembic import op

import caseflow.core.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stats_dirty',
    sa.Column('case_id', sa.Integer(), nullable=False,
              comment='no foreign key: a queue entry may outlive nothing, cheaply'),
    sa.Column('marked_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_dirty'))
    )
    op.create_table('stats_durations',
    sa.Column('ip_type', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False, comment='YYYYMM of 结案'),
    sa.Column('procedure', sa.String(length=16), nullable=False),
    sa.Column('net_days', sa.Integer(), nullable=False, comment='handling days less paused days'),
    sa.Column('n', sa.Integer(), server_default='0', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_durations')),
    sa.UniqueConstraint('ip_type', 'channel', 'unit_id', 'officer_id', 'month', 'procedure', 'net_days',
                        name='uq_stats_durations_key')
    )
    op.create_table('stats_open_states',
    sa.Column('ip_type', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('procedure', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('n', sa.Integer(), server_default='0', nullable=False, comment='cases in the state'),
    sa.Column('n_closed', sa.Integer(), server_default='0', nullable=False,
              comment='of which already closed (结案后跟进)'),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_open_states')),
    sa.UniqueConstraint('ip_type', 'channel', 'unit_id', 'officer_id', 'procedure', 'state',
                        name='uq_stats_open_states_key')
    )
    op.create_table('stats_rollup',
    sa.Column('ip_type', sa.String(length=32), nullable=False, comment="'*' = all IP types"),
    sa.Column('channel', sa.String(length=16), nullable=False, comment="'*' = all channels"),
    sa.Column('officer_id', sa.Integer(), nullable=False, comment='0 = all officers, -1 = unassigned'),
    sa.Column('unit_id', sa.Integer(), nullable=False, comment='0 = all offices'),
    sa.Column('month', sa.Integer(), nullable=False, comment='YYYYMM'),
    sa.Column('procedure', sa.String(length=16), nullable=False),
    sa.Column('received', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_police', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_police_transferred', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_police_accepted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_police_declined', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_agency', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_court', sa.Integer(), server_default='0', nullable=False),
    sa.Column('inj_requested', sa.Integer(), server_default='0', nullable=False),
    sa.Column('inj_issued', sa.Integer(), server_default='0', nullable=False),
    sa.Column('inj_breached', sa.Integer(), server_default='0', nullable=False),
    sa.Column('inj_refused', sa.Integer(), server_default='0', nullable=False),
    sa.Column('docketed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('limit_total', sa.Integer(), server_default='0', nullable=False),
    sa.Column('limit_met', sa.Integer(), server_default='0', nullable=False),
    sa.Column('dispute_closed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('dispute_mediated', sa.Integer(), server_default='0', nullable=False),
    sa.Column('med_closed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('med_agreement', sa.Integer(), server_default='0', nullable=False),
    sa.Column('confirm_eligible', sa.Integer(), server_default='0', nullable=False),
    sa.Column('confirmed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('paused_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('paused_cases', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_n', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_1', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_2', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_3', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_4', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_5', sa.Integer(), server_default='0', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_rollup')),
    sa.UniqueConstraint('ip_type', 'channel', 'unit_id', 'officer_id', 'month', 'procedure', name='uq_stats_rollup_key')
    )
    op.create_table('stats_case_facts',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False,
              comment='office (no foreign key: a denormalised copy of cases.unit_id)'),
    sa.Column('procedure', sa.String(length=16), nullable=False),
    sa.Column('ip_type', sa.String(length=32), nullable=False, comment="'' when the case has none"),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False, comment="assignee's user id, -1 when unassigned"),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('is_open', sa.SmallInteger(), nullable=False, comment='1 while the state is not terminal'),
    sa.Column('received_month', sa.Integer(), nullable=False, comment='YYYYMM of the Beijing date of receipt'),
    sa.Column('docketed_month', sa.Integer(), nullable=True, comment='YYYYMM of 立案/受理, if any'),
    sa.Column('closed_month', sa.Integer(), nullable=True, comment='YYYYMM of 结案, if closed'),
    sa.Column('net_days', sa.Integer(), nullable=True, comment='handling days less paused days, if closed'),
    sa.Column('received', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_police', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_police_transferred', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_police_accepted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_police_declined', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_agency', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ref_court', sa.Integer(), server_default='0', nullable=False),
    sa.Column('inj_requested', sa.Integer(), server_default='0', nullable=False),
    sa.Column('inj_issued', sa.Integer(), server_default='0', nullable=False),
    sa.Column('inj_breached', sa.Integer(), server_default='0', nullable=False),
    sa.Column('inj_refused', sa.Integer(), server_default='0', nullable=False),
    sa.Column('docketed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('closed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('limit_total', sa.Integer(), server_default='0', nullable=False),
    sa.Column('limit_met', sa.Integer(), server_default='0', nullable=False),
    sa.Column('dispute_closed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('dispute_mediated', sa.Integer(), server_default='0', nullable=False),
    sa.Column('med_closed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('med_agreement', sa.Integer(), server_default='0', nullable=False),
    sa.Column('confirm_eligible', sa.Integer(), server_default='0', nullable=False),
    sa.Column('confirmed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('paused_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('paused_cases', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_n', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_1', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_2', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_3', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_4', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rating_5', sa.Integer(), server_default='0', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_stats_case_facts_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_case_facts')),
    sa.UniqueConstraint('case_id', name=op.f('uq_stats_case_facts_case_id'))
    )
    with op.batch_alter_table('stats_case_facts', schema=None) as batch_op:
        batch_op.create_index('ix_stats_case_facts_officer_closed', ['officer_id', 'closed_month'], unique=False)
        batch_op.create_index('ix_stats_case_facts_officer_received', ['officer_id', 'received_month'], unique=False)

    op.create_table('stats_ratings',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False, comment='the rights holder who rated'),
    sa.Column('score', sa.SmallInteger(), nullable=False, comment='1 (very dissatisfied) to 5 (very satisfied)'),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_stats_ratings_score_range')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_stats_ratings_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_stats_ratings_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_ratings')),
    sa.UniqueConstraint('case_id', name=op.f('uq_stats_ratings_case_id'))
    )
    with op.batch_alter_table('stats_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_ratings_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_deadlines_status_ended_at_due_date',
                              ['status', 'ended_at', 'due_date', 'binds', 'case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_status_ended_at_due_date')

    with op.batch_alter_table('stats_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_ratings_user_id'))

    op.drop_table('stats_ratings')
    with op.batch_alter_table('stats_case_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_case_facts_officer_received')
        batch_op.drop_index('ix_stats_case_facts_officer_closed')

    op.drop_table('stats_case_facts')
    op.drop_table('stats_rollup')
    op.drop_table('stats_open_states')
    op.drop_table('stats_durations')
    op.drop_table('stats_dirty')
