"""The public portal: filing with drafts, my cases, the status page."""

from __future__ import annotations

import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import MultiDict

import workflows
from caseflow import policy
from caseflow.accounts.services import units_ordered
from caseflow.cases import page, queries
from caseflow.cases.forms import FILING_STEPS, ID_TYPES, IP_TYPES, RightForm
from caseflow.core.db import ConcurrencyConflict, db, is_concurrency_error, transactional
from caseflow.core.errorpages import on_refusal
from caseflow.core.errors import Forbidden, Invalid, NotFound
from caseflow.core.guard import body_limit
from caseflow.core.security import csrf
from caseflow.evidence.checks import human_size
from caseflow.evidence.models import EvidenceKind
from caseflow.evidence.services import settings as evidence_settings
from caseflow.portal import services
from workflows.complaint import KINDS

bp = Blueprint("portal", __name__, url_prefix="/portal")


def _me():
    """The logged-in user itself, not flask-login's proxy (which must never be stored on a model)."""
    return current_user._get_current_object()



@bp.route("/")
@policy.requires("use_portal")
def index():
    """My cases and my drafts."""
    page = queries.list_cases(current_user, page=queries.int_arg(request.args.get("page"), 1), per_page=20)
    return render_template("portal/index.html", page=page, drafts=services.my_drafts(current_user),
                           may_file=policy.can_file(current_user))


@bp.route("/file", methods=["POST"])
@policy.requires("use_portal")
@transactional
def new_draft():
    """Start a new draft: a complaint, or (``procedure=adjudication``) a patent-infringement 处理请求书."""
    procedure = request.form.get("procedure") or "complaint"
    if not policy.can_file(current_user):
        raise Forbidden("只有权利人账户可以提交投诉举报或处理请求；被请求人账户只能办理被通知的案件")
    if procedure not in services.FILINGS:
        raise Invalid("不能在网上提交该类申请")
    draft = services.start_draft(current_user, procedure)
    return redirect(url_for("portal.step", draft_id=draft.id, step=1), 303)


def _step_form(step: int, draft, formdata=None):
    _, _, form_cls = FILING_STEPS[step - 1]
    kwargs = {"units": units_ordered(), "procedure": draft.procedure} if form_cls is RightForm else {}
    if formdata is None:
        return form_cls(formdata=None, data=draft.data or {}, **kwargs)
    return form_cls(**kwargs)


def _draft_or_submitted(draft_id: int):
    """(draft, None) for the user's own draft; (None, case) when it was already submitted; else 404."""
    try:
        return services.load_draft(draft_id, current_user), None
    except NotFound:
        case = services.submitted_case(draft_id, current_user)
        if case is None:
            raise
        return None, case


def _to_submitted(case, *, again: bool):
    """Send the user to the case a draft became (a double submit lands on the receipt, with a warning)."""
    if again:
        flash(f"该投诉已提交，案件编号 {case.number}，请勿重复提交", "warning")
        return redirect(url_for("portal.case", case_id=case.id, receipt=1), 303)
    flash(f"该草稿已提交，案件编号 {case.number}", "info")
    return redirect(url_for("portal.case", case_id=case.id), 303)


