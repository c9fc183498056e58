"""A patent-infringement complaint's intake period in a complaint's words: the rows already started read
专利侵权投诉受理审查 / 收到投诉之日 as new ones do (they read 专利侵权纠纷处理请求审查 / 收到请求书之日, a request's).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 14:00:00.000000+08:00

Deploy safety: text only, in rows of one rule; code of the previous revision reads them as any label.
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

RULE = "CPL_ACCEPT_PATENT_INFRINGEMENT"
OLD = ("专利侵权纠纷处理请求审查", "收到请求书之日")
NEW = ("专利侵权投诉受理审查", "收到投诉之日")


def _rename(old: tuple[str, str], new: tuple[str, str]) -> None:
    deadlines = sa.table("deadlines", sa.column("rule_id", sa.String), sa.column("label", sa.String),
                         sa.column("trigger_label", sa.String), sa.column("explanation", sa.Text))
    op.execute(deadlines.update().where(deadlines.c.rule_id == RULE, deadlines.c.label == old[0])
               .values(label=new[0]))
    op.execute(deadlines.update().where(deadlines.c.rule_id == RULE, deadlines.c.trigger_label == old[1])
               .values(trigger_label=new[1],
                       explanation=sa.func.replace(deadlines.c.explanation, old[1], new[1])))


def upgrade() -> None:
    _rename(OLD, NEW)


def downgrade() -> None:
    _rename(NEW, OLD)
