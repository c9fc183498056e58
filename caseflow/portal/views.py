"""The public portal: filing with drafts, my cases, the status page."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

import workflows
from caseflow.accounts.services import units_ordered
from caseflow.cases import queries
from caseflow.cases.forms import FILING_STEPS, RightForm
from caseflow.cases.services import available_actions
from caseflow.core.db import db, transactional
from caseflow.core.errors import Invalid
from caseflow.portal import services

bp = Blueprint("portal", __name__, url_prefix="/portal")


def public_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.is_staff:
            abort(404)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/")
@public_required
def index():
    """My cases and my drafts."""
    page = queries.list_cases(current_user, page=queries.int_arg(request.args.get("page"), 1), per_page=20)
    return render_template("portal/index.html", page=page, drafts=services.my_drafts(current_user))


@bp.route("/file", methods=["POST"])
@public_required
@transactional
def new_draft():
    """Start a new complaint draft."""
    draft = services.start_draft(current_user)
    return redirect(url_for("portal.step", draft_id=draft.id, step=1), 303)


def _step_form(step: int, draft, formdata=None):
    _, _, form_cls = FILING_STEPS[step - 1]
    kwargs = {"units": units_ordered()} if form_cls is RightForm else {}
    if formdata is None:
        return form_cls(formdata=None, data=draft.data or {}, **kwargs)
    return form_cls(**kwargs)


@bp.route("/drafts/<int:draft_id>/step/<int:step>", methods=["GET", "POST"])
@public_required
@transactional
def step(draft_id: int, step: int):
    """One step of the filing form; every button saves the draft."""
    draft = services.load_draft(draft_id, current_user)
    if not 1 <= step <= len(FILING_STEPS):
        abort(404)
    if request.method == "GET":
        form = _step_form(step, draft)
        return render_template("portal/step.html", draft=draft, step=step, steps=FILING_STEPS, form=form)
    form = _step_form(step, draft, formdata=request.form)
    button = request.form.get("go", "save")
    values = {k: v for k, v in form.data.items() if k != "csrf_token"}
    lists = [name for name in ("claimants", "respondents") if name in values]
    if button.startswith("add-") and lists:
        values[lists[0]] = list(values[lists[0]]) + [{}] if len(values[lists[0]]) < 10 else values[lists[0]]
        services.save_step(draft, step, values)
        return redirect(url_for("portal.step", draft_id=draft.id, step=step), 303)
    if button.startswith("remove-") and lists:
        idx = queries.int_arg(button.removeprefix("remove-"), 0) - 1
        items = list(values[lists[0]])
        if 0 <= idx < len(items) and len(items) > 1:
            items.pop(idx)
        values[lists[0]] = items
        services.save_step(draft, step, values)
        return redirect(url_for("portal.step", draft_id=draft.id, step=step), 303)
    if not form.validate_on_submit():
        services.save_step(draft, step, values)  # CSRFProtect has already checked the request
        if button == "save":
            flash("草稿已保存（部分内容尚需完善）", "info")
        return render_template("portal/step.html", draft=draft, step=step, steps=FILING_STEPS, form=form), 422
    services.save_step(draft, step + (1 if button == "next" else -1 if button == "prev" else 0), values)
    if button == "next":
        if step == len(FILING_STEPS):
            return redirect(url_for("portal.review", draft_id=draft.id), 303)
        return redirect(url_for("portal.step", draft_id=draft.id, step=step + 1), 303)
    if button == "prev" and step > 1:
        return redirect(url_for("portal.step", draft_id=draft.id, step=step - 1), 303)
    flash("草稿已保存", "success")
    return redirect(url_for("portal.step", draft_id=draft.id, step=step), 303)


@bp.route("/drafts/<int:draft_id>/review", methods=["GET", "POST"])
@public_required
@transactional
def review(draft_id: int):
    """Review everything and submit; only now does the filing become a case with a number."""
    draft = services.load_draft(draft_id, current_user)
    units = {u.code: u.name for u in units_ordered()}
    if request.method == "POST":
        try:
            case = services.submit_draft(draft, current_user)
        except Invalid as exc:
            db.rollback()
            first = next(iter(exc.fields), "")
            flash("提交失败：" + exc.message, "danger")
            return redirect(url_for("portal.step", draft_id=draft.id, step=services.step_of_field(first)), 303)
        flash(f"提交成功，案件编号 {case.number}", "success")
        return redirect(url_for("portal.case", case_id=case.id, receipt=1), 303)
    return render_template("portal/review.html", draft=draft, units=units, steps=FILING_STEPS)


@bp.route("/drafts/<int:draft_id>/delete", methods=["POST"])
@public_required
@transactional
def delete_draft(draft_id: int):
    """Delete a draft."""
    draft = services.load_draft(draft_id, current_user)
    db.session.delete(draft)
    flash("草稿已删除", "info")
    return redirect(url_for("portal.index"), 303)


@bp.route("/cases/<int:case_id>")
@public_required
def case(case_id: int):
    """A party's status page: where the case stands and what they can do now."""
    case = queries.load_case(case_id, current_user)
    return render_template("portal/case.html", case=case, actions=available_actions(case, current_user),
                           procedure=workflows.procedure(case.procedure), receipt=request.args.get("receipt") == "1")
