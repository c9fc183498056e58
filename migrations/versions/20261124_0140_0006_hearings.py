"""Add hearings: each office's hearing rooms, the scheduled 口头审理 of cases, respondents' access codes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 01:40:00.000000+08:00

Deploy safety: this migration runs while the previous release may still be serving. Add NOT NULL
columns with a server_default first; never rename or drop a column the running code still reads.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import caseflow.core.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hearing_rooms',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False, comment='short code used in forms, e.g. T1'),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('is_disabled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_hearing_rooms_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_rooms')),
    sa.UniqueConstraint('unit_id', 'code', name='uq_hearing_rooms_unit_code')
    )
    with op.batch_alter_table('hearing_rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_rooms_unit_id'), ['unit_id'], unique=False)

    op.create_table('hearings',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=False, comment='in_person or remote'),
    sa.Column('link', sa.String(length=300), nullable=True, comment='remote hearing link'),
    sa.Column('starts_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False, comment='scheduled/postponed/held/cancelled'),
    sa.Column('panel', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False,
              comment='{"members": [usernames]} at scheduling'),
    sa.Column('parties', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False,
              comment='{"keys": [party identity keys]} for conflict checks'),
    sa.Column('attendance', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
              nullable=False),
    sa.Column('record', sa.Text(), nullable=True, comment='笔录 summary; the full record and audio/video are evidence'),
    sa.Column('postponed_reason', sa.Text(), nullable=True),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_hearings_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_hearings_created_by_id_users')),
    sa.ForeignKeyConstraint(['room_id'], ['hearing_rooms.id'], name=op.f('fk_hearings_room_id_hearing_rooms')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_hearings_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearings'))
    )
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearings_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearings_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearings_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearings_unit_id'), ['unit_id'], unique=False)

    op.create_table('respondent_access_codes',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=True, comment='plain code until claimed, then cleared'),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_respondent_access_codes_case_id_cases')),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['users.id'],
                            name=op.f('fk_respondent_access_codes_claimed_by_id_users')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_respondent_access_codes_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondent_access_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_respondent_access_codes_code_hash')),
    sa.UniqueConstraint('party_id', name=op.f('uq_respondent_access_codes_party_id'))
    )
    with op.batch_alter_table('respondent_access_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_respondent_access_codes_case_id'), ['case_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('respondent_access_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_respondent_access_codes_case_id'))

    op.drop_table('respondent_access_codes')
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearings_unit_id'))
        batch_op.drop_index(batch_op.f('ix_hearings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_hearings_room_id'))
        batch_op.drop_index(batch_op.f('ix_hearings_case_id'))

    op.drop_table('hearings')
    with op.batch_alter_table('hearing_rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_rooms_unit_id'))

    op.drop_table('hearing_rooms')
