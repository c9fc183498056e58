"""Evidence pages for staff and parties: upload, list (证据清单), detail, view, download, admission, hand-over.

Every route loads the case through `queries.load_case`, so a case the user may not see answers 404, and so
does every evidence record, preview and file of it (an unguessable URL is not a permission).
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseflow import policy
from caseflow.cases import accesslog, queries
from caseflow.cases.views import case_url
from caseflow.core.db import transactional
from caseflow.core.errorpages import on_refusal, respond
from caseflow.core.errors import DomainError, Forbidden
from caseflow.core.guard import body_limit
from caseflow.core.security import csrf, current_actor
from caseflow.evidence import checks, http, preview, services
from caseflow.evidence.forms import AdmissionForm, HandoverForm

bp = Blueprint("evidence", __name__)

MAX_WEB_FILES = 20  # files in one plain (no-JavaScript) form post; the script sends one file per request


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or (
        request.accept_mimetypes.best == "application/json")


def _load(case_id: int, evidence_id: int):
    case = queries.load_case(case_id, current_user)
    return case, services.load_evidence(case, evidence_id)


def _upload_refused(exc: DomainError, **_):
    """The page script's uploads get the refusal as JSON; a plain form goes back to the case (404: error page)."""
    if _wants_json():
        return jsonify(exc.to_json()), exc.status
    if exc.status == 404:
        return respond(exc.status, exc.code, exc.message, exc.fields)
    return None


@bp.post("/cases/<int:case_id>/evidence")
@body_limit(None)  # streamed under EVIDENCE_MAX_BYTES per file (http.parse_upload)
@csrf.exempt  # checked below, after our streaming parser has read the form (http.check_csrf)
@login_required
@on_refusal(lambda case_id: case_url_or_none(case_id) + "#evidence", render=_upload_refused, error_pages=())
def upload(case_id: int):
    """Receive one or more files (a plain form, or the page script's one-file-per-request uploads).

    Each file is stored in a transaction of its own: a refused file is reported beside the accepted ones.
    """
    json_mode = _wants_json()
    case = queries.load_case(case_id, current_user)
    if not policy.can_upload_evidence(current_user, case):
        raise Forbidden("案件已办结，不能再提交证据" if case.closed_at else "您无权向本案提交证据")
    services.check_room(case)
    with http.parse_upload(MAX_WEB_FILES) as received:
        http.check_csrf(received.form)
        uploads = http.chosen_files(received)
        base = services.clean_fields(received.form, actor=current_actor(), require_title=False)
        created, refused = http.store_each(uploads, base, lambda stored, fields: (
            services.create_evidence(case, stored, actor=current_actor(), fields=fields, via="web")))
    if json_mode:
        if not created and refused:
            first = refused[0][1]
            return jsonify(first.to_json()), first.status
        return jsonify({"items": [{"id": e.id, "label": e.label, "title": e.title, "sha256": e.sha256,
                                   "size": e.size, "mime": e.mime} for e in created],
                        "refused": [{"name": n, "message": x.message} for n, x in refused]}), 201
    for e in created:
        flash(f"已提交{e.label}《{e.title}》（SHA-256 {e.sha256[:16]}…）", "success")
    for name, error in refused:
        flash(f"“{name}”未能提交：{error.message}", "danger")
    return redirect(case_url(case) + "#evidence", 303)


def case_url_or_none(case_id: int) -> str:
    """Back to the case page when the user may see it, else their home page."""
    try:
        case = queries.load_case(case_id, current_user)
    except DomainError:
        return url_for("accounts.index")
    return case_url(case)


@bp.get("/cases/<int:case_id>/evidence")
@login_required
def evidence_list(case_id: int):
    """The evidence list (证据清单) of a case, printable."""
    case = queries.load_case(case_id, current_user)
    html = render_template("evidence/list.html", case=case, items=services.list_evidence(case),
                           can_decide=policy.can_decide_evidence(current_user, case), back=case_url(case))
    accesslog.record_view(case.id, current_user, "evidence")
    return html


@bp.get("/cases/<int:case_id>/evidence.csv")
@login_required
def evidence_csv(case_id: int):
    """The evidence list as CSV."""
    case = queries.load_case(case_id, current_user)
    response = http.send_csv(case)
    accesslog.record_view(case.id, current_user, "evidence")
    return response


