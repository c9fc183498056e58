"""Start a newly added rule on the cases already past the step that starts it (an upgrade's in-flight cases).

A rule added to a step (行政处罚法 art. 60's 90 days, started at a penalty complaint's 受理) runs only for steps taken
after the upgrade. An open case that took the step before has no row, so nothing would tell the office it is
due. ``start_added`` starts it from the day the step was recorded, as the step would have, and leaves alone a case
that already has a row of the rule or whose later steps would have ended it.
"""

from __future__ import annotations

import sqlalchemy as sa

import workflows
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, CaseEvent
from caseflow.core.db import db
from caseflow.core.errors import Invalid
from caseflow.deadlines.lifecycle import awaits_delivery, canonical_ids, mark_missed, start_deadline
from caseflow.deadlines.models import Deadline
from caseflow.deadlines.rules import DEFAULT_RULES, RULE_ALIASES

__all__ = ["start_added"]

STARTED_BY = "upgrade"


def _fired(decl, event: CaseEvent) -> bool:
    """Whether this variant of the event's action is the one that ran (a ``when`` variant checks its field)."""
    if not decl.when:
        return True
    field, value = decl.when
    return str(((event.data or {}).get("fields") or {}).get(field)) == str(value)


def start_added(rule_id: str) -> list[Deadline]:
    """Start ``rule_id`` on every open case whose recorded step starts it now and which has no row of it."""
    canonical = RULE_ALIASES.get(rule_id, rule_id)
    versions = [r for r in DEFAULT_RULES if r.id == canonical]
    if not versions:
        raise Invalid(f"未知的期限规则：{rule_id}")
    if any(awaits_delivery(r) for r in versions):
        raise Invalid(f"期限规则 {canonical} 自送达起算，须依送达记录计算，不能据办理步骤补记")
    started: list[Deadline] = []
    for code, proc in workflows.PROCEDURES.items():
        starting = {a.name for a in proc.actions if canonical in {RULE_ALIASES.get(i, i) for i in a.starts}}
        if not starting:
            continue
        has_row = sa.exists().where(Deadline.case_id == Case.id, Deadline.rule_id == canonical)
        cases = db.session.scalars(sa.select(Case).where(
            Case.procedure == code, Case.state.in_(proc.open_states), ~Case.is_deleted, ~has_row)
            .order_by(Case.id))
        for case in cases:
            events = list(db.session.scalars(sa.select(CaseEvent).where(
                CaseEvent.case_id == case.id, CaseEvent.action.is_not(None),
                CaseEvent.tag.like("case:%:%"), CaseEvent.tag.not_like("case:approval:%")).order_by(CaseEvent.seq)))
            start = next((i for i in range(len(events) - 1, -1, -1) if events[i].action in starting and any(
                canonical in canonical_ids(case, a.starts) and _fired(a, events[i])
                for a in proc.actions_named(events[i].action or ""))), None)
            if start is None:
                continue
            # A later step that stops the rule would have ended it: the period was done, nothing is missing.
            if any(canonical in canonical_ids(case, a.stops) for e in events[start + 1:]
                   for a in proc.actions_named(e.action or "")):
                continue
            row = start_deadline(case, canonical, started_by=STARTED_BY, at=events[start].occurred_at)
            if row is None:
                continue
            record_event(case, tag="case:deadline:upgrade", actor=None,
                         summary=f"补记期限“{row.label}”：自“{events[start].summary[:60]}”之日起算，"
                                 f"至{row.due_date.isoformat()}届满",
                         data={"deadline_id": row.id, "rule": canonical, "from_event": events[start].seq})
            mark_missed(case)
            started.append(row)
    db.session.flush()
    return started
