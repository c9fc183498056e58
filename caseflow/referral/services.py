"""Referral services (docs/procedures.md, referral; 国务院令310; 局令81 art. 9). Services flush, never commit.

- ``start_from``: any case starts a referral (a linked ``referral`` case) and records whether it goes on meanwhile.
- ``store_report``: the special team (two or more officers of the office) and its written report.
- ``package_for_transfer`` / ``build_transfer_package``: at the transfer the evidence of the referred case (and of
  the referral itself) is packaged with ``caseflow.evidence.package.build_package``; the package is checked when it
  is built, its file list and hashes are kept on the referral, and the same evidence is packaged again for download
  (a zip whose manifest ``flask --app wsgi caseflow verify-package`` checks).
- ``on_referral_action``: a complaint referred as a whole ends when the matter is sent, or resumes on a refusal; an
  adjudication's refused application for enforcement returns it to 已催告.
- ``register_incoming``: a referral received from the police or another agency becomes a new case.
- ``linked_of``: what the parent case shows of its referrals and injunctions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

import workflows
from caseflow import policy
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, PartyRole
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid, NotFound
from workflows.base import PARENT_EFFECTS
from workflows.referral import KINDS

INCOMING_SOURCES = {"police": "公安机关移送（不构成犯罪或不需追究刑事责任，但应当给予行政处理）",
                    "agency": "其他行政机关移送（管辖移送）",
                    "court": "人民法院、人民检察院移送"}


def start_from(parent: Case, *, actor, data: dict) -> Case:
    """Create a referral linked to ``parent``; the parent goes on or waits, as the officer records."""
    from caseflow.cases.effects import linked_case

    kind = data.get("kind")
    if kind not in ("police", "agency"):
        raise Invalid("请选择移送类型", fields={"kind": "请选择移送公安机关或其他行政机关"})
    effect = data.get("parent_effect") or "continue"
    payload = {"referral_kind": kind, "target": data.get("target"), "reason": data.get("reason"),
               "origin": parent.number, "parent_effect": effect}
    child = linked_case(parent, "referral", actor, payload, f"由{parent.number}移送", public=False)
    parent.remember_entry("referrals", child.id)
    record_event(parent, tag="case:referral:start", actor=actor,
                 summary=f"发起{KINDS[kind]}：{child.number}（{PARENT_EFFECTS[effect]}）",
                 data={"referral_id": child.id, "kind": kind, "parent_effect": effect})
    return child


def on_referral_action(case: Case, fired, actor, data: dict) -> None:
    """A case in a state that waits on its referral (``State.on_referral``) follows it: a complaint referred as a
    whole (全案移送) ends as 已移送 when the matter is sent and goes back to 已受理 when the head does not approve the
    referral; an adjudication whose application for enforcement the head does not approve goes back to 已催告."""
    from caseflow.cases.services import run_system_action

    parent = case.parent
    if case.procedure != "referral" or parent is None or (parent.data or {}).get("referral") != case.id:
        return
    follow = workflows.procedure(parent.procedure).states[parent.state].on_referral
    if follow is None:
        return
    sent, declined = follow
    if fired.action.name == "transfer" and sent:
        run_system_action(parent, sent)
    elif fired.action.name == "decline" and declined:
        run_system_action(parent, declined, data={"reason": data.get("reason")})


def store_report(case: Case, *, actor, data: dict) -> None:
    """Art. 5: the special team's written report; the head's 3 days run from its receipt."""
    from caseflow.cases.services import find_staff

    members = list(data.get("team") or [])
    for username in members:
        if find_staff(case.unit, username, {"officer", "supervisor"}) is None:
            raise Invalid("专案组成员须为本单位执法人员", fields={"team": f"{username} 不是本单位执法人员"})
    case.remember(team=members, threshold=data.get("threshold"), report=data.get("report"),
                  report_at=clock.now().isoformat())


def record_requester_informed(case: Case, *, actor, data: dict) -> None:
    case.remember(requester_informed={"on": clock.today().isoformat(), "method": data.get("method"),
                                      "note": data.get("note"), "by": actor.username if actor else None})


def referred_case(case: Case) -> Case:
    """The case whose matter is referred: the parent, or the referral itself when it has none."""
    return case.parent or case


def _items(case: Case, ids: list[int] | None = None):
    from caseflow.evidence.models import Evidence
    from caseflow.evidence.services import list_evidence

    if ids is not None:
        rows = [db.session.get(Evidence, i) for i in ids]
        return [e for e in rows if e is not None]
    items = list_evidence(case)
    if case.parent is not None:
        items = list_evidence(case.parent) + items
    return items


def build_transfer_package(case: Case, *, directory: str | Path | None = None) -> Path:
    """The referral's evidence package as a zip file (the caller removes it)."""
    from caseflow.evidence.package import PackageError, build_package

    recorded = (case.data or {}).get("package") or {}
    items = _items(case, recorded.get("evidence_ids") if recorded else None)
    try:
        return build_package(referred_case(case), items=items, directory=directory)
    except PackageError as exc:
        raise Conflict(str(exc)) from None


