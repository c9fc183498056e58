"""Effects that actions declare by name (DESIGN.md §2): linked cases, assignment, remembered states."""

from __future__ import annotations

from collections.abc import Callable

from caseflow.core import clock
from caseflow.core.errors import Invalid

REGISTRY: dict[str, Callable] = {}


def effect(name: str):
    def register(fn):
        REGISTRY[name] = fn
        return fn

    return register


def run(name: str, **kwargs) -> None:
    """Run a declared effect inside the action's transaction."""
    REGISTRY[name](**kwargs)


def _copy_parties(case):
    return [
        {"role": p.role, "name": p.name, "id_type": p.id_type, "id_number": p.id_number,
         "address": p.address, "phone": p.phone, "user_id": p.user_id}
        for p in case.parties
    ]


def _linked(case, procedure, actor, data, summary, *, public=True):
    from caseflow.cases.services import create_case

    fields = {
        "title": case.title, "facts": case.facts, "claims": case.claims, "kind": case.kind,
        "ip_type": case.ip_type, "right_number": case.right_number, "asserted_claims": case.asserted_claims,
        "channel": "transfer", "data": data,
    }
    child = create_case(procedure=procedure, unit=case.unit, actor=actor, fields=fields,
                        parties=_copy_parties(case), parent=case, summary=summary)
    # The rights holder follows converted cases and injunctions; referrals are internal.
    child.created_by = case.created_by if public else None  # the relationship, so the loaded object agrees
    child.assignee_id = case.assignee_id
    return child


@effect("assign_officer")
def assign_officer(*, case, actor, data, fired):
    from caseflow.cases.services import find_staff

    officer = find_staff(case.unit, data["officer"], {"officer", "supervisor", "mediator"})
    if officer is None:
        raise Invalid("承办人不存在或不属于本单位", fields={"officer": "请选择本单位的执法人员"})
    case.assignee = officer


@effect("assign_mediator")
def assign_mediator(*, case, actor, data, fired):
    from caseflow.cases.services import find_staff

    mediator = find_staff(case.unit, data["mediator"], {"mediator", "officer"})
    if mediator is None:
        raise Invalid("调解员不存在或不属于本单位", fields={"mediator": "请选择本单位的调解员"})
    case.assignee = mediator
    case.data = {**(case.data or {}), "mediator": mediator.username}


@effect("create_linked_case")
def create_linked_case(*, case, actor, data, fired):
    from caseflow.injunction.services import hand_over

    target = data["procedure"]
    payload = {"origin": case.number}
    if target == "mediation" and data.get("category"):
        payload["category"] = data["category"]  # 局令81 art. 63; else the office records it on the new case
    child = _linked(case, target, actor, payload, f"由{case.number}转立案")
    case.data = {**(case.data or {}), "converted_to": child.id}
    hand_over(case, child, actor)  # DESIGN.md §2.1: convert hands the open injunctions to the new case


@effect("create_referral")
def create_referral(*, case, actor, data, fired):
    kind = data.get("kind") or "court"
    payload = {"referral_kind": kind, "target": data.get("target"), "reason": data.get("reason"),
               "origin": case.number}
    child = _linked(case, "referral", actor, payload, f"由{case.number}移送", public=False)
    case.data = {**(case.data or {}), "referral": child.id}


@effect("create_injunction")
def create_injunction(*, case, actor, data, fired):
    from caseflow.injunction.services import application_data

    payload = application_data(case, actor, data)
    how = "依职权" if payload["applied_by"] == "ex_officio" else "依申请"
    _linked(case, "injunction", actor, payload, f"在{case.number}中{how}启动先行禁令")


@effect("remember_paused_from")
def remember_paused_from(*, case, actor, data, fired):
    case.data = {**(case.data or {}), "paused_from": fired.from_state}


# ---- 专利侵权纠纷行政裁决 (workflows/adjudication.py) ----


def _remember(case, key, value) -> None:
    case.data = {**(case.data or {}), key: value}


@effect("remember_fields")
def remember_fields(*, case, actor, data, fired):
    """Keep the action's input on the case (e.g. ``data["decide"]["outcome"]``) for later guards and pages."""
    _remember(case, fired.action.name, {k: v for k, v in (data or {}).items() if v not in (None, "")})


