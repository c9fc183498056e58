"""Issuing a document: sign-off by a supervisor where the catalogue asks for it, the gapless number, the
verification code, the PDF rendered once, stored and frozen."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from caseflow import policy
from caseflow.accounts.models import User
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Forbidden, Invalid
from caseflow.core.numbering import next_number
from caseflow.notices import catalogue, context, rendering
from caseflow.notices.deliveries import active_consent, deliver, recipient_parties
from caseflow.notices.drafting import jsonable
from caseflow.notices.models import DeliveryMethod, Notice, NoticeStatus
from caseflow.notices.rendering import store_pdf
from caseflow.notices.verification import new_verify_code


@dataclass
class IssueOutcome:
    notice: Notice
    issued: bool  # False: sent to a supervisor for sign-off

    @property
    def status(self) -> int:
        return 200 if self.issued else 202


def needs_signoff(notice: Notice, actor: User) -> bool:
    """Whether this actor's issuing must wait for a supervisor (the package docstring tells when)."""
    kind = catalogue.kind(notice.kind)
    if not kind.approval or "supervisor" in policy.case_staff_roles(actor, notice.case):
        return False
    return notice.approved_by_id is None


def issue(notice: Notice, *, actor: User, version: int | None = None) -> IssueOutcome:
    """Issue a draft, or send it for sign-off when the kind needs a supervisor's approval."""
    case = notice.case
    policy.require_case_staff(actor, case)
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
    if "supervisor" not in policy.case_staff_roles(actor, case):
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
    if "supervisor" not in policy.case_staff_roles(actor, case):
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
    if not policy.can(user, "sign_off_notices"):
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


def _issue(notice: Notice, actor: User) -> None:
    case = notice.case
    kind = catalogue.kind(notice.kind)
    today = clock.today()
    # Recipients are fixed now, from the case's parties as they are at issue.
    notice.recipient_party_ids = {"ids": [p.id for p in context.recipients_of(kind, case.parties, notice.data)]}
    if kind.portal_uses:
        # The document carries the codes: a respondent added after service, or a notice drafted by hand, gets one.
        from caseflow.hearings.access import issue_codes

        issue_codes(case, actor)
    probe = context.build_context(notice, on=today, final={"doc_number": "X", "draft": False})
    missing = rendering.missing_characters(probe)
    if missing:
        notice.missing_chars = {"chars": missing}
        raise Conflict("文书中有没有可用字体的字符：" + "、".join(missing)
                       + "。请改用规范字或安装含这些字符的字体后再签发（不能打印成方框）")
    # The number last among the checks: it is gapless because it rolls back with this transaction.
    seq = next_number(f"notice:{kind.word}", notice.unit_id, today.year)
    number = f"{notice.unit.prefix}{kind.word}〔{today.year}〕{seq}号"
    code = new_verify_code()
    base = context.public_base_url()
    final = {"doc_number": number, "draft": False, "verify_code": context.format_code(code),
             "verify_url": f"{base}/verify"}
    ctx = context.build_context(notice, on=today, final=final)
    ctx["verify_qr"] = rendering.qr_data_url(f"{base}/verify/{code}")
    content, pages = rendering.render(kind.template, ctx)
    sha = store_pdf(content)
    issued_at = clock.now()
    stored = {k: v for k, v in ctx.items() if k != "verify_qr"}
    notice.word, notice.year, notice.seq, notice.number = kind.word, today.year, seq, number
    notice.verify_code, notice.document_date, notice.issued_at, notice.issued_by_id = code, today, issued_at, actor.id
    notice.sha256, notice.size, notice.pages, notice.context = sha, len(content), pages, jsonable(stored)
    notice.recipient = ctx.get("recipient") or ""
    notice.missing_chars = {"chars": []}
    notice.status = NoticeStatus.ISSUED  # last: from here on the row is frozen
    db.session.flush()
    record_event(case, tag="case:notice:issue", actor=actor, summary=f"签发文书：{notice.title}（{number}）",
                 data={"notice_id": notice.id, "number": number, "sha256": sha, "pages": pages})
    for party in recipient_parties(notice):
        consent = active_consent(party)
        if consent is not None:
            deliver(notice, party=party, method=DeliveryMethod.ELECTRONIC, delivered_on=clock.beijing_date(issued_at),
                     delivered_at=issued_at, user_id=consent.user_id, actor=actor)
    db.session.flush()

