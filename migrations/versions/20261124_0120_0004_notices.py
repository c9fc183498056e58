"""Add official documents (notices), their deliveries and consents to electronic service.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 01:20:00.000000+08:00

Deploy safety: this migration runs while the previous release may still be serving. Add NOT NULL
columns with a server_default first; never rename or drop a column the running code still reads.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import caseflow.core.db

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notices',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False, comment="issuing office (the case's office)"),
    sa.Column('kind', sa.String(length=32), nullable=False, comment='catalogue code, e.g. decision'),
    sa.Column('title', sa.String(length=100), nullable=False, comment='document title as printed'),
    sa.Column('status',
              sa.Enum('draft', 'signoff', 'issued', 'discarded', name='noticestatus', native_enum=False,
                      create_constraint=True, length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=True, comment='the workflow action that drafted it, if any'),
    sa.Column('recipient', sa.String(length=300), nullable=False, comment='主送, as printed'),
    sa.Column('recipient_party_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
              nullable=False, comment='{"ids": [party ids]} served with it'),
    sa.Column('parts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False,
              comment='the free-text parts officers may edit'),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False,
              comment="the action's fields and other inputs when drafted"),
    sa.Column('missing_chars', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
              nullable=False, comment='{"chars": [...]} no installed font covers (font_report)'),
    sa.Column('corrects_id', sa.Integer(), nullable=True, comment='the document a 更正 corrects'),
    sa.Column('word', sa.String(length=16), nullable=True, comment='发文字号 type word, e.g. 保裁字'),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=True, comment='gapless per office, word and year'),
    sa.Column('number', sa.String(length=64), nullable=True, comment='e.g. 渝中知保裁字〔2026〕12号'),
    sa.Column('verify_code', sa.String(length=16), nullable=True, comment='public verification code'),
    sa.Column('document_date', sa.Date(), nullable=True, comment='成文日期 (Beijing date of issue)'),
    sa.Column('issued_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True, comment='SHA-256 of the issued PDF'),
    sa.Column('size', sa.BigInteger(), nullable=True, comment='bytes of the issued PDF'),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('context', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True,
              comment='the template data the issued PDF was rendered from'),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('approval_id', sa.Integer(), nullable=True, comment='the approved request of the action that drafted it'),
    sa.Column('approved_by_id', sa.Integer(), nullable=True,
              comment='supervisor whose approval covers the current text'),
    sa.Column('approved_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signoff_by_id', sa.Integer(), nullable=True, comment='who asked for sign-off'),
    sa.Column('signoff_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signoff_comment', sa.Text(), nullable=True, comment="a supervisor's reason for returning it"),
    sa.Column('version', sa.Integer(), nullable=False, comment='optimistic lock counter'),
    sa.Column('created_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approval_id'], ['approval_requests.id'],
                            name=op.f('fk_notices_approval_id_approval_requests')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_notices_approved_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notices_case_id_cases')),
    sa.ForeignKeyConstraint(['corrects_id'], ['notices.id'], name=op.f('fk_notices_corrects_id_notices')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_notices_drafted_by_id_users')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_notices_issued_by_id_users')),
    sa.ForeignKeyConstraint(['signoff_by_id'], ['users.id'], name=op.f('fk_notices_signoff_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_notices_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('number', name=op.f('uq_notices_number')),
    sa.UniqueConstraint('unit_id', 'word', 'year', 'seq', name='uq_notices_unit_word_year_seq'),
    sa.UniqueConstraint('verify_code', name=op.f('uq_notices_verify_code'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_case_status', ['case_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_sha256'), ['sha256'], unique=False)

    op.create_table('service_consents',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False, comment='the portal account documents arrive in'),
    sa.Column('source', sa.String(length=16), nullable=False,
              comment='portal (given online) or paper (送达地址确认书)'),
    sa.Column('given_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_service_consents_case_id_cases')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_service_consents_party_id_parties')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_service_consents_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_service_consents_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_consents')),
    sa.UniqueConstraint('party_id', name=op.f('uq_service_consents_party_id'))
    )
    with op.batch_alter_table('service_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_consents_case_id'), ['case_id'], unique=False)

    op.create_table('notice_deliveries',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True, comment='None for an outside body (court, police, agency)'),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('method',
              sa.Enum('electronic', 'direct', 'post', 'retention', 'public_notice', name='deliverymethod',
                      native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False,
              comment='the legal delivery date: portal arrival, signature, return receipt, or publication + 30 days'),
    sa.Column('delivered_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
              comment='arrival moment (electronic)'),
    sa.Column('published_on', sa.Date(), nullable=True, comment='公告送达: the day the notice was published'),
    sa.Column('receipt_number', sa.String(length=64), nullable=True, comment='mail tracking or receipt number'),
    sa.Column('signed_by', sa.String(length=100), nullable=True, comment='who signed for it (签收人)'),
    sa.Column('witness', sa.String(length=200), nullable=True, comment='留置送达: witnesses and circumstances'),
    sa.Column('place', sa.String(length=300), nullable=True, comment='送达地点 or the publication medium'),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True, comment='portal account it arrived in'),
    sa.Column('first_opened_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
              comment='first opening by the addressee'),
    sa.Column('took_effect_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=True,
              comment="when the delivery date was reached and the party's period started (公告: later)"),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', caseflow.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_deliveries_notice_id_notices')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_notice_deliveries_party_id_parties')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_notice_deliveries_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_deliveries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_deliveries'))
    )
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_deliveries_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_deliveries_party_id'), ['party_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_deliveries_party_id'))
        batch_op.drop_index(batch_op.f('ix_notice_deliveries_notice_id'))

    op.drop_table('notice_deliveries')
    with op.batch_alter_table('service_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_consents_case_id'))

    op.drop_table('service_consents')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_sha256'))
        batch_op.drop_index('ix_notices_case_status')

    op.drop_table('notices')
