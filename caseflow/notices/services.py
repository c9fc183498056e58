"""Official documents: drafting, editing, sign-off, issuing, delivery (送达), consent, opening and verification.

Importing this module plugs ``on_action`` into ``caseflow.cases.services.hooks``: when an action that declares
``notice=`` runs, its document is drafted in the same transaction. Services flush, never commit.

The life of a document
----------------------
- **Draft.** Drafted by the action (or by hand for the kinds the catalogue allows on a procedure) with the
  editable parts pre-filled from the action's fields and the case. Characters no installed font covers are
  reported at once (``missing_chars``) and shown as 〓 in previews, never as a box; issuing refuses them.
- **Sign-off (签发).** Kinds whose catalogue entry says ``approval`` need a supervisor. The action that drafted
  them went through the approvals inbox already (decide, reject, revoke, extend, …): the supervisor's approval
  covers the text drafted from the approved fields, so the officer may issue it as drafted. Editing the text
  afterwards voids that cover, and the officer's "issue" then asks a supervisor of the case's office to sign it
  off (status ``signoff``); the supervisor issues or returns it with a reason. A supervisor issues directly.
- **Issue.** One transaction takes the gapless number (``next_number("notice:<word>", office, year)``), a
  verification code, renders the final PDF once, stores it in the content-addressed storage with its SHA-256 and
  freezes the row (``Notice._frozen``). A correction is a new 更正通知书 that refers to the original.
- **Delivery.** Electronic service needs the addressee's recorded consent and takes place on issue: the document
  arrives in the party's portal account at that moment (民事诉讼法 art. 90); its first opening is recorded.
  Direct service counts from the signature, post from the date on the return receipt, 留置 from the day it was
  left, 公告 from publication + 30 days (art. 95, taking effect later through ``serve_due_publications``). The
  delivery date starts the party's period of the catalogue entry (answer_notice → ADJ_ANSWER) through
  ``caseflow.deadlines.lifecycle.start_party_deadline``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy.orm import selectinload

from caseflow import policy
from caseflow.accounts.models import Role, User
from caseflow.approvals.models import ApprovalRequest
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, CaseEvent, Party, PartyRole
from caseflow.cases.services import hooks
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Forbidden, Invalid, NotFound
from caseflow.core.numbering import next_number
from caseflow.notices import catalogue, context, rendering
from caseflow.notices.citations import cn_date
from caseflow.notices.models import DeliveryMethod, Notice, NoticeDelivery, NoticeStatus, ServiceConsent

STAFF_ROLES = {"officer", "mediator", "supervisor"}
#: 公告送达: "自发出公告之日起，经过三十日，即视为送达" (民事诉讼法 art. 95).
PUBLIC_NOTICE_DAYS = 30
#: Largest PDF the public verification page accepts.
MAX_VERIFY_BYTES = 50 * 1024 * 1024
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_LENGTH = 12


# ---------------------------------------------------------------------------------------------------------
# Who may do what
# ---------------------------------------------------------------------------------------------------------


def staff_roles(user: User | None, case: Case) -> set[str]:
    """The staff roles the user holds on the case (empty for parties and other offices)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return set()
    return policy.case_roles(user, case) & STAFF_ROLES


def is_case_staff(user: User | None, case: Case) -> bool:
    return bool(staff_roles(user, case))


def acting_parties(user: User | None, case: Case) -> list[Party]:
    """The parties of the case this public account acts for (itself, or the claimants it filed for)."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_staff:
        return []
    if not policy.can_view_case(user, case):
        return []
    out = []
    for p in case.parties:
        if p.user_id == user.id:
            if (user.role == Role.RESPONDENT) == (p.role == PartyRole.RESPONDENT):
                out.append(p)
        elif (user.role == Role.APPLICANT and case.created_by_id == user.id and p.user_id is None
              and p.role != PartyRole.RESPONDENT):
            out.append(p)
    return out


def electronic_account(party: Party, case: Case) -> int | None:
    """The portal account electronic service on this party arrives in, if any."""
    if party.user_id is not None:
        return party.user_id
    if party.role != PartyRole.RESPONDENT and case.created_by_id is not None:
        return case.created_by_id
    return None


def can_read(user: User | None, notice: Notice) -> bool:
    """Staff of the case see every document of it; a party sees issued documents served on it."""
    case = notice.case
    if not policy.can_view_case(user, case):
        return False
    if is_case_staff(user, case):
        return notice.status != NoticeStatus.DISCARDED
    if notice.status != NoticeStatus.ISSUED:
        return False
    mine = {p.id for p in acting_parties(user, case)}
    return any(d.party_id in mine for d in notice.deliveries)


def load_notice(notice_id: int, user: User | None) -> Notice:
    """The notice, if the user may see it (else 404, as if it did not exist)."""
    notice = db.session.get(Notice, notice_id) if 0 < notice_id < 2**31 else None
    if notice is None or not can_read(user, notice):
        raise NotFound("文书不存在")
    return notice


def _require_staff(user: User, case: Case) -> set[str]:
    roles = staff_roles(user, case)
    if not roles:
        raise Forbidden("只有本案所属单位的办案人员可以办理文书")
    return roles


# ---------------------------------------------------------------------------------------------------------
# Drafting
# ---------------------------------------------------------------------------------------------------------


def on_action(case: Case, fired, actor: User | None, data: dict) -> None:
    """Draft the document an action declares (``notice=``), in the action's transaction."""
    decl = fired.action
    if not decl.notice:
        return
    kind = catalogue.resolve(decl.notice, case)
    draft_notice(case, kind.code, actor=actor, data=data, action=decl.name, approval=_approval_of(case, decl.name))


