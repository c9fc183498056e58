"""The injunction domain's effects (``effects=`` of workflows/injunction.py and of the main cases that start one)."""

from __future__ import annotations

from caseflow.cases.effects import linked_case
from caseflow.cases.hooks import Effects
from caseflow.core import clock
from caseflow.injunction.services import application_data, evidence_refs
from caseflow.notices.drafting import draft_notice

EFFECTS = Effects()


@EFFECTS("create_injunction")
def create_injunction(*, case, actor, data, fired):
    payload = application_data(case, actor, data)
    how = "依职权" if payload["applied_by"] == "ex_officio" else "依申请"
    linked_case(case, "injunction", actor, payload, f"在{case.number}中{how}启动先行禁令")


@EFFECTS("issue_injunction")
def issue_injunction(*, case, actor, data, fired):
    """The order's measures on the case; a take-down also drafts the notice to the e-commerce platform."""
    measures = data.get("measures") or []
    measures = [measures] if isinstance(measures, str) else list(measures)
    order = {"measures": measures, "products": data.get("products"), "platform": data.get("platform") or None,
             "listings": data.get("listings") or None, "issued_on": clock.today().isoformat()}
    case.remember(order=order)
    if "take_down" in measures:
        draft_notice(case, "platform_notice", actor=actor, data=data, action=fired.action.name)


@EFFECTS("record_injunction_check")
def record_injunction_check(*, case, actor, data, fired):
    """Compliance checks and breaches, each with the evidence it rests on (numbers of this case's evidence)."""
    refs = evidence_refs(case, data.get("evidence"), "evidence")
    entry = {"kind": "breach" if fired.action.name == "record_breach" else "check",
             "on": data.get("found_on") or data.get("checked_on"), "method": data.get("method"),
             "text": data.get("description") or data.get("result"), "evidence": refs,
             "by": actor.username if actor else None}
    case.remember_entry("checks", entry)


@EFFECTS("record_defence")
def record_defence(*, case, actor, data, fired):
    """The respondent's 陈述申辩 (pending until reviewed) and the office's review of it; earlier rounds are kept."""
    today = clock.today().isoformat()
    current = dict((case.data or {}).get("defence") or {})
    if fired.action.name == "state_defence":
        if current:
            case.remember_entry("defences", current)
        refs = evidence_refs(case, data.get("evidence"), "evidence")
        current = {"statement": data.get("statement"), "evidence": refs, "on": today, "status": "pending",
                   "by": actor.username if actor else None}
    else:
        current.update(status="reviewed", outcome=data.get("outcome"), reasons=data.get("reasons"),
                       reviewed_on=today, reviewed_by=actor.username if actor else None)
    case.remember(defence=current)
