"""Effects that actions declare by name (``effects=``): assignment, linked cases, and what an action leaves on the
case for later guards, pages and documents. The other domains declare their own effects (hearings, mediation,
injunction, referral); each domain's ``register(app)`` hands them to the app's hooks (caseflow/cases/hooks.py).
"""

from __future__ import annotations

from flask import current_app

from caseflow import policy
from caseflow.cases.hooks import Effects
from caseflow.core import clock
from caseflow.core.errors import Invalid

EFFECTS = Effects()


def _copy_parties(case):
    return [
        {"role": p.role, "name": p.name, "id_type": p.id_type, "id_number": p.id_number,
         "address": p.address, "phone": p.phone, "user_id": p.user_id}
        for p in case.parties
    ]


def linked_case(case, procedure, actor, data, summary, *, public=True, continues=False):
    """A case linked to ``case``. ``continues``: the same request goes on in another procedure (a conversion): it
    keeps the channel it came by, and an adjudication keeps the day it was received (局令81 art. 20)."""
    from caseflow.cases.services import create_case

    fields = {
        "title": case.title, "facts": case.facts, "claims": case.claims, "kind": case.kind,
        "ip_type": case.ip_type, "right_number": case.right_number, "asserted_claims": case.asserted_claims,
        "channel": case.channel if continues else "transfer", "data": data,
    }
    received_at = case.received_at if continues and procedure == "adjudication" else None
    child = create_case(procedure=procedure, unit=case.unit, actor=actor, fields=fields,
                        parties=_copy_parties(case), parent=case, summary=summary, received_at=received_at)
    # The rights holder follows converted cases and injunctions; referrals are internal.
    child.created_by = case.created_by if public else None  # the relationship, so the loaded object agrees
    child.assignee_id = case.assignee_id
    return child


@EFFECTS("assign_officer")
def assign_officer(*, case, actor, data, fired):
    from caseflow.cases.services import find_staff

    officer = find_staff(case.unit, data["officer"], {"officer", "supervisor", "mediator"})
    if officer is None:
        raise Invalid("承办人不存在或不属于本单位", fields={"officer": "请选择本单位的执法人员"})
    case.assignee = officer


@EFFECTS("assign_mediator")
def assign_mediator(*, case, actor, data, fired):
    from caseflow.cases.services import find_staff

    mediator = find_staff(case.unit, data["mediator"], {"mediator", "officer"})
    if mediator is None:
        raise Invalid("调解员不存在或不属于本单位", fields={"mediator": "请选择本单位的调解员"})
    case.assignee = mediator
    case.remember(mediator=mediator.username)


@EFFECTS("create_linked_case")
def create_linked_case(*, case, actor, data, fired):
    from caseflow.injunction.services import hand_over

    target = data["procedure"]
    payload = {"origin": case.number}
    if target == "mediation" and data.get("category"):
        payload["category"] = data["category"]  # 局令81 art. 63; else the office records it on the new case
    child = linked_case(case, target, actor, payload, f"由{case.number}转立案", continues=True)
    case.remember(converted_to=child.id)
    hand_over(case, child, actor)  # docs/procedures.md, complaint: convert hands the open injunctions to the new case


@EFFECTS("create_referral")
def create_referral(*, case, actor, data, fired):
    kind = data.get("kind") or "court"
    payload = {"referral_kind": kind, "target": data.get("target"), "reason": data.get("reason"),
               "origin": case.number}
    child = linked_case(case, "referral", actor, payload, f"由{case.number}移送", public=False)
    case.remember(referral=child.id)


@EFFECTS("remember_paused_from")
def remember_paused_from(*, case, actor, data, fired):
    case.remember(paused_from=fired.from_state)


# ---- 专利侵权纠纷行政裁决 (workflows/adjudication.py) ----


@EFFECTS("remember_fields")
def remember_fields(*, case, actor, data, fired):
    """Keep the action's input on the case (e.g. ``data["decide"]["outcome"]``) for later guards and pages."""
    case.remember(**{fired.action.name: {k: v for k, v in (data or {}).items() if v not in (None, "")}})


@EFFECTS("record_filing_checks")
def record_filing_checks(*, case, actor, data, fired):
    """局令81 arts 12, 14, 19: the conditions the officer checked at 立案, and the risks shown on the case."""
    from workflows.adjudication import time_bar_risk

    checks = {k: v for k, v in (data or {}).items() if v not in (None, "") and k != "members"}
    risks = []
    risk = time_bar_risk(checks.get("known_on"), checks.get("continuing"), clock.today())
    if risk:
        risks.append(risk)
    if case.ip_type in ("utility_model", "design") and checks.get("evaluation_report") == "requested":
        risks.append("已要求提交专利权评价报告，尚未提交（第十四条第二款）")
    if checks.get("patent_status") == "invalidation_pending":
        risks.append("涉案专利处于无效宣告审查中；实用新型、外观设计专利的无效宣告请求已受理的，应当中止（第二十八条）")
    case.remember(filing_checks=checks, risks=risks)


@EFFECTS("set_track")
def set_track(*, case, actor, data, fired):
    """快速裁决 or the ordinary track: only internal targets change, never a party's period."""
    case.track = data["track"]


