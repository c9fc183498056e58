"""Deciding approval requests: approving runs the action, rejecting records the reason; both are audited."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

import workflows
from caseflow import policy
from caseflow.approvals.models import ApprovalRequest, ApprovalStatus
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, CaseEvent
from caseflow.cases.services import run_approved, touch
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Forbidden, Invalid, NotFound
from workflows.base import GuardContext


def approval_behind(case: Case, action: str) -> ApprovalRequest | None:
    """The approved request the case's latest run of ``action`` came from (its audit event names it), if any."""
    event = db.session.scalar(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == action,
                                   CaseEvent.tag.in_((f"case:state:{action}", f"case:action:{action}")))
        .order_by(CaseEvent.seq.desc()).limit(1))
    approval_id = (event.data or {}).get("approval_id") if event is not None else None
    return db.session.get(ApprovalRequest, approval_id) if approval_id else None


def pending_for(user) -> list[ApprovalRequest]:
    """Pending requests the user may decide, oldest first."""
    if user.role != "supervisor":
        return []
    rows = db.session.scalars(
        sa.select(ApprovalRequest).join(Case).where(
            ApprovalRequest.status == ApprovalStatus.PENDING, policy.visible_cases(user),
            ApprovalRequest.requested_by_id != user.id)
        .options(selectinload(ApprovalRequest.case), selectinload(ApprovalRequest.requested_by))
        .order_by(ApprovalRequest.requested_at)
    ).all()
    return [r for r in rows if policy.can_decide_approval(user, r)]


def load_request(request_id: int, user) -> ApprovalRequest:
    """The request, if its case is visible to the user (else 404)."""
    req = db.session.get(ApprovalRequest, request_id) if 0 < request_id < 2**31 else None
    if req is None or not policy.can_view_case(user, req.case):
        raise NotFound("审批申请不存在")
    return req


def _decidable(req: ApprovalRequest, user) -> None:
    if req.status != ApprovalStatus.PENDING:
        raise Conflict(f"该申请已{req.status.title}，不能重复处理", code="conflict_state")
    if req.requested_by_id == user.id:
        raise Forbidden("不能审批自己提出的申请")
    if not policy.can_decide_approval(user, req):
        raise Forbidden("您无权审批该申请")


def _declared(req: ApprovalRequest):
    """The action the request asks for, as this case takes it (its variant)."""
    ctx = GuardContext(case=req.case, actor=None, data={}, now=clock.now(), today=clock.today())
    return workflows.procedure(req.case.procedure).variant(req.action, ctx)


def drafts_document(req: ApprovalRequest) -> bool:
    """Whether approving the request drafts a document (the action declares one)."""
    decl = _declared(req)
    return bool(decl is not None and decl.notice)


def preview_pdf(req: ApprovalRequest, user) -> tuple[bytes, str]:
    """The document approving would draft, as a PDF watermarked 草稿: the action runs in a savepoint as the
    requester asked it, its draft is rendered, and everything is rolled back (nothing is recorded)."""
    from caseflow.notices import rendering
    from caseflow.notices.models import Notice

    if not policy.can_preview_approval(user, req):
        raise NotFound("审批申请不存在")
    if req.status != ApprovalStatus.PENDING:
        raise Conflict(f"该申请已{req.status.title}，不再预览", code="conflict_state")
    if not drafts_document(req):
        raise NotFound("该操作不生成文书")
    if req.case.version != req.case_version:
        raise Conflict("案件在申请审批后已发生变化，请重新申请", code="conflict_state")
    savepoint = db.session.begin_nested()
    try:
        run_approved(req, actor=user)
        notice = db.session.scalar(sa.select(Notice).where(Notice.case_id == req.case_id, Notice.action == req.action)
                                   .order_by(Notice.id.desc()).limit(1))
        if notice is None:
            raise NotFound("该操作不生成文书")
        return rendering.preview_pdf(notice), f"草稿-{notice.title}.pdf"
    finally:
        savepoint.rollback()
        db.session.expire_all()


def label_of(req: ApprovalRequest) -> str:
    decl = _declared(req)
    return decl.label if decl else req.action


@dataclass
class Decision:
    case: Case
    failed: str | None = None  # why an approved request could not run (answer 409 after committing)


def approve_request(req: ApprovalRequest, *, actor, comment: str = "") -> Decision:
    """Approve: run the action against the case as it is now; if it changed meanwhile, the request fails."""
    _decidable(req, actor)
    case = req.case
    note = (comment or "").strip()[:2000] or None
    if case.version != req.case_version:
        fail_request(req, actor=actor, reason="案件在申请审批后已发生变化，本次审批失效")
        return Decision(case, req.comment)
    try:
        with db.session.begin_nested():
            req.status = ApprovalStatus.APPROVED
            req.decided_by, req.decided_at, req.comment = actor, clock.now(), note
            record_event(case, tag="case:approval:approve", actor=actor, action=req.action,
                         summary=f"批准：{label_of(req)}", data={"approval_id": req.id, "comment": note})
            run_approved(req, actor=actor)
    except Conflict as exc:
        db.session.refresh(req)
        db.session.refresh(case)
        fail_request(req, actor=actor, reason=f"审批通过但无法执行：{exc.message}")
        return Decision(case, req.comment)
    return Decision(case)


def fail_request(req: ApprovalRequest, *, actor, reason: str) -> None:
    """Close a request that can no longer run (the case changed), and audit it."""
    touch(req.case)
    req.status = ApprovalStatus.FAILED
    req.decided_by, req.decided_at, req.comment = actor, clock.now(), reason
    record_event(req.case, tag="case:approval:fail", actor=actor, action=req.action,
                 summary=f"审批失效：{label_of(req)}", data={"approval_id": req.id, "reason": reason})
    db.session.flush()


def reject_request(req: ApprovalRequest, *, actor, comment: str) -> Case:
    """Reject with a reason; the case stays as it was."""
    _decidable(req, actor)
    comment = (comment or "").strip()
    if not comment:
        raise Invalid("请填写驳回理由", fields={"comment": "请填写驳回理由"})
    touch(req.case)
    req.status = ApprovalStatus.REJECTED
    req.decided_by, req.decided_at, req.comment = actor, clock.now(), comment[:2000]
    record_event(req.case, tag="case:approval:reject", actor=actor, action=req.action,
                 summary=f"驳回：{label_of(req)}", data={"approval_id": req.id, "comment": req.comment})
    db.session.flush()
    return req.case


def cancel_request(req: ApprovalRequest, *, actor) -> Case:
    """The requester withdraws a pending request."""
    if req.status != ApprovalStatus.PENDING:
        raise Conflict(f"该申请已{req.status.title}", code="conflict_state")
    if req.requested_by_id != actor.id:
        raise Forbidden("只有申请人可以撤回审批申请")
    touch(req.case)
    req.status = ApprovalStatus.CANCELLED
    req.decided_by, req.decided_at = actor, clock.now()
    record_event(req.case, tag="case:approval:cancel", actor=actor, action=req.action,
                 summary=f"撤回审批申请：{label_of(req)}", data={"approval_id": req.id})
    db.session.flush()
    return req.case
