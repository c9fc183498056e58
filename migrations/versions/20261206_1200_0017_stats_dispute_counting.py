"""Statistics count one dispute once across its linked cases, 法定审限 only for adjudication and ownership
mediation, and the 调解率 denominator by 立案 or a party's refusal: every case's facts are recomputed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 12:00:00.000000+08:00

Deploy safety: no schema change; every case is queued for the statistics refresh (the next statistics request, or
`flask caseflow stats-refresh`; on a large database run `flask caseflow stats-rebuild` right after migrating).
"""

from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("INSERT INTO stats_dirty (case_id, marked_at) SELECT id, CURRENT_TIMESTAMP FROM cases")


def downgrade() -> None:
    op.execute("INSERT INTO stats_dirty (case_id, marked_at) SELECT id, CURRENT_TIMESTAMP FROM cases")