@effect("record_filing_checks")
def record_filing_checks(*, case, actor, data, fired):
    """局令81 arts 12, 14, 19: the conditions the officer checked at 立案, and the risks shown on the case."""
    from workflows.adjudication import time_bar_risk

    checks = {k: v for k, v in (data or {}).items() if v not in (None, "")}
    risks = []
    risk = time_bar_risk(checks.get("known_on"), checks.get("continuing"), clock.today())
    if risk:
        risks.append(risk)
    if case.ip_type in ("utility_model", "design") and checks.get("evaluation_report") == "requested":
        risks.append("已要求提交专利权评价报告，尚未提交（第十四条第二款）")
    if checks.get("patent_status") == "invalidation_pending":
        risks.append("涉案专利处于无效宣告审查中；实用新型、外观设计专利的无效宣告请求已受理的，应当中止（第二十八条）")
    _remember(case, "filing_checks", checks)
    _remember(case, "risks", risks)


@effect("set_track")
def set_track(*, case, actor, data, fired):
    """快速裁决 or the ordinary track: only internal targets change, never a party's period."""
    case.track = data["track"]


@effect("link_consolidated")
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
        _remember(a, "consolidated_with", linked)


@effect("store_panel")
def store_panel(*, case, actor, data, fired):
    """局令81 art. 20: the 合议组 (three or more, an odd number, staff of the office)."""
    from caseflow.cases.services import find_staff

    members = list(data["members"])
    for username in members:
        if find_staff(case.unit, username, {"officer", "supervisor"}) is None:
            raise Invalid("合议组成员须为本单位执法人员", fields={"members": f"{username} 不是本单位执法人员"})
    _remember(case, "panel", members)


@effect("record_recusal")
def record_recusal(*, case, actor, data, fired):
    """局令81 art. 5: a pending 回避 application, decided by the department head."""
    if data["member"] not in ((case.data or {}).get("panel") or []):
        raise Invalid("只能对本案合议组成员申请回避", fields={"member": "请选择合议组成员"})
    _remember(case, "recusal", {"member": data["member"], "grounds": data["grounds"],
                                "by": actor.username if actor else None})


@effect("decide_recusal")
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
        _remember(case, "panel", panel)
    history = list((case.data or {}).get("recusals") or [])
    history.append({**pending, "outcome": data.get("outcome")})
    _remember(case, "recusals", history)
    _remember(case, "recusal", None)


@effect("remember_objection")
def remember_objection(*, case, actor, data, fired):
    """局令81 art. 9: a 管辖权异议 raised in the answer period, decided within 5 working days."""
    _remember(case, "jurisdiction_objection", "pending")
    _remember(case, "jurisdiction_grounds", data.get("grounds"))


@effect("decide_objection")
def decide_objection(*, case, actor, data, fired):
    _remember(case, "jurisdiction_objection", data.get("outcome"))


@effect("transfer_case")
def transfer_case(*, case, actor, data, fired):
    """An upheld jurisdiction objection: the case goes to the competent department (局令81 art. 9)."""
    payload = {"referral_kind": "agency", "target": data.get("target"), "reason": data.get("reasons"),
               "origin": case.number}
    child = _linked(case, "referral", actor, payload, f"由{case.number}移送", public=False)
    _remember(case, "referral", child.id)


@effect("schedule_hearing")
def schedule_hearing(*, case, actor, data, fired):
    from caseflow.hearings import services

    services.schedule_from_action(case, actor=actor, data=data)


@effect("postpone_hearing")
def postpone_hearing(*, case, actor, data, fired):
    from caseflow.hearings import services

    services.postpone_from_action(case, actor=actor, data=data)


@effect("hold_hearing")
def hold_hearing(*, case, actor, data, fired):
    from caseflow.hearings import services

    services.hold_from_action(case, actor=actor, data=data)


@effect("record_publication")
def record_publication(*, case, actor, data, fired):
    """局令81 art. 83: the decision published (redacted); 典型案例 may be marked."""

    _remember(case, "published", {"on": clock.today().isoformat(), "typical": data.get("typical") == "yes",
                                  "redactions": data.get("redactions") or ""})


@effect("issue_access_codes")
def issue_access_codes(*, case, actor, data, fired):
    """Serving the request gives each respondent an access code to the portal (one case only)."""
    from caseflow.hearings import access

    access.issue_codes(case, actor)


@effect("flag_late_filing")
def flag_late_filing(*, case, actor, data, fired):
    """A party's filing after its period ran out is accepted and flagged 逾期 (case page and audit chain)."""
    from caseflow.hearings import filings

    filings.flag_action(case, fired.action, actor, data)