def _approval_of(case: Case, action: str) -> ApprovalRequest | None:
    """The approved request the action just ran from, if it went through the approvals inbox."""
    event = db.session.scalar(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == action,
                                   CaseEvent.tag.in_((f"case:state:{action}", f"case:action:{action}")))
        .order_by(CaseEvent.seq.desc()).limit(1))
    approval_id = (event.data or {}).get("approval_id") if event is not None else None
    return db.session.get(ApprovalRequest, approval_id) if approval_id else None


def draft_notice(case: Case, code: str, *, actor: User | None, data: Mapping | None = None,
                 action: str | None = None, corrects: Notice | None = None,
                 approval: ApprovalRequest | None = None) -> Notice:
    """Create a draft of a catalogue kind on a case, its editable parts pre-filled."""
    kind = catalogue.kind(code)
    if not kind.issuable:
        raise Invalid(f"“{kind.title}”是随文书打印的表格，不单独起草")
    data = {k: v for k, v in dict(data or {}).items() if k != "version"}
    source = {**(case.data or {}), **data}
    parts = context.default_parts(kind, procedure=case.procedure, case=case, data=source,
                                  extra=_case_extras(case, kind, source))
    notice = Notice(case=case, unit_id=case.unit_id, kind=kind.code, title=kind.title_for(case.procedure),
                    status=NoticeStatus.DRAFT, action=action, parts=parts, data=_jsonable(data),
                    recipient_party_ids={"ids": [p.id for p in context.recipients_of(kind, case.parties)]},
                    corrects=corrects, drafted_by=actor, missing_chars={"chars": []})
    if approval is not None:
        notice.approval_id = approval.id
        notice.approved_by_id = approval.decided_by_id
        notice.approved_at = approval.decided_at
    db.session.add(notice)
    db.session.flush()
    missing = refresh_font_report(notice)
    if action is None:
        # A draft made by an action is part of that action's audit event (one event per action); a draft made
        # by hand is an act of its own.
        record_event(case, tag="case:notice:draft", actor=actor,
                     summary=f"起草文书：{notice.title}" + (f"（{len(missing)}个字符无可用字体）" if missing else ""),
                     data={"notice_id": notice.id, "kind": kind.code, "missing_chars": missing})
    return notice


def draft_manual(case: Case, code: str, *, actor: User) -> Notice:
    """An officer drafts a catalogue kind by hand (不予中止, 管辖权异议决定, 证据清单 …)."""
    _require_staff(actor, case)
    kind = catalogue.KINDS.get(code)
    if kind is None or kind not in catalogue.manual_kinds(case.procedure):
        raise Invalid("本程序不能起草该类文书", fields={"kind": "请选择有效的文书类型"})
    return draft_notice(case, code, actor=actor)


def draft_correction(original: Notice, *, actor: User) -> Notice:
    """A 更正通知书 referring to an issued document (the original never changes)."""
    _require_staff(actor, original.case)
    if original.status != NoticeStatus.ISSUED:
        raise Conflict("只能更正已签发的文书")
    if original.kind == "rectification":
        raise Conflict("更正通知书本身有误的，请作废草稿后重新起草，或对原文书再次更正")
    return draft_notice(original.case, "rectification", actor=actor, corrects=original)


def _case_extras(case: Case, kind: catalogue.NoticeKind, data: Mapping | None = None) -> dict:
    """Defaults that come from earlier steps of the case: the answer, the panel, the decision's measures."""
    extra: dict = {}
    if kind.code == "decision":
        answer = _last_fields(case, "record_answer").get("answer")
        if answer:
            extra["defence"] = f"被请求人辩称：{answer}"
    if kind.code == "hearing_notice":
        members = _last_fields(case, "set_panel").get("members") or []
        if members:
            names = db.session.scalars(sa.select(User.display_name).where(User.username.in_(members))).all()
            extra["panel"] = "、".join(names)
        extra.update(_hearing_place(case, data or {}))
    if kind.code == "reconsideration_request":
        extra["police_decision"] = _last_fields(case, "record_police_decision")
    if kind.code == "supervision_proposal":
        steps = [("transfer", "本局将该案移送{target}"), ("record_police_decision", "公安机关决定不予立案"),
                 ("request_reconsideration", "本局提请复议"), ("record_reconsideration", "公安机关复议维持不予立案")]
        target = (case.data or {}).get("target") or "公安机关"
        done = dict(db.session.execute(sa.select(CaseEvent.action, CaseEvent.occurred_at)
                                       .where(CaseEvent.case_id == case.id, CaseEvent.action.is_not(None))
                                       .order_by(CaseEvent.seq)).all())
        extra["history"] = "；".join(
            f"{cn_date(clock.beijing_date(done[a]))}，{text.format(target=target)}" for a, text in steps if a in done
        ) + "。"
    if kind.code in ("reminder", "enforcement_application"):
        decision = db.session.scalar(
            sa.select(Notice).where(Notice.case_id == case.id, Notice.kind == "decision",
                                    Notice.status == NoticeStatus.ISSUED).order_by(Notice.id.desc()).limit(1))
        if decision is not None:
            extra["obligation"] = (decision.parts or {}).get("measures", "")
    return extra