def package_for_transfer(case: Case, *, actor) -> dict:
    """Build and check the package at the transfer; keep what it holds (and its verification) on the referral."""
    from caseflow.evidence.package import verify_package
    from caseflow.evidence.services import record_package

    items = _items(case)
    path = build_transfer_package(case)
    try:
        report = verify_package(path)
        size = path.stat().st_size
    finally:
        path.unlink(missing_ok=True)
    if report.problems:
        raise Conflict("证据包校验失败：" + "；".join(report.problems))
    summary = {"built_at": clock.now().isoformat(), "evidence_ids": [e.id for e in items],
               "files": [{"label": e.label, "title": e.title, "sha256": e.sha256, "size": e.size} for e in items],
               "members": len(report.ok), "size": size}
    case.remember(package=summary)
    source = referred_case(case)
    if items:
        record_package(source, actor=actor, evidence_list=items)
    record_event(case, tag="case:referral:package", actor=actor,
                 summary=f"随案移送证据包：{len(items)} 份证据，{len(report.ok)} 个文件经 SHA-256 校验一致",
                 data={"evidence_ids": summary["evidence_ids"], "sha256": [e.sha256 for e in items]})
    return summary


def record_exhibit_handover(case: Case, *, actor, data: dict) -> None:
    """Art. 12: exhibits handed over after the police opened a case (a custody event on the referred case)."""
    from caseflow.evidence.services import record_handover

    case.remember(hand_over={"items": data.get("items"), "receiver": data.get("receiver"),
                             "on": clock.today().isoformat()})
    recorded = ((case.data or {}).get("package") or {}).get("evidence_ids")
    items = _items(case, recorded)
    if items:
        record_handover(items, actor=actor,
                        recipient=f"{case.data.get('target') or '公安机关'}（{data.get('receiver')}）",
                        note=data.get("items") or "")


# ---------------------------------------------------------------------------------------------------------
# Incoming referrals
# ---------------------------------------------------------------------------------------------------------


def register_incoming(*, actor, unit, data: dict) -> Case:
    """An officer registers a referral received from the police or another agency: a new case in intake."""
    from caseflow.cases.services import create_case

    if not policy.can_register_incoming_referral(actor, unit):
        raise NotFound("单位不存在")
    source = data.get("source")
    if source not in INCOMING_SOURCES:
        raise Invalid("请选择移送来源", fields={"source": "请选择移送来源"})
    received = data.get("received_on")
    if isinstance(received, str):
        try:
            received = dt.date.fromisoformat(received)
        except ValueError:
            raise Invalid("收到日期无效", fields={"received_on": "请填写有效日期"}) from None
    if received and received > clock.today():
        raise Invalid("收到日期不能晚于今天", fields={"received_on": "收到日期不能晚于今天"})
    parties = []
    if (data.get("respondent_name") or "").strip():
        parties.append({"role": PartyRole.RESPONDENT, "name": data["respondent_name"].strip(),
                        "address": (data.get("respondent_address") or "").strip() or None})
    incoming = {"source": source, "sender": data.get("sender"), "document_number": data.get("document_number"),
                "received_on": received.isoformat() if received else clock.today().isoformat(),
                "registered_by": actor.username}
    fields = {"title": data.get("title"), "facts": data.get("facts") or "", "claims": data.get("claims") or "",
              "kind": data.get("kind"), "ip_type": data.get("ip_type") or None,
              "right_number": data.get("right_number") or None, "channel": "transfer",
              "data": {"incoming_referral": incoming}}
    case = create_case(procedure="complaint", unit=unit, actor=actor, fields=fields, parties=parties,
                       summary=f"登记{data.get('sender') or ''}移送的案件（{INCOMING_SOURCES[source][:6]}）")
    case.assignee = actor if actor.role == "officer" else None
    return case


