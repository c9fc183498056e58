"""The parties' filings in an adjudication (答辩, 管辖权异议, 回避申请, evidence): a filing after its period ran out
is accepted and flagged 逾期 — kept on the case for the officers' page and written to the audit chain."""

from __future__ import annotations

from caseflow.cases.audit import record_event
from caseflow.cases.models import Case
from caseflow.core import clock

EVIDENCE_PERIOD = ("ADJ_EVIDENCE_PERIOD", "举证期限（第五十四条）")


def flag_if_late(case: Case, *, what: str, rule_prefix: str, period: str, actor,
                 ref: dict | None = None) -> dict | None:
    """Record a late filing (after its period's due date) on the case and in the audit chain; None when on time."""
    from caseflow.deadlines import lifecycle

    row = lifecycle.latest_period(case, rule_prefix)
    if row is None or not lifecycle.has_run_out(row):
        return None
    on = clock.today()
    flag = {"what": what, "period": period, "due": row.due_date.isoformat(), "filed_on": on.isoformat(),
            "by": actor.display_name if actor is not None else None, **(ref or {})}
    case.remember_entry("late_filings", flag)
    record_event(case, tag="case:filing:late", actor=actor,
                 summary=f"逾期提交：{what}（{period}已于 {row.due_date.isoformat()} 届满，{on.isoformat()} 提交）",
                 data=flag)
    return flag


def flag_action(case: Case, action, actor, data: dict) -> dict | None:
    """The effect ``flag_late_filing``: the action's period comes from workflows.adjudication.FILING_PERIODS."""
    from workflows.adjudication import FILING_PERIODS

    spec = FILING_PERIODS.get(action.name)
    if spec is None:
        return None
    rule_prefix, period = spec
    return flag_if_late(case, what=action.label, rule_prefix=rule_prefix, period=period, actor=actor)


def flag_evidence(case: Case, evidence, actor) -> dict | None:
    """Evidence a party submits after the 举证期限 of an adjudication is accepted and flagged 逾期."""
    if case.procedure != "adjudication" or actor is None or actor.is_staff:
        return None
    rule_prefix, period = EVIDENCE_PERIOD
    return flag_if_late(case, what=f"提交证据{evidence.label}《{evidence.title}》", rule_prefix=rule_prefix,
                        period=period, actor=actor, ref={"evidence_id": evidence.id})


def late_filings(case: Case) -> list[dict]:
    return list((case.data or {}).get("late_filings") or [])