def _hearing_place(case: Case, data: Mapping) -> dict:
    """The room (name and address) a hearing notice names: the one chosen now, or, when a hearing is postponed,
    the one it was booked in."""
    from caseflow.hearings.models import Hearing, HearingRoom

    room_code = str(data.get("room") or "").strip()
    if room_code:
        room = db.session.scalar(sa.select(HearingRoom).where(HearingRoom.unit_id == case.unit_id,
                                                              HearingRoom.code == room_code))
    else:
        booked = db.session.scalar(sa.select(Hearing).where(Hearing.case_id == case.id, Hearing.status == "scheduled")
                                   .order_by(Hearing.id.desc()).limit(1))
        if booked is not None and booked.mode == "remote":
            return {"remote_link": booked.link or ""}
        room = booked.room if booked is not None else None
    if room is None:
        return {}
    return {"room": room.name + (f"（{room.address}）" if room.address else "")}


def _last_fields(case: Case, action: str) -> dict:
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == action,
                                                         CaseEvent.tag.like("case:%:" + action))
                              .order_by(CaseEvent.seq.desc()).limit(1))
    return dict((event.data or {}).get("fields") or {}) if event is not None else {}


def _jsonable(data: Mapping) -> dict:
    import json

    return json.loads(json.dumps(dict(data), ensure_ascii=False, default=str))


def refresh_font_report(notice: Notice) -> list[str]:
    """Record the characters of the document no installed font covers (shown to the officer)."""
    missing = rendering.missing_characters(build_context(notice))
    if (notice.missing_chars or {}).get("chars") != missing:
        notice.missing_chars = {"chars": missing}
    return missing


# ---------------------------------------------------------------------------------------------------------
# Editing
# ---------------------------------------------------------------------------------------------------------


def update_parts(notice: Notice, *, actor: User, parts: Mapping[str, str], version: int | None = None) -> Notice:
    """Revise the editable parts of a draft; changes void a supervisor's approval of the text."""
    case = notice.case
    _require_staff(actor, case)
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.SIGNOFF):
        raise Conflict("已签发的文书不能修改；如有错误，请起草更正通知书")
    if version is not None and int(version) != notice.version:
        raise Conflict("文书已被他人修改，请刷新后重试", code="conflict_version")
    kind = catalogue.kind(notice.kind)
    clean, errors = {}, {}
    for part in kind.parts:
        value = parts.get(part.name, (notice.parts or {}).get(part.name, ""))
        if not isinstance(value, str):
            errors[part.name] = "应为文本"
            continue
        value = value.replace("\r\n", "\n").strip()
        if part.rows == 1:
            value = " ".join(value.split())
        if len(value) > part.max_length:
            errors[part.name] = f"不能超过 {part.max_length} 个字"
        elif part.required and not value:
            errors[part.name] = f"请填写“{part.label}”"
        clean[part.name] = value
    unknown = set(parts) - {p.name for p in kind.parts}
    for name in unknown:
        errors[name] = "该文书没有此项内容"
    if errors:
        raise Invalid("文书内容有误", fields=errors)
    old = dict(notice.parts or {})
    diff = {k: [old.get(k, ""), v] for k, v in clean.items() if old.get(k, "") != v}
    if not diff:
        return notice
    notice.parts = clean
    if notice.approved_by_id is not None:
        notice.approved_by_id, notice.approved_at = None, None  # the approved text changed
    if notice.status == NoticeStatus.SIGNOFF:
        notice.status = NoticeStatus.DRAFT
    db.session.flush()
    missing = refresh_font_report(notice)
    record_event(case, tag="case:notice:edit", actor=actor, summary=f"修改文书草稿：{notice.title}",
                 data={"notice_id": notice.id, "diff": {k: [a[:500], b[:500]] for k, (a, b) in diff.items()},
                       "missing_chars": missing})
    db.session.flush()
    return notice


def discard_draft(notice: Notice, *, actor: User) -> Notice:
    """Drop a draft that will not be issued (issued documents are never discarded)."""
    _require_staff(actor, notice.case)
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.SIGNOFF):
        raise Conflict("只能作废尚未签发的草稿")
    notice.status = NoticeStatus.DISCARDED
    record_event(notice.case, tag="case:notice:discard", actor=actor, summary=f"作废文书草稿：{notice.title}",
                 data={"notice_id": notice.id})
    db.session.flush()
    return notice


# ---------------------------------------------------------------------------------------------------------
# The template context of a real notice
# ---------------------------------------------------------------------------------------------------------


def _docketed_on(case: Case) -> dt.date | None:
    action = {"adjudication": "docket", "mediation": "docket", "complaint": "accept"}.get(case.procedure)
    if not action:
        return None
    at = db.session.scalar(sa.select(CaseEvent.occurred_at).where(
        CaseEvent.case_id == case.id, CaseEvent.action == action, CaseEvent.tag == f"case:state:{action}")
        .order_by(CaseEvent.seq).limit(1))
    return clock.beijing_date(at) if at else None