@effect("count_extension")
def count_extension(*, case, actor, data, fired):
    """局令81 art. 37: how many extensions of the case limit were approved (the second needs the superior office)."""
    _remember(case, "case_limit_extensions", int((case.data or {}).get("case_limit_extensions") or 0) + 1)


# ---- 行政调解 + 司法确认 (workflows/mediation.py) ----


@effect("mediation_record")
def mediation_record(*, case, actor, data, fired):
    """Keep what the step established on the case (category, statement, sessions, agreement, signatures …)."""
    from caseflow.mediation import services

    services.record_step(case, actor=actor, data=data, fired=fired)


@effect("schedule_mediation_session")
def schedule_mediation_session(*, case, actor, data, fired):
    """A session in a room or remote, conflict-checked against rooms, the mediator and the parties (hearings)."""
    from caseflow.mediation import services

    services.schedule_session(case, actor=actor, data=data)


@effect("hold_mediation_session")
def hold_mediation_session(*, case, actor, data, fired):
    from caseflow.hearings import services

    services.hold_from_action(case, actor=actor, data={"record": data.get("notes")})


# ---- 先行发布禁令 (workflows/injunction.py) and 移送 (workflows/referral.py) ----


@effect("issue_injunction")
def issue_injunction(*, case, actor, data, fired):
    """The order's measures on the case; a take-down also drafts the notice to the e-commerce platform."""
    from caseflow.notices.drafting import draft_notice

    measures = data.get("measures") or []
    measures = [measures] if isinstance(measures, str) else list(measures)
    order = {"measures": measures, "products": data.get("products"), "platform": data.get("platform") or None,
             "listings": data.get("listings") or None, "issued_on": clock.today().isoformat()}
    _remember(case, "order", order)
    if "take_down" in measures:
        draft_notice(case, "platform_notice", actor=actor, data=data, action=fired.action.name)


@effect("record_injunction_check")
def record_injunction_check(*, case, actor, data, fired):
    """Compliance checks and breaches, each with the evidence it rests on (numbers of this case's evidence)."""
    from caseflow.injunction.services import evidence_refs

    refs = evidence_refs(case, data.get("evidence"), "evidence")
    entry = {"kind": "breach" if fired.action.name == "record_breach" else "check",
             "on": data.get("found_on") or data.get("checked_on"), "method": data.get("method"),
             "text": data.get("description") or data.get("result"), "evidence": refs,
             "by": actor.username if actor else None}
    _remember(case, "checks", [*((case.data or {}).get("checks") or []), entry])


@effect("start_referral")
def start_referral(*, case, actor, data, fired):
    from caseflow.referral.services import start_from

    start_from(case, actor=actor, data=data)


@effect("store_referral_report")
def store_referral_report(*, case, actor, data, fired):
    from caseflow.referral.services import store_report

    store_report(case, actor=actor, data=data)


@effect("record_requester_informed")
def record_requester_informed(*, case, actor, data, fired):
    from caseflow.referral import services

    services.record_requester_informed(case, actor=actor, data=data)


@effect("package_referral")
def package_referral(*, case, actor, data, fired):
    from caseflow.referral.services import package_for_transfer

    package_for_transfer(case, actor=actor)


@effect("record_exhibit_handover")
def record_exhibit_handover(*, case, actor, data, fired):
    from caseflow.referral import services

    services.record_exhibit_handover(case, actor=actor, data=data)


@effect("track_referral_materials")
def track_referral_materials(*, case, actor, data, fired):
    """A police request for missing materials is pending until the office supplies them."""
    pending = fired.action.name == "record_materials_request"
    history = list((case.data or {}).get("materials") or [])
    history.append({"kind": "request" if pending else "supplied", "text": data.get("items") or data.get("note"),
                    "by": actor.username if actor else None})
    _remember(case, "materials", history)
    _remember(case, "materials_requested", pending)


@effect("set_referral_parent_effect")
def set_referral_parent_effect(*, case, actor, data, fired):
    """The referring case goes on or waits; the change is noted on that case too."""
    from caseflow.cases.audit import record_event
    from workflows.base import PARENT_EFFECTS

    _remember(case, "parent_effect", data["parent_effect"])
    if case.parent is not None:
        record_event(case.parent, tag="case:referral:parent_effect", actor=actor,
                     summary=f"移送{case.number}期间：{PARENT_EFFECTS[data['parent_effect']]}",
                     data={"referral_id": case.id, "parent_effect": data["parent_effect"], "note": data.get("note")})
