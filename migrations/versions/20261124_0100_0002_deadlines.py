"""Add per-case deadline rows, their reminders and the administrator's holiday calendar tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 01:00:00.000000+08:00

Deploy safety: this migration runs while the previous release may still be serving. Add NOT NULL
columns with a server_default first; never rename or drop a column the running code still reads.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import caseflow.core.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_days',
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind',
              sa.Enum('holiday', 'workday', name='daykind', native_enum=False, create_constraint=True, length=16),
              nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False, comment='holiday name, e.g. 国庆节'),
    sa.Column('source', sa.String(length=200), nullable=False, comment='imported file name, or 管理员录入'),
    sa.Column('imported_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calendar_days_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_days')),
    sa.UniqueConstraint('date', name=op.f('uq_calendar_days_date'))
    )
    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('published_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
              comment='None while the administrator is still entering the year (draft)'),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False, comment='e.g. the notice or the imported file'),
    sa.Column('updated_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_calendar_years_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_years')),
    sa.UniqueConstraint('year', name=op.f('uq_calendar_years_year'))
    )
    op.create_table('deadlines',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False, comment='canonical rule id, e.g. ADJ_CASE_LIMIT'),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False, comment='legal basis (citation text) of the rule version applied'),
    sa.Column('binds', sa.String(length=16), nullable=False, comment='office, party or external'),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False, comment='working_days, days, months, years or hours'),
    sa.Column('backward', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('trigger_event', sa.String(length=64), nullable=False, comment='rule trigger, e.g. docketed'),
    sa.Column('trigger_label', sa.String(length=200), nullable=False,
              comment='how the explanation names the start day'),
    sa.Column('trigger_date', sa.Date(), nullable=False, comment='Beijing date of the trigger'),
    sa.Column('trigger_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
              comment='exact trigger time (hours rules)'),
    sa.Column('trigger_estimated', sa.Boolean(), server_default=sa.false(), nullable=False,
              comment='started from the action date because the delivery (送达) date is not recorded yet'),
    sa.Column('started_by', sa.String(length=32), nullable=False, comment='action name, create or delivery'),
    sa.Column('due_date', sa.Date(), nullable=False, comment='Beijing due date (the date of due_at for hours)'),
    sa.Column('due_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
              comment='exact due time (hours rules)'),
    sa.Column('status',
              sa.Enum('running', 'paused', 'met', 'missed', 'cancelled', name='deadlinestatus', native_enum=False,
                      create_constraint=True, length=16), nullable=False),
    sa.Column('provisional', sa.Boolean(), server_default=sa.false(), nullable=False,
              comment='a year consulted has no published holiday schedule'),
    sa.Column('pauses', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False,
              comment='[{"from": date, "to": date|null, "reason": text}]'),
    sa.Column('paused_days', sa.Integer(), nullable=False, comment='natural days of closed pause intervals'),
    sa.Column('extensions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
              nullable=False, comment='approved: [{"amount", "unit", "approver", "on", "by"}]'),
    sa.Column('explanation', sa.Text(), nullable=False, comment='plain Chinese account of the computation'),
    sa.Column('calendar_version', sa.String(length=200), nullable=False, comment='calendar sources consulted'),
    sa.Column('met_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
              comment='when the required act was done'),
    sa.Column('ended_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True, comment='when tracking ended'),
    sa.Column('ended_by', sa.String(length=32), nullable=True, comment='action name, or close/restart'),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_deadlines_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadlines'))
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_deadlines_case_status', ['case_id', 'status'], unique=False)
        batch_op.create_index('ix_deadlines_status_due_date', ['status', 'due_date'], unique=False)

    op.create_table('deadline_reminders',
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('threshold',
              sa.Enum('due_soon', 'missed', name='reminderthreshold', native_enum=False, create_constraint=True,
                      length=16), nullable=False),
    sa.Column('sent_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
              nullable=False, comment='usernames notified'),
    sa.Column('channel', sa.String(length=16), nullable=False, comment='email or log'),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'],
                            name=op.f('fk_deadline_reminders_deadline_id_deadlines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_reminders')),
    sa.UniqueConstraint('deadline_id', 'threshold', name='uq_deadline_reminders_deadline_threshold')
    )


def downgrade() -> None:
    op.drop_table('deadline_reminders')
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_status_due_date')
        batch_op.drop_index('ix_deadlines_case_status')

    op.drop_table('deadlines')
    op.drop_table('calendar_years')
    op.drop_table('calendar_days')
