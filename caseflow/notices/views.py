"""Document pages: the case card, a document's page (edit, preview, issue, deliver), PDFs and the public /verify.

Every route loads the document (or its case) through the visibility rules first: a document a user may not see
answers 404, like a case that is not theirs; a draft is never served to a party and never as a final PDF.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from caseflow import policy
from caseflow.cases import accesslog, queries
from caseflow.cases.views import case_url
from caseflow.core.db import transactional
from caseflow.core.errorpages import field_errors, on_refusal
from caseflow.core.errors import NotFound
from caseflow.core.forms import form_errors
from caseflow.core.guard import body_limit
from caseflow.core.security import current_actor
from caseflow.notices import catalogue, deliveries, drafting, issuing, reading, rendering, verification
from caseflow.notices.forms import (
    CommentForm,
    ConsentForm,
    DeliveryForm,
    DraftForm,
    VerifyForm,
    parts_form_class,
    parts_of,
)
from caseflow.notices.models import DeliveryMethod, Notice, NoticeStatus

# An issued document uploaded to be verified: PDFs with their embedded fonts stay well below this.
VERIFY_MAX_BYTES = 20 * 1024 * 1024

bp = Blueprint("notices", __name__)

#: Issuing takes a number under a row lock (PostgreSQL waits for it; SQLite's write lock is taken at BEGIN). Should
#: a conflict remain (a deadlock, a lock wait that timed out), the whole issue runs again on a fresh snapshot, so
#: two officers issuing at once both get their numbers instead of one 409.
ISSUE_ATTEMPTS = 6


def _staff_notice(notice_id: int) -> Notice:
    """The document, for its case's staff only (anyone else is told it does not exist)."""
    notice = reading.load_notice(notice_id, current_user)
    if not policy.is_case_staff(current_user, notice.case):
        raise NotFound("文书不存在")
    return notice


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> Response:
    response = Response(content, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def send_notice_pdf(notice):
    """The stored PDF of an issued notice (from disk when the storage is local)."""
    filename = f"{notice.title}{notice.number or ''}.pdf"
    path = rendering.local_pdf_path(notice)
    if path is not None:
        response = send_file(path, mimetype="application/pdf", download_name=filename, conditional=True,
                             max_age=0)
    else:
        with rendering.open_pdf(notice) as stream:
            return pdf_response(stream.read(), filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------
# The case card (templates/notices/_case_notices.html, included by the staff and portal case pages)
# ---------------------------------------------------------------------------------------------------------


@bp.app_template_filter("codepoint")
def codepoint(char: str) -> str:
    """U+5803 for 堃 (how the missing-character report names a character)."""
    return ", ".join(f"U+{ord(c):04X}" for c in char)


# ---------------------------------------------------------------------------------------------------------
# Staff: drafting, editing, previewing, issuing, sign-off, delivery
# ---------------------------------------------------------------------------------------------------------


def _detail(notice, *, parts_form=None, delivery_form=None, status: int = 200):
    kind = catalogue.kind(notice.kind)
    if parts_form is None:
        parts_form = parts_form_class(kind)(data={**(notice.parts or {}), "version": str(notice.version)})
    recipients = deliveries.recipient_parties(notice)
    if delivery_form is None:
        delivery_form = DeliveryForm(parties=recipients)
    roles = policy.case_staff_roles(current_user, notice.case)
    # Who receives for a recipient (代收): the agent the 授权委托书 names to, shown beside the recipient.
    proxies = {p.id: agent.name for p in recipients if (agent := deliveries.receiving_agent(p, notice.case))}
    return render_template(
        "notices/page_detail.html", notice=notice, case=notice.case, kind=kind, parts_form=parts_form,
        action_label=drafting.action_label(notice),
        delivery_form=delivery_form, comment_form=CommentForm(), roles=roles,
        needs_signoff=issuing.needs_signoff(notice, current_user),
        recipients=recipients, proxies=proxies, missing=(notice.missing_chars or {}).get("chars") or [],
        methods=DeliveryMethod, statuses=NoticeStatus,
    ), status


@bp.route("/notices/<int:notice_id>")
@login_required
def detail(notice_id: int):
    """A document's page for staff: status, editable parts, preview, issue, deliveries."""
    notice = _staff_notice(notice_id)
    queries.load_case(notice.case_id, current_user)
    page = _detail(notice)
    accesslog.record_view(notice.case_id, current_user, "notice")
    return page


@bp.route("/cases/<int:case_id>/notices", methods=["POST"])
@login_required
@transactional
def draft(case_id: int):
    """Draft a catalogue kind by hand."""
    case = queries.load_case(case_id, current_user)
    if not policy.is_case_staff(current_user, case):
        raise NotFound("案件不存在")
    form = DraftForm(procedure=case.procedure)
    if not form.validate_on_submit():
        flash("；".join(form_errors(form).values()) or "请选择文书类型", "danger")
        return redirect(url_for("cases.show", case_id=case.id) + "#notices", 303)
    notice = drafting.draft_manual(case, form.kind.data, actor=current_actor())
    flash(f"已起草：{notice.title}", "success")
    return redirect(url_for("notices.detail", notice_id=notice.id), 303)


def _to_notice(notice_id: int, **_) -> str:
    return url_for("notices.detail", notice_id=notice_id)


def _edit_again(exc, notice_id: int):
    """Refused parts show the document's page again with the messages beside them and the text typed kept."""
    if exc.status != 422 or not exc.fields:
        return None
    notice = reading.load_notice(notice_id, current_user)
    form = parts_form_class(catalogue.kind(notice.kind))()
    field_errors(form, exc)
    return _detail(notice, parts_form=form, status=422)


@bp.route("/notices/<int:notice_id>/edit", methods=["POST"])
@login_required
@on_refusal(_to_notice, render=_edit_again)
@transactional
def edit(notice_id: int):
    """Save the editable parts of a draft."""
    notice = _staff_notice(notice_id)
    kind = catalogue.kind(notice.kind)
    form = parts_form_class(kind)()
    if not form.validate_on_submit():
        return _detail(notice, parts_form=form, status=422)
    drafting.update_parts(notice, actor=current_actor(), parts=parts_of(form, kind),
                          version=int(form.version.data) if (form.version.data or "").isdigit() else None)
    missing = (notice.missing_chars or {}).get("chars") or []
    if missing:
        flash("已保存。以下字符没有可用字体，签发前请修改：" + "、".join(missing), "warning")
    else:
        flash("已保存草稿", "success")
    return redirect(url_for("notices.detail", notice_id=notice.id), 303)


@bp.route("/notices/<int:notice_id>/preview.pdf")
@login_required
def preview(notice_id: int):
    """The draft as a PDF watermarked 草稿 (never the final document)."""
    notice = _staff_notice(notice_id)
    if notice.is_issued:
        return redirect(url_for("notices.pdf", notice_id=notice.id), 303)
    return pdf_response(rendering.preview_pdf(notice), f"草稿-{notice.title}.pdf")


@bp.route("/notices/<int:notice_id>/issue", methods=["POST"])
@login_required
@on_refusal(_to_notice, details=True)
@transactional(attempts=ISSUE_ATTEMPTS)
def issue(notice_id: int):
    """Issue the draft (or send it to a supervisor for sign-off)."""
    notice = _staff_notice(notice_id)
    outcome = issuing.issue(notice, actor=current_actor())
    if outcome.issued:
        flash(f"已签发：{notice.title}（{notice.number}）", "success")
    else:
        flash(f"“{notice.title}”已提交负责人签发", "info")
    return redirect(url_for("notices.detail", notice_id=notice.id), 303)


def _decide_signoff(notice_id: int, decide, message) -> BaseResponse:
    """Run a supervisor's sign-off decision with its comment; flash the outcome and go back to the document."""
    notice = _staff_notice(notice_id)
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    decide(notice, actor=current_actor(), comment=form.comment.data or "")
    flash(*message(notice))
    return redirect(url_for("notices.detail", notice_id=notice.id), 303)


@bp.route("/notices/<int:notice_id>/approve", methods=["POST"])
@login_required
@on_refusal(_to_notice, details=True)
@transactional(attempts=ISSUE_ATTEMPTS)
def approve(notice_id: int):
    """A supervisor signs off (and so issues) a document."""
    return _decide_signoff(notice_id, issuing.approve_signoff,
                           lambda n: (f"已签发：{n.title}（{n.number}）", "success"))


@bp.route("/notices/<int:notice_id>/return", methods=["POST"])
@login_required
@on_refusal(_to_notice, details=True)
@transactional
def return_(notice_id: int):
    """A supervisor returns a document for revision."""
    return _decide_signoff(notice_id, issuing.return_signoff, lambda n: ("已退回修改", "info"))


@bp.route("/notices/<int:notice_id>/discard", methods=["POST"])
@login_required
@on_refusal(_to_notice, details=True)
@transactional
def discard(notice_id: int):
    notice = _staff_notice(notice_id)
    drafting.discard_draft(notice, actor=current_actor())
    flash("草稿已作废", "info")
    return redirect(url_for("cases.show", case_id=notice.case_id) + "#notices", 303)


@bp.route("/notices/<int:notice_id>/correct", methods=["POST"])
@login_required
@on_refusal(_to_notice, details=True)
@transactional
def correct(notice_id: int):
    """Draft a 更正通知书 for an issued document."""
    notice = _staff_notice(notice_id)
    correction = drafting.draft_correction(notice, actor=current_actor())
    flash("已起草更正通知书，请填写更正内容", "info")
    return redirect(url_for("notices.detail", notice_id=correction.id), 303)


def _deliver_again(exc, notice_id: int):
    """Refused delivery details show the document's page again with the messages beside the fields."""
    if exc.status != 422 or not exc.fields:
        return None
    notice = reading.load_notice(notice_id, current_user)
    form = DeliveryForm(parties=deliveries.recipient_parties(notice))
    field_errors(form, exc)
    return _detail(notice, delivery_form=form, status=422)


@bp.route("/notices/<int:notice_id>/deliveries", methods=["POST"])
@login_required
@on_refusal(_to_notice, render=_deliver_again, details=True)
@transactional
def deliver(notice_id: int):
    """Record a delivery (送达)."""
    notice = _staff_notice(notice_id)
    form = DeliveryForm(parties=deliveries.recipient_parties(notice))
    if not form.validate_on_submit():
        return _detail(notice, delivery_form=form, status=422)
    deliveries.record_delivery(
        notice, actor=current_actor(), method=form.method.data,
        party_id=int(form.party_id.data) if (form.party_id.data or "").isdigit() else None,
        delivered_on=form.delivered_on.data, published_on=form.published_on.data,
        receipt_number=form.receipt_number.data, signed_by=form.signed_by.data, witness=form.witness.data,
        place=form.place.data, note=form.note.data)
    flash("已登记送达", "success")
    return redirect(url_for("notices.detail", notice_id=notice.id), 303)


@bp.route("/notices/<int:notice_id>/receipt.pdf")
@login_required
@on_refusal(_to_notice, details=True)
def receipt(notice_id: int):
    """A 送达回证 for paper service on one recipient (?party=<id>)."""
    notice = _staff_notice(notice_id)
    party_id = request.args.get("party", type=int)
    party = next((p for p in deliveries.recipient_parties(notice) if p.id == party_id), None)
    if party_id is not None and party is None:
        raise NotFound("受送达人不存在")
    content = rendering.service_receipt_pdf(notice, party)
    return pdf_response(content, f"送达回证-{notice.number}.pdf")


@bp.route("/notices/signoff")
@policy.staff_required
def signoff_inbox():
    """Documents waiting for this supervisor's sign-off."""
    return render_template("notices/page_signoff.html", notices=issuing.pending_signoffs(current_user))


# ---------------------------------------------------------------------------------------------------------
# PDFs for staff and parties; consent to electronic service
# ---------------------------------------------------------------------------------------------------------


@bp.route("/notices/<int:notice_id>.pdf")
@login_required
@transactional
def pdf(notice_id: int):
    """The issued PDF, for staff of the case and the parties it was served on (404 for anyone else)."""
    notice = reading.load_notice(notice_id, current_user)
    if not notice.is_issued:
        raise NotFound("文书尚未签发")
    if current_user.is_staff:
        queries.load_case(notice.case_id, current_user)
    else:
        deliveries.record_opening(notice, current_user)
    response = send_notice_pdf(notice)
    accesslog.record_view(notice.case_id, current_user, "notice_pdf")
    return response


@bp.route("/cases/<int:case_id>/notices/consent", methods=["POST"])
@login_required
@on_refusal(lambda case_id: case_url(queries.load_case(case_id, current_user)) + "#notices", error_pages=())
@transactional
def consent(case_id: int):
    """A party consents online to electronic service; staff record a party's written consent."""
    case = queries.load_case(case_id, current_user)
    staff = policy.is_case_staff(current_user, case)
    party_id = None
    if staff:
        form = ConsentForm(parties=[p for p in case.parties if p.role.value != "agent"])
        if not form.validate_on_submit():
            flash("请选择当事人", "danger")
            return redirect(case_url(case) + "#notices", 303)
        party_id = int(form.party_id.data)
    deliveries.give_consent(case, actor=current_actor(), party_id=party_id)
    flash("已登记同意电子送达：此后的文书将送达至门户账号，到达之日即为送达之日", "success")
    return redirect(case_url(case) + "#notices", 303)


@bp.route("/cases/<int:case_id>/notices/consent/withdraw", methods=["POST"])
@login_required
@transactional
def withdraw_consent(case_id: int):
    """A party withdraws its consent to electronic service."""
    case = queries.load_case(case_id, current_user)
    deliveries.withdraw_consent(case, actor=current_actor())
    flash("已撤回电子送达同意，此后的文书将以纸质方式送达", "info")
    return redirect(case_url(case) + "#notices", 303)


# ---------------------------------------------------------------------------------------------------------
# Public verification
# ---------------------------------------------------------------------------------------------------------


@bp.route("/verify", methods=["GET", "POST"])
@bp.route("/verify/<code>", methods=["GET", "POST"])
@body_limit(VERIFY_MAX_BYTES)  # an issued PDF to compare
def verify(code: str | None = None):
    """Confirm a document by its number and code as printed (or by the code alone, the QR code's link); with an
    uploaded PDF, say whether it is the genuine, unaltered one."""
    form = VerifyForm(data={"code": code or "", "number": request.args.get("number", "")}
                      if request.method == "GET" else None)
    code = (code or request.values.get("code") or "").strip()[:64]
    number = (request.values.get("number") or "").strip()[:64]
    notice = verification.find(code, number) if code else None
    result = None
    status = 200
    if (code or number) and notice is None:
        status = 404
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 422
        elif notice is not None:
            digest = verification.hash_upload(form.file.data.stream)
            result = {"genuine": digest == notice.sha256, "sha256": digest}
    facts = verification.verification_facts(notice) if notice is not None else None
    return render_template("notices/page_verify.html", form=form, code=code, number=number, facts=facts,
                           result=result, not_found=status == 404), status