# ---------------------------------------------------------------------------------------------------------
# What the parent case shows
# ---------------------------------------------------------------------------------------------------------


def _parent_status(child: Case | sa.Row, parent: Case) -> str:
    """What the referring case does meanwhile, as the officer recorded it and as the case stands now."""
    if parent.closed_at is not None:
        return "原案件已结案"
    if parent.state == "referring" and (parent.data or {}).get("referral") == child.id:
        return "全案移送：本案待移送后以“已移送”结案，不批准移送的恢复办理"
    if child.closed_at is not None:
        state = workflows.procedure(child.procedure).state_title(child.state)
        return f"移送已办结（{state}），本案继续办理"
    effect = (child.data or {}).get("parent_effect") or "continue"
    if effect == "suspend" and parent.state == "suspended":
        return "本案已中止，待移送结果"
    return PARENT_EFFECTS[effect]


def linked_of(case: Case, viewer, children: list[sa.Row], parties: dict[int, list[sa.Row]]) -> list[dict]:
    """Each referral and injunction started from the case, with its state and what the case does meanwhile
    (``children`` and ``parties``: the case's children and, for a party's account, their parties by case id, as
    cases.page.children_of gives them)."""
    from caseflow.injunction.services import measure_titles

    out = []
    for child in children:
        if (child.procedure not in ("referral", "injunction")
                or not policy.can_view_case(viewer, child, parties.get(child.id, []))):
            continue
        proc = workflows.procedure(child.procedure)
        data = child.data or {}
        item = {"id": child.id, "number": child.number, "procedure": child.procedure, "procedure_title": proc.title,
                "state": child.state, "state_title": proc.state_title(child.state),
                "closed": child.closed_at is not None}
        if child.procedure == "referral":
            kind = data.get("referral_kind") or "court"
            item.update(kind=kind, kind_title=KINDS.get(kind, kind), target=data.get("target") or "",
                        parent_effect=data.get("parent_effect") or "continue",
                        parent_status=_parent_status(child, case))
        else:
            order = data.get("order") or {}
            item.update(measures=measure_titles(order.get("measures")),
                        applied_by="依职权" if data.get("applied_by") == "ex_officio" else "依申请")
        out.append(item)
    return out


def panel_of(case: Case, viewer, children: list[sa.Row], parties: dict[int, list[sa.Row]]) -> dict:
    """Everything the case page shows about referrals and injunctions, for this case and its linked ones
    (``children`` and ``parties``: as linked_of takes them)."""
    from caseflow.injunction.config import APPROVERS, Period
    from caseflow.injunction.services import evidence_count, measure_titles
    from workflows.injunction import CHECK_METHODS
    from workflows.referral import THRESHOLD

    data = case.data or {}
    out: dict = {"linked": linked_of(case, viewer, children, parties), "referral": None, "injunction": None}
    if case.procedure == "referral":
        kind = data.get("referral_kind") or "court"
        parent = case.parent
        out["referral"] = {
            "kind_title": KINDS.get(kind, kind), "target": data.get("target") or "", "reason": data.get("reason") or "",
            "team": data.get("team") or [], "threshold": THRESHOLD.get(data.get("threshold") or "", ""),
            "report": data.get("report") or "", "package": data.get("package"),
            "informed": data.get("requester_informed"), "materials": data.get("materials") or [],
            "parent_status": _parent_status(case, parent) if parent is not None else "",
        }
    elif case.procedure == "injunction":
        cfg = data.get("config") or {}
        order = data.get("order") or {}
        out["injunction"] = {
            "applied_by": "权利人申请" if data.get("applied_by") == "rights_holder" else "依职权",
            "applicant": data.get("applicant") or "", "reason": data.get("reason") or "",
            "main_case": data.get("main_case") or "",
            "review": Period(**cfg["review"]).text if cfg.get("review") else "",
            "approver": APPROVERS.get(cfg.get("approver") or "", ""),
            "duration": data.get("duration_text") or "",
            "legal_basis": data.get("legal_basis") or "",
            "measures": measure_titles(order.get("measures")), "products": order.get("products") or "",
            "platform": order.get("platform") or "", "listings": order.get("listings") or "",
            "needs_evidence": case.state == "requested" and evidence_count(case) == 0,
            "checks": [{**c, "method_title": CHECK_METHODS.get(c.get("method") or "", c.get("method") or "")}
                       for c in data.get("checks") or []],
        }
    return out