@bp.route("/drafts/<int:draft_id>/step/<int:step>", methods=["GET", "POST"])
@policy.requires("use_portal")
@transactional
def step(draft_id: int, step: int):
    """One step of the filing form. Every button saves what was typed; only "next" insists on valid input."""
    if not 1 <= step <= len(FILING_STEPS):
        abort(404)
    draft, submitted = _draft_or_submitted(draft_id)
    if submitted is not None:
        return _to_submitted(submitted, again=False)
    if request.method == "GET":
        form = _step_form(step, draft)
        return render_template("portal/step.html", draft=draft, step=step, steps=services.filing_steps(draft.procedure),
                               form=form, words=services.FILINGS.get(draft.procedure, services.FILINGS["complaint"]))
    form = _step_form(step, draft, formdata=request.form)
    button = request.form.get("go", "save")
    valid = form.validate()  # CSRFProtect has already checked the request; fills in normalised values
    values = {k: v for k, v in form.data.items() if k != "csrf_token"}
    lists = [name for name in ("claimants", "respondents") if name in values]
    if lists and button.startswith(("add-", "remove-")):
        name = lists[0]
        items = list(values[name])
        if button.startswith("add-"):
            if len(items) < (form[name].max_entries or 10):
                items.append({})
            else:
                flash(f"最多可填写 {form[name].max_entries} 项", "warning")
        else:
            idx = queries.int_arg(button.removeprefix("remove-"), 0) - 1
            if 0 <= idx < len(items) and len(items) > 1:
                items.pop(idx)
        values[name] = items
        services.save_step(draft, step, values)
        return redirect(url_for("portal.step", draft_id=draft.id, step=step), 303)
    if button == "next":
        if not valid:
            services.save_step(draft, step, values)
            return render_template("portal/step.html", draft=draft, step=step,
                                   steps=services.filing_steps(draft.procedure), form=form,
                                   words=services.FILINGS.get(draft.procedure, services.FILINGS["complaint"])), 422
        services.save_step(draft, step + 1, values)
        if step == len(FILING_STEPS):
            return redirect(url_for("portal.review", draft_id=draft.id), 303)
        return redirect(url_for("portal.step", draft_id=draft.id, step=step + 1), 303)
    if button == "prev":
        services.save_step(draft, max(1, step - 1), values)
        return redirect(url_for("portal.step", draft_id=draft.id, step=max(1, step - 1)), 303)
    services.save_step(draft, step, values)
    if valid:
        flash("草稿已保存", "success")
    else:
        flash("草稿已保存。本页还有未填写或需修改的内容，点击“下一步”时会逐项提示。", "info")
    return redirect(url_for("portal.step", draft_id=draft.id, step=step), 303)


def _wait_for_submitted(draft_id: int, seconds: float = 5.0):
    """After losing a race to submit a draft: the case the winner created, once it has committed (else None)."""
    deadline = time.monotonic() + seconds
    while True:
        db.rollback()  # a fresh snapshot each time
        case = services.submitted_case(draft_id, current_user)
        if case is not None or time.monotonic() > deadline:
            return case
        time.sleep(0.05)



def _submit_refused(exc, draft_id: int):
    """Refused fields send the filer back to the step that asks for the first of them."""
    if not isinstance(exc, Invalid):
        return None
    flash("提交失败：" + exc.message, "danger")
    first = next(iter(exc.fields), "")
    if first in ("authorisation", "e_service"):  # answered on the review page itself
        return redirect(url_for("portal.review", draft_id=draft_id) + "#agent", 303)
    step = services.step_of_field(first)
    return redirect(url_for("portal.step", draft_id=draft_id, step=step), 303)


@bp.route("/drafts/<int:draft_id>/review", methods=["GET", "POST"])
@policy.requires("use_portal")
@on_refusal(render=_submit_refused)
@transactional
def review(draft_id: int):
    """Review everything and submit; only now does the filing become a case with a number.

    Submitting twice (a double click, the back button, a second tab) creates one case: the second attempt finds
    the draft gone and lands on the case it became.
    """
    draft, submitted = _draft_or_submitted(draft_id)
    if submitted is not None:
        return _to_submitted(submitted, again=request.method == "POST")
    if request.method == "POST":
        try:
            agent = ({"receives_documents": request.form.get("receives_documents") == "yes"}
                     if request.form.get("as_agent") == "yes" else None)
            case = services.submit_draft(draft, _me(), e_service=request.form.get("e_service") == "yes", agent=agent)
        except services.AlreadySubmitted:
            db.rollback()
            existing = services.submitted_case(draft_id, current_user)
            if existing is None:
                raise NotFound("草稿不存在") from None
            return _to_submitted(existing, again=True)
        except DBAPIError as exc:
            # SQLite refuses the second of two simultaneous writers (PostgreSQL makes it wait instead):
            # wait for the first to commit and show its case.
            if not is_concurrency_error(exc):
                raise
            case = _wait_for_submitted(draft_id)
            if case is None:
                raise ConcurrencyConflict from exc
            return _to_submitted(case, again=True)
        return redirect(url_for("portal.case", case_id=case.id, receipt=1), 303)
    attached = services.draft_evidence(draft)
    return render_template("portal/review.html", draft=draft, units={u.code: u.name for u in units_ordered()},
                           attached=attached, authorisation=services.authorisation_of(draft, attached),
                           evidence_kinds=list(EvidenceKind),
                           max_files=services.MAX_DRAFT_FILES, max_size=human_size(evidence_settings()["max_bytes"]),
                           steps=services.filing_steps(draft.procedure),
                           words=services.FILINGS.get(draft.procedure, services.FILINGS["complaint"]),
                           kinds=KINDS, ip_types=IP_TYPES, id_types=ID_TYPES)