def recipient_parties(notice: Notice) -> list[Party]:
    """The parties an issued (or drafted) document is served on."""
    ids = set(notice.party_ids)
    return [p for p in notice.case.parties if p.id in ids]


def draft_number(notice: Notice, on: dt.date) -> str:
    """How the number reads on a draft: the word and year, the sequence left blank until issue."""
    kind = catalogue.kind(notice.kind)
    return f"{notice.unit.prefix}{kind.word}〔{on.year}〕　号" if kind.numbered else ""


def build_context(notice: Notice, *, on: dt.date | None = None, final: Mapping | None = None) -> dict:
    """The plain data the notice's template renders (a draft's, or with ``final`` the issued one's)."""
    if notice.status == NoticeStatus.ISSUED and notice.context and final is None:
        return dict(notice.context)
    case = notice.case
    kind = catalogue.kind(notice.kind)
    on = on or notice.document_date or clock.today()
    parties = [context.party_dict(p) for p in case.parties]
    claimants = [p for p in parties if p["role"] == "claimant"]
    respondents = [p for p in parties if p["role"] == "respondent"]
    agents = [p for p in parties if p["role"] == "agent"]
    extra: dict = {"draft": final is None}
    if kind.code == "extension":
        extra["extended_to"] = _case_limit_due(case)
    if kind.code == "evidence_list":
        extra["evidence"] = _evidence_rows(case)
    if notice.corrects is not None:
        original = notice.corrects
        extra["original"] = {"title": original.title, "number": original.number or "",
                             "date": cn_date(original.document_date)}
    if final:
        extra.update(final)
    return context.assemble(
        kind, procedure=case.procedure, office_name=context.office_display_name(notice.unit.name),
        area=notice.unit.area, case=context.case_dict(case, docketed_on=_docketed_on(case)), claimants=claimants,
        respondents=respondents, agents=agents, parts=notice.parts or {}, data=notice.data or {}, on=on,
        doc_number=(final or {}).get("doc_number") or draft_number(notice, on), extra=extra)


def _case_limit_due(case: Case) -> str:
    from caseflow.deadlines.models import Deadline

    due = db.session.scalar(sa.select(Deadline.due_date).where(
        Deadline.case_id == case.id, Deadline.rule_id == "ADJ_CASE_LIMIT").order_by(Deadline.id.desc()).limit(1))
    return cn_date(due) if due else ""


def _evidence_rows(case: Case) -> list[dict]:
    from caseflow.evidence.services import list_evidence

    rows = []
    for e in list_evidence(case, current_only=True):
        submitter = e.submitted_by.display_name if e.submitted_as != "staff" else "本局"
        rows.append({"label": e.label, "title": e.title, "kind": e.kind.title, "description": e.description or "",
                     "submitted_by": submitter, "received": cn_date(clock.beijing_date(e.received_at)),
                     "sha256": e.sha256[:16]})
    return rows


# ---------------------------------------------------------------------------------------------------------
# Previews and PDFs
# ---------------------------------------------------------------------------------------------------------


def preview_pdf(notice: Notice) -> bytes:
    """The draft rendered with the 草稿 watermark (uncovered characters shown as 〓)."""
    ctx = build_context(notice)
    ctx["draft"] = True
    kind = catalogue.kind(notice.kind)
    content, _ = rendering.render(kind.template, ctx, missing=rendering.missing_characters(ctx))
    return content


def service_receipt_pdf(notice: Notice, party: Party | None) -> bytes:
    """A 送达回证 for one recipient of an issued notice, to be signed on paper service."""
    if notice.status != NoticeStatus.ISSUED:
        raise Conflict("文书签发后才能打印送达回证")
    receipt_kind = catalogue.kind("service_receipt")
    base = build_context(notice)
    ctx = context.assemble(
        receipt_kind, procedure=notice.case.procedure, office_name=base["office_name"], area=base["area"],
        case=base["case"], claimants=base["claimants"], respondents=base["respondents"], agents=base["agents"],
        parts={}, data={}, on=clock.today(),
        extra={"receipt": {"document": notice.title, "number": notice.number,
                           "recipient": party.name if party else notice.recipient,
                           "address": (party.address if party else "") or ""}})
    content, _ = rendering.render(receipt_kind.template, ctx, missing=rendering.missing_characters(ctx))
    return content


def open_pdf(notice: Notice) -> IO[bytes]:
    """The stored bytes of an issued notice (never a draft)."""
    if notice.status != NoticeStatus.ISSUED or not notice.sha256:
        raise NotFound("文书尚未签发")
    from caseflow.evidence.storage import get_storage

    return get_storage().open(notice.sha256)


def local_pdf_path(notice: Notice):
    from caseflow.evidence.storage import get_storage

    return get_storage().local_path(notice.sha256) if notice.sha256 else None


def store_pdf(content: bytes) -> str:
    """Store PDF bytes in the content-addressed storage; returns their SHA-256."""
    from caseflow.evidence.storage import get_storage

    storage = get_storage()
    upload = storage.new_temp()
    try:
        upload.write(content)
        upload.finish()
        storage.put(upload)
    except BaseException:
        upload.discard()
        raise
    return upload.sha256


# ---------------------------------------------------------------------------------------------------------
# Issuing
# ---------------------------------------------------------------------------------------------------------


