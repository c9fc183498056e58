"""行政调解 + 司法确认: the request, the steps' case data, sessions, the case panel and the confirmation package.

State changes go through ``caseflow.cases.services.perform`` and the declaration in workflows/mediation.py; this
module only creates the request (a new case), keeps what each step established on the case (the
``mediation_record`` effect), books sessions through the hearings domain's conflict checks, and reads.
Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from caseflow import policy
from caseflow.accounts.models import Role, User
from caseflow.accounts.services import unit_by_code
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, PartyRole
from caseflow.cases.services import create_case, party_dicts
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Forbidden, Invalid
from workflows import mediation as wf

#: Where the portal keeps the key of the form a request came from (a second submit finds the first case).
FORM_KEY = "portal_request"


# ---------------------------------------------------------------------------
# The request (调解请求书, 局令81 art. 64)
# ---------------------------------------------------------------------------


def find_decision(ref: str | None):
    """The issued 行政裁决书/处理决定书 with this number, if this system issued it."""
    from caseflow.notices.models import Notice, NoticeStatus

    ref = (ref or "").strip()
    if not ref:
        return None
    return db.session.scalar(sa.select(Notice).where(Notice.number == ref, Notice.kind == "decision",
                                                     Notice.status == NoticeStatus.ISSUED))


def check_decision(category: str | None, ref: str | None, actor: User | None) -> dict:
    """局令81 art. 64: a damages-only request must carry the decision that found infringement.

    Returns what to keep on the case: the reference, and whether the decision was found here and found
    infringement. A reference that is malformed, or names a decision of this system that did not find
    infringement, is refused. Only a decision of a case the actor may see is looked at: to anyone else a number
    answers as one not issued here, so that guessing numbers tells nobody what another case's decision found.
    """
    ref = (ref or "").strip()
    if category != "damages":
        return {"decision_ref": ref} if ref else {}
    if not ref:
        raise Invalid("仅就侵权赔偿数额请求调解的，应当提供认定侵权的处理决定书文号（第六十四条）",
                      fields={"decision_ref": "请填写处理决定书文号，如：渝中知保裁字〔2026〕12号"})
    if not wf.decision_number_ok(ref):
        raise Invalid("处理决定书文号格式不正确", fields={"decision_ref": "文号应形如：渝中知保裁字〔2026〕12号"})
    notice = find_decision(ref)
    if notice is not None and actor is not None and not policy.can_view_case(actor, notice.case):
        notice = None
    if notice is None:
        return {"decision_ref": ref, "decision_verified": False}
    outcome = (notice.data or {}).get("outcome") or ((notice.case.data or {}).get("decide") or {}).get("outcome")
    if outcome != "infringement":
        raise Invalid("该处理决定书未认定侵权，不能仅就赔偿数额请求调解（第六十四条）",
                      fields={"decision_ref": "该决定书驳回了处理请求，未认定侵权"})
    return {"decision_ref": ref, "decision_verified": True, "decision_case": notice.case.number}


def check_grant(category: str, granted: str | None) -> None:
    """局令81 art. 63(四): the provisional-protection fee may be claimed only after the grant is announced."""
    if category == "provisional_fee" and granted != "yes":
        raise Invalid("发明专利临时保护期使用费纠纷，应当在专利权授予公告之后请求调解（第六十三条第（四）项）",
                      fields={"granted": "专利权尚未公告授予的，不能请求调解"})


def create_request(data: dict, actor: User, *, form_key: str | None = None) -> Case:
    """Create a mediation case from a validated request (portal or API)."""
    unit = unit_by_code(data["unit"])
    if unit is None or not policy.can_create_in_unit(actor, unit):
        if not actor.is_staff and not policy.can_file(actor):
            raise Forbidden("只有权利人账户可以提交调解请求")
        raise Invalid("受理单位无效", fields={"unit": "请选择有效的受理单位"})
    category = data["category"]
    check_grant(category, data.get("granted"))
    extra = {"category": category, **check_decision(category, data.get("decision_ref"), actor)}
    if form_key:
        extra[FORM_KEY] = form_key
    parties = (party_dicts(data["claimants"], PartyRole.CLAIMANT)
               + party_dicts(data["respondents"], PartyRole.RESPONDENT))
    fields = {"title": data["title"], "facts": data["facts"], "claims": data["claims"], "ip_type": data["ip_type"],
              "right_number": data["right_number"], "channel": data.get("channel") or "online", "data": extra}
    return create_case(procedure="mediation", unit=unit, actor=actor, fields=fields, parties=parties,
                       summary=f"收到调解请求书（{wf.CATEGORIES[category]}）")


def submitted_request(form_key: str, user: User) -> Case | None:
    """The user's case created from this form (a double submit answers with it)."""
    if not form_key or len(form_key) > 64:
        return None
    return db.session.scalar(
        sa.select(Case).where(Case.created_by_id == user.id, Case.procedure == "mediation",
                              Case.data[FORM_KEY].as_string() == form_key).order_by(Case.id.desc()).limit(1))