@bp.get("/cases/<int:case_id>/evidence/package.zip")
@login_required
def package(case_id: int):
    """The evidence package (zip with manifest, custody log and case summary) — staff of the case only."""
    case = queries.load_case(case_id, current_user)
    if not policy.can_decide_evidence(current_user, case):
        raise Forbidden("只有办案人员可以导出证据包")
    return http.send_package(case, actor=current_actor())


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>")
@login_required
def detail(case_id: int, evidence_id: int):
    """One piece of evidence: its record, preview, versions and custody log; staff decide on it here."""
    case, ev = _load(case_id, evidence_id)
    html = render_template(
        "evidence/detail.html", case=case, ev=ev, versions=services.versions_of(ev),
        events=services.custody_events(case, ev), can_decide=policy.can_decide_evidence(current_user, case),
        can_replace=policy.can_replace_evidence(current_user, ev) and ev.is_current,
        admission_form=AdmissionForm(formdata=None, data={"decision": ev.admission.value
                                     if ev.admission.value != "pending" else None, "reason": ev.admission_reason}),
        handover_form=HandoverForm(formdata=None), inline=checks.is_inline_safe(ev.mime),
        has_preview=preview.can_preview(ev.mime), human_size=checks.human_size, back=case_url(case),
        max_size=checks.human_size(services.settings()["max_bytes"]))
    accesslog.record_view(case.id, current_user, "evidence")
    return html


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>/view")
@login_required
def view(case_id: int, evidence_id: int):
    """Show an image or PDF inline (other types download); a custody event."""
    return http.deliver(lambda: _load(case_id, evidence_id)[1], actor=current_actor(), how="view", via="web")


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>/download")
@login_required
def download(case_id: int, evidence_id: int):
    """Download the file under its original name; a custody event."""
    return http.deliver(lambda: _load(case_id, evidence_id)[1], actor=current_actor(), how="download", via="web")


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>/preview.png")
@login_required
def preview_png(case_id: int, evidence_id: int):
    """Thumbnail or first-page preview."""
    return http.send_preview(_load(case_id, evidence_id)[1])


@bp.post("/cases/<int:case_id>/evidence/<int:evidence_id>/admission")
@login_required
@transactional
def admission(case_id: int, evidence_id: int):
    """Record the panel's decision: 采信 or 不予采信 with a reason."""
    case, ev = _load(case_id, evidence_id)
    if not policy.can_decide_evidence(current_user, case):
        raise Forbidden("只有办案人员可以认定证据")
    form = AdmissionForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for msg in errors:
                flash(msg, "danger")
        return redirect(url_for("evidence.detail", case_id=case.id, evidence_id=ev.id), 303)
    services.decide_admission(ev, actor=current_actor(), decision=form.decision.data, reason=form.reason.data)
    flash(f"已记录认定：{ev.label}{ev.admission.title}", "success")
    return redirect(url_for("evidence.detail", case_id=case.id, evidence_id=ev.id), 303)


@bp.post("/cases/<int:case_id>/evidence/<int:evidence_id>/handover")
@login_required
@transactional
def handover(case_id: int, evidence_id: int):
    """Record a hand-over of the evidence to a person or body."""
    case, ev = _load(case_id, evidence_id)
    if not policy.can_decide_evidence(current_user, case):
        raise Forbidden("只有办案人员可以登记证据移交")
    form = HandoverForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for msg in errors:
                flash(msg, "danger")
        return redirect(url_for("evidence.detail", case_id=case.id, evidence_id=ev.id), 303)
    recipient = form.recipient.data or ""  # DataRequired: never empty here
    services.record_handover([ev], actor=current_actor(), recipient=recipient, note=form.note.data or "")
    flash(f"已登记移交：{ev.label} → {recipient.strip()}", "success")
    return redirect(url_for("evidence.detail", case_id=case.id, evidence_id=ev.id), 303)


@bp.post("/cases/<int:case_id>/evidence/<int:evidence_id>/replace")
@body_limit(None)  # streamed under EVIDENCE_MAX_BYTES
@csrf.exempt  # checked after our streaming parser has read the form
@login_required
@on_refusal(lambda case_id, evidence_id: url_for("evidence.detail", case_id=case_id, evidence_id=evidence_id),
            error_pages=(403, 404))
def replace(case_id: int, evidence_id: int):
    """Upload a corrected file: a new version linked to this one (the old file stays as it was)."""
    case, ev = _load(case_id, evidence_id)
    if not policy.can_replace_evidence(current_user, ev):
        raise Forbidden("只有提交人或办案人员可以更正该证据")
    with http.parse_upload(1) as received:
        http.check_csrf(received.form)
        uploads = http.chosen_files(received)
        fields = services.clean_fields(received.form, actor=current_actor(), partial=True)
        stored = services.check_and_store(uploads[0])
        new = http.save_upload(lambda: services.create_evidence(
            case, stored, actor=current_actor(), fields=fields, replaces=services.load_evidence(case, evidence_id)))
    flash(f"已提交更正后的{new.label}", "success")
    return redirect(url_for("evidence.detail", case_id=case.id, evidence_id=new.id), 303)