@dataclass
class IssueOutcome:
    notice: Notice
    issued: bool  # False: sent to a supervisor for sign-off

    @property
    def status(self) -> int:
        return 200 if self.issued else 202


def needs_signoff(notice: Notice, actor: User) -> bool:
    """Whether this actor's issuing must wait for a supervisor (see the module docstring)."""
    kind = catalogue.kind(notice.kind)
    if not kind.approval or "supervisor" in staff_roles(actor, notice.case):
        return False
    return notice.approved_by_id is None


def issue(notice: Notice, *, actor: User, version: int | None = None) -> IssueOutcome:
    """Issue a draft, or send it for sign-off when the kind needs a supervisor's approval."""
    case = notice.case
    _require_staff(actor, case)
    if notice.status == NoticeStatus.ISSUED:
        raise Conflict(f"该文书已签发（{notice.number}）")
    if notice.status == NoticeStatus.DISCARDED:
        raise Conflict("该草稿已作废")
    if version is not None and int(version) != notice.version:
        raise Conflict("文书已被他人修改，请刷新后重试", code="conflict_version")
    _check_complete(notice)
    if needs_signoff(notice, actor):
        if notice.status == NoticeStatus.SIGNOFF:
            raise Conflict("该文书已提交负责人签发，请等待审批")
        notice.status = NoticeStatus.SIGNOFF
        notice.signoff_by, notice.signoff_at, notice.signoff_comment = actor, clock.now(), None
        record_event(case, tag="case:notice:signoff", actor=actor, summary=f"提请签发文书：{notice.title}",
                     data={"notice_id": notice.id})
        db.session.flush()
        return IssueOutcome(notice, issued=False)
    _issue(notice, actor)
    return IssueOutcome(notice, issued=True)


def approve_signoff(notice: Notice, *, actor: User, comment: str = "") -> Notice:
    """A supervisor signs off a document submitted by an officer: it is issued at once."""
    case = notice.case
    if "supervisor" not in staff_roles(actor, case):
        raise Forbidden("只有负责人可以签发该文书")
    if notice.status != NoticeStatus.SIGNOFF:
        raise Conflict("该文书不在待签发状态")
    if notice.signoff_by_id == actor.id:
        raise Forbidden("不能审批自己提请签发的文书")
    _check_complete(notice)
    notice.approved_by, notice.approved_at = actor, clock.now()
    record_event(case, tag="case:notice:approve", actor=actor, summary=f"批准签发文书：{notice.title}",
                 data={"notice_id": notice.id, "comment": (comment or "").strip()[:2000] or None})
    _issue(notice, actor)
    return notice


def return_signoff(notice: Notice, *, actor: User, comment: str) -> Notice:
    """A supervisor returns a document for revision, with the reason."""
    case = notice.case
    if "supervisor" not in staff_roles(actor, case):
        raise Forbidden("只有负责人可以退回该文书")
    if notice.status != NoticeStatus.SIGNOFF:
        raise Conflict("该文书不在待签发状态")
    comment = (comment or "").strip()
    if not comment:
        raise Invalid("请填写退回理由", fields={"comment": "请填写退回理由"})
    notice.status = NoticeStatus.DRAFT
    notice.signoff_comment = comment[:2000]
    record_event(case, tag="case:notice:return", actor=actor, summary=f"退回文书：{notice.title}",
                 data={"notice_id": notice.id, "comment": notice.signoff_comment})
    db.session.flush()
    return notice


def pending_signoffs(user: User) -> list[Notice]:
    """Documents waiting for this supervisor's sign-off (not the ones they submitted themselves)."""
    if user.role != Role.SUPERVISOR:
        return []
    rows = db.session.scalars(
        sa.select(Notice).join(Case, Case.id == Notice.case_id)
        .where(Notice.status == NoticeStatus.SIGNOFF, policy.visible_cases(user), Notice.signoff_by_id != user.id)
        .order_by(Notice.signoff_at)).all()
    return list(rows)


def _check_complete(notice: Notice) -> None:
    kind = catalogue.kind(notice.kind)
    if not kind.issuable:
        raise Conflict("该表格不单独签发")
    empty = {p.name: f"请填写“{p.label}”" for p in kind.parts if p.required and not (notice.parts or {}).get(p.name)}
    if empty:
        raise Invalid("文书还有必填内容未填写", fields=empty)