@bp.route("/drafts/<int:draft_id>/delete", methods=["POST"])
@policy.requires("use_portal")
@transactional
def delete_draft(draft_id: int):
    draft = services.load_draft(draft_id, current_user)
    services.delete_draft(draft)
    flash("草稿已删除", "info")
    return redirect(url_for("portal.index"), 303)


def _to_review_evidence(draft_id: int, **_) -> str:
    return url_for("portal.review", draft_id=draft_id) + "#evidence"


@bp.post("/drafts/<int:draft_id>/evidence")
@body_limit(None)  # streamed under EVIDENCE_MAX_BYTES per file (evidence.http.parse_upload)
@csrf.exempt  # checked after the streaming parser has read the form (evidence.http.check_csrf)
@policy.requires("use_portal")
@on_refusal(_to_review_evidence, details=True)
def attach_evidence(draft_id: int):
    """Attach evidence to a draft before submitting it: each file is checked and stored as evidence uploads are, in a
    transaction of its own, so a refused file is reported beside the accepted ones."""
    from caseflow.evidence import http
    from caseflow.evidence.services import clean_fields
    from caseflow.evidence.views import MAX_WEB_FILES

    services.load_draft(draft_id, current_user)
    with http.parse_upload(MAX_WEB_FILES) as received:
        http.check_csrf(received.form)
        uploads = http.chosen_files(received)
        authorisation = received.form.get("purpose") == "authorisation"
        if authorisation:
            if len(uploads) > 1:
                raise Invalid("授权委托书请作为一个文件上传（多页的请合并为一个 PDF）",
                              fields={"file": "只能选择一个文件"})
            received.form = MultiDict({"title": "授权委托书", "kind": "documentary",
                                       "description": "代理人代为提交的授权委托书"})
        base = clean_fields(received.form, actor=_me(), require_title=False)
        attached, refused = http.store_each(uploads, base, lambda stored, fields: services.attach_evidence(
            services.load_draft(draft_id, current_user), stored, fields, authorisation=authorisation))
    for row in attached:
        flash(f"已附上证据《{row.title}》（SHA-256 {row.sha256[:16]}…），提交后成为本案证据", "success")
    for name, error in refused:
        flash(f"“{name}”未能附上：{error.message}", "danger")
    if authorisation:
        return redirect(url_for("portal.review", draft_id=draft_id) + "#agent", 303)
    return redirect(_to_review_evidence(draft_id), 303)


@bp.post("/drafts/<int:draft_id>/evidence/<int:evidence_id>/remove")
@policy.requires("use_portal")
@on_refusal(_to_review_evidence)
@transactional
def remove_evidence(draft_id: int, evidence_id: int):
    """Take a file off a draft (nothing of a draft reaches the office before it is submitted)."""
    row = services.remove_evidence(services.load_draft(draft_id, current_user), evidence_id)
    flash(f"已移除证据《{row.title}》", "info")
    return redirect(_to_review_evidence(draft_id), 303)


@bp.route("/cases/<int:case_id>")
@policy.requires("use_portal")
def case(case_id: int):
    """A party's status page: where the case stands and what they can do now."""
    case = queries.load_case(case_id, current_user)
    return render_template("portal/case.html", case=case, panels=page.case_page(case, current_user),
                           procedure=workflows.procedure(case.procedure), receipt=request.args.get("receipt") == "1",
                           words=services.case_words(case), kinds=KINDS, ip_types=IP_TYPES)