@EFFECTS("link_consolidated")
def link_consolidated(*, case, actor, data, fired):
    """局令81 art. 21: link two open adjudications of the same office that are heard together."""
    import sqlalchemy as sa

    from caseflow.cases.models import Case
    from caseflow.core.db import db

    number = (data.get("other_case") or "").strip()
    other = db.session.scalar(sa.select(Case).where(Case.number == number, Case.unit_id == case.unit_id,
                                                    Case.procedure == case.procedure))
    if other is None or other.id == case.id:
        raise Invalid("关联案件不存在或不属于本单位", fields={"other_case": "请填写本单位另一行政裁决案件的案号"})
    if other.closed_at is not None:
        raise Invalid("关联案件已经结案，不能合并审理", fields={"other_case": "该案件已结案"})
    for a, b in ((case, other), (other, case)):
        linked = list((a.data or {}).get("consolidated_with") or [])
        if b.number not in linked:
            linked.append(b.number)
        a.remember(consolidated_with=linked)


@EFFECTS("store_panel")
def store_panel(*, case, actor, data, fired):
    """局令81 art. 20: the 合议组 (three or more, an odd number, staff of the office)."""
    from caseflow.cases.services import find_staff

    members = list(data["members"])
    for username in members:
        if find_staff(case.unit, username, {"officer", "supervisor"}) is None:
            raise Invalid("合议组成员须为本单位执法人员", fields={"members": f"{username} 不是本单位执法人员"})
    case.remember(panel=members)


@EFFECTS("record_deliberation")
def record_deliberation(*, case, actor, data, fired):
    """局令81 art. 25: the 合议 of the panel as it is now (its majority opinion, any dissent); the decision follows
    it."""
    case.remember(deliberation={
        "outcome": data.get("outcome"), "opinion": data.get("opinion"), "dissent": data.get("dissent") or "",
        "panel": list((case.data or {}).get("panel") or []), "on": clock.today().isoformat(),
        "by": actor.username if actor else None})


@EFFECTS("reopen_deliberation")
def reopen_deliberation(*, case, actor, data, fired):
    """A hearing held after a 合议 brings what the panel has not deliberated on: a new 合议 precedes the decision."""
    if (case.data or {}).get("deliberation"):
        case.remember_entry("deliberations", case.data["deliberation"], deliberation=None)


@EFFECTS("record_recusal")
def record_recusal(*, case, actor, data, fired):
    """局令81 art. 5: a pending 回避 application, decided by the department head."""
    if data["member"] not in ((case.data or {}).get("panel") or []):
        raise Invalid("只能对本案合议组成员申请回避", fields={"member": "请选择合议组成员"})
    case.remember(recusal={"member": data["member"], "grounds": data["grounds"],
                            "by": actor.username if actor else None})


@EFFECTS("decide_recusal")
def decide_recusal(*, case, actor, data, fired):
    pending = (case.data or {}).get("recusal") or {}
    panel = list((case.data or {}).get("panel") or [])
    if data.get("outcome") == "granted" and pending.get("member") in panel:
        replacement = (data.get("replacement") or "").strip()
        if not replacement:
            raise Invalid("准予回避的，应当指定替换的办案人员", fields={"replacement": "请选择替换的办案人员"})
        if replacement in panel:
            raise Invalid("替换的办案人员已是合议组成员", fields={"replacement": "请选择合议组以外的办案人员"})
        panel[panel.index(pending["member"])] = replacement
        case.remember(panel=panel)
    case.remember_entry("recusals", {**pending, "outcome": data.get("outcome")}, recusal=None)


@EFFECTS("remember_objection")
def remember_objection(*, case, actor, data, fired):
    """局令81 art. 9: a 管辖权异议 raised in the answer period, decided within 5 working days."""
    case.remember(jurisdiction_objection="pending", jurisdiction_grounds=data.get("grounds"))


@EFFECTS("decide_objection")
def decide_objection(*, case, actor, data, fired):
    case.remember(jurisdiction_objection=data.get("outcome"))


@EFFECTS("transfer_case")
def transfer_case(*, case, actor, data, fired):
    """An upheld jurisdiction objection, or a revocation for want of jurisdiction: the case goes to the competent
    department (局令81 art. 9). A decision the head took or approved is the transfer's too: the referral goes on to
    telling the requester. Where the office lets an officer decide alone, the head still approves the transfer."""
    from caseflow.cases.services import run_system_action

    reason = data.get("reasons") or data.get("reason")
    payload = {"referral_kind": "agency", "target": data.get("target"), "reason": reason, "origin": case.number}
    child = linked_case(case, "referral", actor, payload, f"由{case.number}移送", public=False)
    case.remember(referral=child.id)
    if policy.head_decided(fired.action, policy.case_roles(actor, case), case.unit.code, case.procedure,
                           current_app.config.get("APPROVAL_OVERRIDES", {})):
        run_system_action(child, "approve_with_origin",
                          data={"decision": f"{case.number}{fired.action.label}：{reason}"})


@EFFECTS("record_publication")
def record_publication(*, case, actor, data, fired):
    """局令81 art. 83: the decision published (redacted); 典型案例 may be marked."""

    case.remember(published={"on": clock.today().isoformat(), "typical": data.get("typical") == "yes",
                              "redactions": data.get("redactions") or ""})


@EFFECTS("track_excluded_period")
def track_excluded_period(*, case, actor, data, fired):
    """局令81 art. 37: which periods not counted in the case limit are running (和解, 公告, 检验鉴定), since when."""
    periods = dict((case.data or {}).get("excluded_periods") or {})
    if fired.action.pauses:
        periods[fired.action.pause_key] = clock.today().isoformat()
    else:
        periods.pop(fired.action.pause_key, None)
    case.remember(excluded_periods=periods)


@EFFECTS("count_extension")
def count_extension(*, case, actor, data, fired):
    """局令81 art. 37: how many extensions of the case limit were approved (the second needs the superior office)."""
    case.remember(case_limit_extensions=int((case.data or {}).get("case_limit_extensions") or 0) + 1)