# ---------------------------------------------------------------------------
# Steps (the ``mediation_record`` effect) and sessions
# ---------------------------------------------------------------------------


def _side(actor: User | None, data: dict) -> str | None:
    if actor is not None and actor.role == Role.APPLICANT:
        return "claimant"
    if actor is not None and actor.role == Role.RESPONDENT:
        return "respondent"
    return data.get("side") if data.get("side") in wf.SIDES else None


def record_step(case: Case, *, actor: User | None, data: dict, fired) -> None:
    name = fired.action.name
    side = _side(actor, data)
    fields = dict(data or {})
    if name == "set_category":
        category = fields.get("category")
        fields = {"category": category, **check_decision(category, fields.get("decision_ref"), actor)}
        case.remember(**fields)
        return
    if name == "record_court_acceptance" and fields.get("accepted_on"):
        _rebase_court_period(case, fired.action, actor, fields["accepted_on"])
    before = wf.signatures_of(case)

    # The deadlines' clock: the effective date and the 30-day window's trigger are the same day.
    case.remember(**wf.apply(case.data or {}, name, fields, on=clock.today(), side=side,
                             by=actor.username if actor else None))
    if name in ("confirm_agreement", "record_signature") and side:
        who = next((p.name for p in case.parties if p.role.value == side), wf.SIDES[side])
        how = "在线确认调解协议书（视为签名）" if name == "confirm_agreement" else "在调解协议书上签名（工作人员登记）"
        record_event(case, tag="case:agreement:sign", actor=actor, summary=f"{wf.SIDES[side]}“{who}”{how}",
                     data={"side": side, "via": "portal" if name == "confirm_agreement" else "paper",
                           "terms_sha": _terms_digest(case)})
        effective = wf.agreement_of(case).get("effective_on")
        if effective and len(before) < len(wf.SIDES):
            record_event(case, tag="case:agreement:effective", actor=actor,
                         summary=f"调解协议书经双方当事人签署，自 {effective} 起生效",
                         data={"effective_on": effective})


def _rebase_court_period(case: Case, decl, actor: User | None, accepted_on: str) -> None:
    """The court's period runs from the day it accepted the application, which the office learns of later."""
    from caseflow.deadlines import lifecycle

    day = dt.date.fromisoformat(str(accepted_on)[:10])
    if day > clock.today():
        raise Invalid("受理日期不能晚于今天", fields={"accepted_on": "请填写人民法院实际受理的日期"})
    applied = ((case.data or {}).get("confirmation") or {}).get("applied_on")
    if applied and day < dt.date.fromisoformat(applied):
        raise Invalid("受理日期不能早于申请日期", fields={"accepted_on": f"申请日期为 {applied}"})
    if day == clock.today():
        return
    for rule_id in decl.starts:
        lifecycle.start_deadline(case, rule_id, actor=actor, started_by=decl.name, at=day)


def _terms_digest(case: Case) -> str:
    import hashlib

    return hashlib.sha256((wf.agreement_of(case).get("terms") or "").encode()).hexdigest()


def mediator_of(case: Case) -> str | None:
    return (case.data or {}).get("mediator") or (case.assignee.username if case.assignee else None)


def schedule_session(case: Case, *, actor: User | None, data: dict):
    """Book a session through the hearings domain: the room, the mediator and the parties must be free."""
    from caseflow.hearings import services as hearings

    mediator = mediator_of(case)
    # The hearings domain checks the case's "panel" for people booked elsewhere: here, the mediator.
    case.remember(panel=[mediator] if mediator else [])
    mode = data.get("mode") or "in_person"
    try:
        day = dt.date.fromisoformat(str(data.get("session_date"))[:10])
    except ValueError:
        raise Invalid("调解日期无效", fields={"session_date": "请填写有效日期"}) from None
    if day < clock.today():
        raise Invalid("调解日期不能早于今天", fields={"session_date": "请选择今天或以后的日期"})
    try:
        hearing = hearings.schedule(case, actor=actor, day=day, start_time=data.get("start_time"),
                                    hours=data.get("hours"), mode=mode, room_code=data.get("room"),
                                    link=data.get("link"))
    except Conflict as exc:
        raise Conflict(exc.message.replace("口头审理时间冲突", "调解时间冲突").replace("口头审理", "口头审理或调解"),
                       code="session_conflict") from None
    except Invalid as exc:
        raise Invalid(exc.message.replace("审理", "调解"), fields=exc.fields) from None
    case.remember_entry("scheduled", {"hearing_id": hearing.id, "on": day.isoformat(), "mode": mode,
                                      "invitees": data.get("invitees") or ""})
    return hearing


# ---------------------------------------------------------------------------
# Reading: the panel on the case pages
# ---------------------------------------------------------------------------


def _deadline(case: Case, rule_id: str):
    from caseflow.deadlines.models import Deadline

    return db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.rule_id == rule_id)
                              .order_by(Deadline.id.desc()).limit(1)).first()


def confirmation_block(case: Case) -> str | None:
    """Why this agreement can never be sent for judicial confirmation (None when it can)."""
    return wf.CONFIRMATION_BLOCKED if wf.category_of(case) in wf.NOT_CONFIRMABLE else None


