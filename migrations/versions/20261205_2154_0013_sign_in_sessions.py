"""Sign-in sessions that can be ended, revocable API tokens, and the account events record.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 21:54:01.662588+08:00

Deploy safety: new tables and nullable columns only; the previous release ignores them. Once the new code serves,
cookies issued before it name no sign-in session, so everyone signs in once more.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import caseflow.core.db

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


END_REASONS = ('logout', 'ended_by_user', 'ended_by_admin', 'password_changed', 'password_reset', 'disabled',
               'role_changed', 'unit_changed')
ACCOUNT_TAGS = ('account:create', 'account:disable', 'account:enable', 'account:password:change',
                'account:password:reset', 'account:role', 'account:unit', 'account:sessions:end', 'office:edit')


def end_reason() -> sa.Enum:
    return sa.Enum(*END_REASONS, name='endreason', native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        'account_events',
        sa.Column('occurred_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('tag', sa.Enum(*ACCOUNT_TAGS, name='accounttag', native_enum=False, create_constraint=True,
                                 length=32), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True, comment='null: a command run on the server'),
        sa.Column('user_id', sa.Integer(), nullable=True, comment='the account changed'),
        sa.Column('unit_id', sa.Integer(), nullable=True, comment='the office changed'),
        sa.Column('summary', sa.String(length=255), nullable=False),
        sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                  nullable=False, comment='what changed: {"field": [old, new]}'),
        sa.Column('via', sa.String(length=16), nullable=False, comment='web, api, cli, register or access_code'),
        sa.Column('address', sa.String(length=64), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_account_events_actor_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_account_events_unit_id_units')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_events_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_events')),
    )
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_events_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_events_user_id'), ['user_id'], unique=False)

    op.create_table(
        'sign_in_sessions',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False, comment="SHA-256 of the cookie's secret"),
        sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False,
                  comment='updated at most once a minute'),
        sa.Column('address', sa.String(length=64), nullable=False, comment='client address at sign-in'),
        sa.Column('user_agent', sa.String(length=255), nullable=False),
        sa.Column('ended_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('end_reason', end_reason(), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_sign_in_sessions_secret_hash')),
    )
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
                                      comment='updated at most once a minute'))
        batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=True,
                                      comment='client address that obtained the token'))
        batch_op.add_column(sa.Column('ended_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
                                      comment='revoked at'))
        batch_op.add_column(sa.Column('end_reason', end_reason(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_api_tokens_endreason'), type_='check')  # SQLite's copy would keep it
        batch_op.drop_column('end_reason')
        batch_op.drop_column('ended_at')
        batch_op.drop_column('address')
        batch_op.drop_column('last_used_at')

    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_user_id'))
    op.drop_table('sign_in_sessions')

    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_events_user_id'))
        batch_op.drop_index(batch_op.f('ix_account_events_unit_id'))
        batch_op.drop_index(batch_op.f('ix_account_events_actor_id'))
    op.drop_table('account_events')