def new_verify_code() -> str:
    """A fresh 12-character verification code, unique among issued notices."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(sa.select(Notice.id).where(Notice.verify_code == code)) is None:
            return code


def normalize_code(code: str | None) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:32]


def public_base_url() -> str:
    """The public address of this system, for the verification link printed on every document."""
    import os

    configured = (current_app.config.get("PUBLIC_URL") if has_app_context() else None) or os.environ.get(
        "CASEFLOW_PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    if has_app_context() and current_app.config.get("SERVER_NAME"):
        scheme = current_app.config.get("PREFERRED_URL_SCHEME", "http")
        return f"{scheme}://{current_app.config['SERVER_NAME']}"
    return "http://localhost:5000"


def _issue(notice: Notice, actor: User) -> None:
    case = notice.case
    kind = catalogue.kind(notice.kind)
    today = clock.today()
    # Recipients are fixed now, from the case's parties as they are at issue.
    notice.recipient_party_ids = {"ids": [p.id for p in context.recipients_of(kind, case.parties)]}
    probe = build_context(notice, on=today, final={"doc_number": "X", "draft": False})
    missing = rendering.missing_characters(probe)
    if missing:
        notice.missing_chars = {"chars": missing}
        raise Conflict("文书中有没有可用字体的字符：" + "、".join(missing)
                       + "。请改用规范字或安装含这些字符的字体后再签发（不能打印成方框）")
    # The number last among the checks: it is gapless because it rolls back with this transaction.
    seq = next_number(f"notice:{kind.word}", notice.unit_id, today.year)
    number = f"{notice.unit.prefix}{kind.word}〔{today.year}〕{seq}号"
    code = new_verify_code()
    base = public_base_url()
    final = {"doc_number": number, "draft": False, "verify_code": context.format_code(code),
             "verify_url": f"{base}/verify"}
    ctx = build_context(notice, on=today, final=final)
    ctx["verify_qr"] = rendering.qr_data_url(f"{base}/verify/{code}")
    content, pages = rendering.render(kind.template, ctx)
    sha = store_pdf(content)
    issued_at = clock.now()
    stored = {k: v for k, v in ctx.items() if k != "verify_qr"}
    notice.word, notice.year, notice.seq, notice.number = kind.word, today.year, seq, number
    notice.verify_code, notice.document_date, notice.issued_at, notice.issued_by_id = code, today, issued_at, actor.id
    notice.sha256, notice.size, notice.pages, notice.context = sha, len(content), pages, _jsonable(stored)
    notice.recipient = ctx.get("recipient") or ""
    notice.missing_chars = {"chars": []}
    notice.status = NoticeStatus.ISSUED  # last: from here on the row is frozen
    db.session.flush()
    record_event(case, tag="case:notice:issue", actor=actor, summary=f"签发文书：{notice.title}（{number}）",
                 data={"notice_id": notice.id, "number": number, "sha256": sha, "pages": pages})
    for party in recipient_parties(notice):
        consent = active_consent(party)
        if consent is not None:
            _deliver(notice, party=party, method=DeliveryMethod.ELECTRONIC, delivered_on=clock.beijing_date(issued_at),
                     delivered_at=issued_at, user_id=consent.user_id, actor=actor)
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Delivery (送达)
# ---------------------------------------------------------------------------------------------------------


def active_consent(party: Party) -> ServiceConsent | None:
    consent = db.session.scalar(sa.select(ServiceConsent).where(ServiceConsent.party_id == party.id))
    return consent if consent is not None and consent.active else None


def record_delivery(notice: Notice, *, actor: User, method: str, party_id: int | None = None,
                    delivered_on: dt.date | None = None, published_on: dt.date | None = None,
                    receipt_number: str | None = None, signed_by: str | None = None, witness: str | None = None,
                    place: str | None = None, note: str | None = None) -> NoticeDelivery:
    """Record one service of an issued notice and, once its date has come, start the party's period."""
    case = notice.case
    _require_staff(actor, case)
    if notice.status != NoticeStatus.ISSUED:
        raise Conflict("文书签发后才能送达；草稿不能送达")
    issued_on = notice.document_date
    assert issued_on is not None, "an issued notice has its date of issue"
    try:
        method = DeliveryMethod(method)
    except ValueError:
        raise Invalid("送达方式无效", fields={"method": "请选择送达方式"}) from None
    kind = catalogue.kind(notice.kind)
    party = None
    if kind.recipient == "external":
        if party_id:
            raise Invalid("该文书送交机关，不向当事人送达", fields={"party_id": "不适用"})
    else:
        party = next((p for p in recipient_parties(notice) if p.id == party_id), None)
        if party is None:
            raise Invalid("请选择该文书的受送达人", fields={"party_id": "请选择受送达人"})
    today = clock.today()
    errors: dict[str, str] = {}
    user_id = None
    if method == DeliveryMethod.PUBLIC_NOTICE:
        if published_on is None:
            errors["published_on"] = "请填写公告发布日期"
        elif published_on > today:
            errors["published_on"] = "公告发布日期不能晚于今天"
        elif published_on < issued_on:
            errors["published_on"] = "公告发布日期不能早于文书签发日期"
        else:
            delivered_on = published_on + dt.timedelta(days=PUBLIC_NOTICE_DAYS)
    else:
        if delivered_on is None:
            errors["delivered_on"] = {DeliveryMethod.POST: "请填写回执上注明的收件日期",
                                      DeliveryMethod.DIRECT: "请填写签收日期",
                                      DeliveryMethod.RETENTION: "请填写留置日期"}.get(method, "请填写送达日期")
        elif delivered_on > today:
            errors["delivered_on"] = "送达日期不能晚于今天"
        elif delivered_on < issued_on:
            errors["delivered_on"] = "送达日期不能早于文书签发日期"
        if method == DeliveryMethod.RETENTION and not (witness or "").strip():
            errors["witness"] = "留置送达应当记明见证人或者拍照、录像等情况"
        if method == DeliveryMethod.ELECTRONIC:
            consent = active_consent(party) if party is not None else None
            if consent is None:
                errors["method"] = "受送达人未同意电子送达，不能采用电子送达"
            else:
                user_id = consent.user_id
    if errors:
        raise Invalid("送达信息有误", fields=errors)
    assert delivered_on is not None  # each method without a date was refused above
    return _deliver(notice, party=party, method=method, delivered_on=delivered_on, published_on=published_on,
                        receipt_number=_clean(receipt_number, 64), signed_by=_clean(signed_by, 100),
                        witness=_clean(witness, 200), place=_clean(place, 300), note=_clean(note, 2000),
                        user_id=user_id, actor=actor)


