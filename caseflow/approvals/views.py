"""The supervisors' approvals inbox."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from caseflow.approvals import services
from caseflow.core.db import transactional
from caseflow.core.errorpages import on_refusal
from caseflow.core.security import current_actor
from caseflow.policy import staff_required

bp = Blueprint("approvals", __name__, url_prefix="/approvals")


@bp.route("/")
@staff_required
def inbox():
    """Pending requests the supervisor may decide."""
    from caseflow.cases.page import readable_names
    from caseflow.notices.issuing import pending_signoffs

    requests = services.pending_for(current_user)
    names = readable_names([(r.case.procedure, r.action, r.data) for r in requests], {r.case.unit_id for r in requests})
    return render_template("approvals/inbox.html", requests=requests, names=names,
                           label_of=services.label_of, drafts_document=services.drafts_document,
                           signoffs=pending_signoffs(current_actor()))


@bp.route("/<int:request_id>/preview.pdf")
@staff_required
@on_refusal(lambda request_id: url_for("approvals.inbox"))
@transactional
def preview(request_id: int):
    """The draft document approving would issue, watermarked 草稿 (nothing is recorded)."""
    from caseflow.notices.views import pdf_response

    req = services.load_request(request_id, current_user)
    content, filename = services.preview_pdf(req, current_actor())
    return pdf_response(content, filename)


@bp.route("/<int:request_id>/<decision>", methods=["POST"])
@staff_required
@on_refusal(lambda request_id, decision: url_for("approvals.inbox"))
@transactional
def decide(request_id: int, decision: str):
    """Approve, reject or (the requester) cancel a request."""
    req = services.load_request(request_id, current_user)
    comment = (request.form.get("comment") or "").strip()
    if decision == "approve":
        result = services.approve_request(req, actor=current_actor(), comment=comment)
        if result.failed:
            flash(result.failed, "danger")
        else:
            flash(f"已批准：{services.label_of(req)}", "success")
    elif decision == "reject":
        services.reject_request(req, actor=current_actor(), comment=comment)
        flash(f"已驳回：{services.label_of(req)}", "info")
    elif decision == "cancel":
        services.cancel_request(req, actor=current_actor())
        flash("已撤回审批申请", "info")
        return redirect(url_for("cases.show", case_id=req.case_id), 303)
    else:
        flash("没有该操作", "danger")
    return redirect(url_for("approvals.inbox"), 303)