def issued_agreement(case: Case):
    from caseflow.notices.models import Notice, NoticeStatus

    return db.session.scalars(sa.select(Notice).where(Notice.case_id == case.id, Notice.kind == "mediation_agreement",
                                                      Notice.status == NoticeStatus.ISSUED)
                              .order_by(Notice.id.desc()).limit(1)).first()


def panel(case: Case, viewer: User, parties: list[sa.Row]) -> dict:
    """What the mediation card of the case page and the portal shows (``parties``: the case's parties with their
    access codes, as cases.page reads them)."""
    from caseflow.hearings import access, services as hearings

    d = case.data or {}
    agreement = wf.agreement_of(case)
    window = _deadline(case, "JC_APPLICATION")
    return {
        "category": wf.CATEGORIES.get(d.get("category") or "", "未登记"),
        "decision_ref": d.get("decision_ref"),
        "decision_verified": d.get("decision_verified"),
        "statement": d.get("statement"),
        "body": wf.BODIES.get(d.get("body") or "", "") + (f"：{d['committee']}" if d.get("committee") else ""),
        "mediator": mediator_of(case),
        "sessions": hearings.rows_of(case),
        "notes": d.get("sessions") or [],
        "agreement": agreement,
        "signatures": [(wf.SIDES[s], (agreement.get("signatures") or {}).get(s)) for s in wf.SIDES],
        "window": window,
        "blocked": confirmation_block(case) if agreement else None,
        "confirmation": d.get("confirmation") or {},
        "profile": wf.PROFILES.get((d.get("confirmation") or {}).get("profile") or "", ""),
        "outcome": wf.COURT_OUTCOMES.get((d.get("confirmation") or {}).get("outcome") or "", ""),
        "package": package_available(case) is None,
        "staff": viewer.is_staff,
        "codes": access.codes_shown(parties) if viewer.is_staff else [],
    }


# ---------------------------------------------------------------------------
# The confirmation package (民诉解释 art. 353: application, agreement, proof of the mediating body, identities)
# ---------------------------------------------------------------------------


def package_available(case: Case) -> str | None:
    """Why the package cannot be made now (None when it can)."""
    if case.procedure != "mediation":
        return "不是调解案件"
    blocked = confirmation_block(case)
    if blocked:
        return blocked
    if not wf.agreement_of(case).get("effective_on"):
        return "调解协议书尚未经双方当事人签署生效"
    if issued_agreement(case) is None:
        return "调解协议书尚未签发"
    return None


def package_context(case: Case) -> dict:
    from caseflow.cases.forms import ID_TYPES
    from caseflow.notices import phrasing
    from caseflow.notices.citations import cn_date

    agreement = wf.agreement_of(case)
    notice = issued_agreement(case)
    effective = dt.date.fromisoformat(agreement["effective_on"])
    window = _deadline(case, "JC_APPLICATION")
    confirmation = (case.data or {}).get("confirmation") or {}
    body_code = (case.data or {}).get("body") or "office"
    body = (case.data or {}).get("committee") if body_code == "committee" else case.unit.name
    parties = [{"role": "申请人（调解请求人）" if p.role == PartyRole.CLAIMANT else "申请人（调解被请求人）",
                "name": p.name, "id_type": ID_TYPES.get(p.id_type.value, "") if p.id_type else "",
                "id_number": p.id_number or "", "address": p.address or "", "phone": p.phone or ""}
               for p in case.parties if p.role in (PartyRole.CLAIMANT, PartyRole.RESPONDENT)]
    signatures = agreement.get("signatures") or {}
    return {
        "case": case, "unit": case.unit, "parties": parties, "notice": notice,
        "terms": (notice.parts or {}).get("terms") or agreement.get("terms") or "",
        "facts": (notice.parts or {}).get("facts") or case.facts,
        "category": wf.CATEGORIES.get((case.data or {}).get("category") or "", ""),
        "dispute": phrasing.phrase_parts(procedure=case.procedure, ip_type=case.ip_type, right_number=case.right_number,
                                         category=(case.data or {}).get("category"), claimants=(), respondents=()
                                         )["dispute"],
        "effective": cn_date(effective), "window_due": cn_date(window.due_date) if window else "",
        "court": confirmation.get("court") or "有管辖权的人民法院",
        "mode": wf.APPLY_MODES.get(confirmation.get("mode") or "joint"),
        "body": body, "body_code": body_code, "mediator": mediator_of(case),
        "signatures": [(wf.SIDES[s], signatures.get(s)) for s in wf.SIDES],
        "today": cn_date(clock.today()),
    }


def package_pdf(case: Case) -> bytes:
    """The 司法确认申请材料 as one PDF for the court."""
    from caseflow.notices import rendering

    reason = package_available(case)
    if reason:
        raise Conflict(f"不能生成司法确认申请材料：{reason}")
    pdf, _pages = rendering.render("mediation/confirmation_package.html", package_context(case))
    return pdf