def _clean(value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    return value[:limit] or None


def _deliver(notice: Notice, *, party: Party | None, method: DeliveryMethod, delivered_on: dt.date,
             actor: User | None, delivered_at: dt.datetime | None = None, **fields) -> NoticeDelivery:
    delivery = NoticeDelivery(notice=notice, party=party, recipient_name=party.name if party else notice.recipient,
                              method=method, delivered_on=delivered_on, delivered_at=delivered_at,
                              recorded_by=actor, **fields)
    db.session.add(delivery)
    db.session.flush()
    when = fields.get("published_on")
    summary = (f"送达：{notice.title}（{notice.number}）→ {delivery.recipient_name}，{method.title}，"
               + (f"公告发布于 {when.isoformat()}，{delivered_on.isoformat()} 视为送达" if when
                  else f"送达日期 {delivered_on.isoformat()}"))
    record_event(notice.case, tag="case:notice:deliver", actor=actor, summary=summary,
                 data={"notice_id": notice.id, "delivery_id": delivery.id, "method": method.value,
                       "party_id": party.id if party else None, "delivered_on": delivered_on.isoformat()})
    if delivered_on <= clock.today():
        _take_effect(delivery, actor)
    return delivery


def _take_effect(delivery: NoticeDelivery, actor: User | None) -> None:
    """The delivery date has come: start (or re-base) the period the catalogue ties to this document."""
    delivery.took_effect_at = clock.now()
    db.session.flush()
    notice = delivery.notice
    case = notice.case
    kind = catalogue.kind(notice.kind)
    rule = kind.rule_for(case.procedure)
    if not rule or delivery.party is None or delivery.party.role.value not in kind.deadline_roles:
        return
    trigger = _period_trigger(notice, kind)
    if trigger is None or _running_from(case, rule) == trigger:
        return
    from caseflow.deadlines.lifecycle import start_party_deadline

    start_party_deadline(case, rule, trigger, actor)


def _period_trigger(notice: Notice, kind: catalogue.NoticeKind) -> dt.date | None:
    """The date the period runs from: each party's first effective service; with several parties the latest.

    The deadline table keeps one row per rule and case, so a document served on both parties (the 行政裁决书) runs
    its period from the later party's service: the office waits until both parties' windows have passed.
    """
    first: dict[int, dt.date] = {}
    for d in notice.deliveries:
        if d.took_effect_at is None or d.party_id is None or d.party is None \
                or d.party.role.value not in kind.deadline_roles:
            continue
        first[d.party_id] = min(first.get(d.party_id, d.delivered_on), d.delivered_on)
    return max(first.values()) if first else None


def _running_from(case: Case, rule_id: str) -> dt.date | None:
    """The trigger date of the rule's open, delivery-based row on the case (None if none or estimated)."""
    from caseflow.deadlines.lifecycle import canonical_ids
    from caseflow.deadlines.models import Deadline

    row = db.session.scalar(sa.select(Deadline).where(
        Deadline.case_id == case.id, Deadline.rule_id.in_(canonical_ids(case, [rule_id])), Deadline.ended_at.is_(None))
        .order_by(Deadline.id.desc()).limit(1))
    if row is None or row.trigger_estimated:
        return None
    return row.trigger_date


def serve_due_publications(case: Case | None = None, *, actor: User | None = None) -> list[NoticeDelivery]:
    """公告送达 whose 30 days have passed take effect now (run by ``flask caseflow notices-serve``)."""
    stmt = sa.select(NoticeDelivery).where(NoticeDelivery.took_effect_at.is_(None),
                                           NoticeDelivery.delivered_on <= clock.today())
    if case is not None:
        stmt = stmt.join(Notice, Notice.id == NoticeDelivery.notice_id).where(Notice.case_id == case.id)
    due = list(db.session.scalars(stmt.order_by(NoticeDelivery.id)))
    for delivery in due:
        _take_effect(delivery, actor)
    return due


def record_opening(notice: Notice, user: User) -> None:
    """The addressee opened an electronically served document: record the first opening (once)."""
    mine = {p.id for p in acting_parties(user, notice.case)}
    now = clock.now()
    for d in notice.deliveries:
        if d.method == DeliveryMethod.ELECTRONIC and d.party_id in mine and d.first_opened_at is None:
            d.first_opened_at = now
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Consent to electronic service
# ---------------------------------------------------------------------------------------------------------


def give_consent(case: Case, *, actor: User, party_id: int | None = None) -> list[ServiceConsent]:
    """Record consent to electronic service: a party online for itself, or staff from a signed paper form.

    Issued documents not yet served on the party are served electronically at once.
    """
    if is_case_staff(actor, case):
        party = next((p for p in case.parties if p.id == party_id), None)
        if party is None:
            raise Invalid("请选择当事人", fields={"party_id": "请选择当事人"})
        account = electronic_account(party, case)
        if account is None:
            raise Invalid("该当事人没有门户账号，不能电子送达", fields={"party_id": "该当事人没有门户账号"})
        targets, source = [(party, account)], "paper"
    else:
        parties = [p for p in acting_parties(actor, case) if p.role != PartyRole.AGENT]
        if party_id is not None:
            parties = [p for p in parties if p.id == party_id]
        if not parties:
            raise NotFound("案件不存在")
        targets, source = [(p, actor.id) for p in parties], "portal"
    now = clock.now()
    out = []
    for party, account in targets:
        consent = db.session.scalar(sa.select(ServiceConsent).where(ServiceConsent.party_id == party.id))
        if consent is None:
            consent = ServiceConsent(case_id=case.id, party=party, user_id=account, source=source, given_at=now,
                                     recorded_by_id=actor.id)
            db.session.add(consent)
        elif not consent.active or consent.user_id != account:
            consent.user_id, consent.source, consent.given_at, consent.withdrawn_at = account, source, now, None
            consent.recorded_by_id = actor.id
        else:
            out.append(consent)
            continue
        db.session.flush()
        record_event(case, tag="case:notice:consent", actor=actor,
                     summary=f"{party.name}同意电子送达（{'网上确认' if source == 'portal' else '书面确认'}）",
                     data={"party_id": party.id, "source": source})
        out.append(consent)
        for notice in _unserved_for(case, party):
            _deliver(notice, party=party, method=DeliveryMethod.ELECTRONIC, delivered_on=clock.beijing_date(now),
                     delivered_at=now, user_id=account, actor=actor)
    db.session.flush()
    return out


def withdraw_consent(case: Case, *, actor: User) -> list[ServiceConsent]:
    """A party withdraws its consent; later documents are served on paper."""
    parties = {p.id for p in acting_parties(actor, case)}
    rows = [c for c in db.session.scalars(sa.select(ServiceConsent).where(ServiceConsent.case_id == case.id))
            if c.party_id in parties and c.active]
    now = clock.now()
    for c in rows:
        c.withdrawn_at = now
        record_event(case, tag="case:notice:consent_withdrawn", actor=actor,
                     summary=f"{c.party.name}撤回电子送达同意", data={"party_id": c.party_id})
    db.session.flush()
    return rows


def consents_of(case: Case) -> dict[int, ServiceConsent]:
    rows = db.session.scalars(sa.select(ServiceConsent).where(ServiceConsent.case_id == case.id))
    return {c.party_id: c for c in rows}


def _unserved_for(case: Case, party: Party) -> list[Notice]:
    rows = db.session.scalars(sa.select(Notice).where(Notice.case_id == case.id, Notice.status == NoticeStatus.ISSUED)
                              .order_by(Notice.id))
    return [n for n in rows if party.id in n.party_ids and not any(d.party_id == party.id for d in n.deliveries)]


# ---------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------


def notices_of(case: Case, viewer: User | None) -> list[Notice]:
    """The case's documents the viewer may see, oldest first."""
    rows = db.session.scalars(sa.select(Notice).where(Notice.case_id == case.id)
                              .options(selectinload(Notice.deliveries)).order_by(Notice.id)).all()
    return [n for n in rows if can_read(viewer, n)]


def delivered_for(notice: Notice, viewer: User | None) -> NoticeDelivery | None:
    """The earliest effective delivery the viewer cares about (all, for staff; their own, for a party)."""
    if viewer is not None and not getattr(viewer, "is_staff", False):
        mine = {p.id for p in acting_parties(viewer, notice.case)}
        rows = [d for d in notice.deliveries if d.party_id in mine]
    else:
        rows = list(notice.deliveries)
    rows = [d for d in rows if d.took_effect_at is not None or d.delivered_on <= clock.today()]
    return min(rows, key=lambda d: (d.delivered_on, d.id)) if rows else None


# ---------------------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------------------


def find_by_code(code: str | None) -> Notice | None:
    """The issued notice a verification code belongs to."""
    code = normalize_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(sa.select(Notice).where(Notice.verify_code == code, Notice.status == NoticeStatus.ISSUED))


def hash_upload(stream: IO[bytes], limit: int = MAX_VERIFY_BYTES) -> str:
    """SHA-256 of an uploaded file, read in chunks (refusing files over the limit)."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            raise Invalid("文件过大", fields={"file": f"文件不能超过 {limit // (1024 * 1024)} MB"})
        digest.update(chunk)
    return digest.hexdigest()


def verification_facts(notice: Notice) -> dict:
    """What the public page confirms: office, title, number, date, masked recipients, SHA-256."""
    names = [d.recipient_name for d in notice.deliveries] or [p.name for p in recipient_parties(notice)]
    if not names and notice.recipient:
        names = [notice.recipient]
    return {
        "office": context.office_display_name(notice.unit.name),
        "title": notice.title,
        "number": notice.number,
        "date": cn_date(notice.document_date),
        "recipients": list(dict.fromkeys(context.mask_name(n) for n in names)),
        "sha256": notice.sha256,
        "pages": notice.pages,
        "code": context.format_code(notice.verify_code or ""),
    }


def _register() -> None:
    if on_action not in hooks.action_hooks:
        hooks.action_hooks.append(on_action)


_register()
