"""Staff workspace: queues, the case page and the one generic action route."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import escape

import workflows
from caseflow.cases import accesslog, page as pages, queries
from caseflow.cases.forms import CONFIRMED, action_form_class, clean_action_data
from caseflow.cases.services import authorize_action, perform
from caseflow.core.db import transactional
from caseflow.core.errorpages import field_errors, on_refusal
from caseflow.core.security import current_actor
from caseflow.core.templating import Choices
from caseflow.policy import staff_required

bp = Blueprint("cases", __name__)


def case_url(case) -> str:
    """Staff see the workspace page; parties see their portal page."""
    if current_user.is_staff:
        return url_for("cases.show", case_id=case.id)
    return url_for("portal.case", case_id=case.id)


#: The queue's filter choices: the procedures, and each procedure's states under its title.
_PROCEDURE_CHOICES = Choices((code, p.title) for code, p in workflows.PROCEDURES.items())
_STATE_CHOICES = [(code, escape(p.title), Choices((s, st.title) for s, st in p.states.items()))
                  for code, p in workflows.PROCEDURES.items()]


@bp.route("/cases/")
@staff_required
def queue():
    """Queues: mine, my unit's unassigned, all visible (supervisors); with filters and sorting."""
    args = request.args.to_dict()  # first values; a plain dict's get is cheap (the form asks for each option)
    user = current_actor()  # the policy reads several of its attributes: not each through the proxy
    default_queue = "all" if user.role == "supervisor" else "mine"
    which = args.get("queue", default_queue)
    if which not in {"mine", "unassigned", "all"}:
        which = default_queue
    page = queries.queue_rows(
        user, queue=which, procedure=args.get("procedure") or None, state=args.get("state") or None,
        q=(args.get("q") or "").strip() or None, sort=args.get("sort", "received"),
        page=queries.int_arg(args.get("page"), 1), per_page=25, open_only=args.get("open") == "1",
    )
    return render_template("cases/queue.html", page=page, queue=which, args=args, procedure_choices=_PROCEDURE_CHOICES,
                           state_choices=_STATE_CHOICES, **pages.queue_page(page.items))


@bp.route("/cases/<int:case_id>")
@staff_required
def show(case_id: int):
    """The case page: parties, timeline, linked cases and one button per action allowed now. Built from reads alone;
    the view is logged once it is built (accesslog.record_view)."""
    user = current_actor()  # the policy and the cards read many of its attributes: not each through the proxy
    case = queries.load_case(case_id, user)
    html = render_template("cases/show.html", case=case, panels=pages.case_page(case, user),
                           procedure=workflows.procedure(case.procedure))
    accesslog.record_view(case.id, user, "page")
    return html


def _form_of(case, decl):
    """The action's web form: an irreversible action's asks for a ticked "我已核对"."""
    confirm = workflows.procedure(case.procedure).confirmation(decl.name, case.state)
    return action_form_class(decl, case, confirm=confirm)


def _action_page(case, decl, form, refusal: str = ""):
    return render_template("cases/action.html", case=case, action=decl, form=form, refusal=refusal,
                           confirm=workflows.procedure(case.procedure).confirmation(decl.name, case.state),
                           needs_approval=pages.approval_needed(case, decl, current_user),
                           agreement=pages.agreement_of(case, decl))


def _act_again(exc, case_id: int, action: str):
    """A refused form (its fields, or a guard of the workflow) is shown again with the message and everything typed
    kept (422); a stale form or a pending approval goes back to the case page."""
    if request.method != "POST" or exc.status not in (409, 422) or exc.code in ("conflict_version", "approval_pending"):
        return None
    case = queries.load_case(case_id, current_user)
    decl = authorize_action(case, action, current_user)
    form = _form_of(case, decl)()
    placed = field_errors(form, exc)
    if exc.status == 409 and not (decl.fields or CONFIRMED in form):
        return None  # a one-click action: the case page tells
    return _action_page(case, decl, form, "" if placed and exc.status == 422 else exc.message), 422


@bp.route("/cases/<int:case_id>/actions/<action>", methods=["GET", "POST"])
@login_required
@on_refusal(lambda case_id, action: case_url(queries.load_case(case_id, current_user)), render=_act_again,
            error_pages=(403, 404))
@transactional
def act(case_id: int, action: str):
    """Show an action's form or perform it (staff and parties alike; the policy decides)."""
    case = queries.load_case(case_id, current_user)
    decl = authorize_action(case, action, current_user)
    form = _form_of(case, decl)(version=str(case.version) if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            outcome = perform(case, action, actor=current_actor(),
                              data={"version": form.version.data, **clean_action_data(form)})
            if outcome.approval is not None:
                flash(f"“{decl.label}”已提交负责人审批", "info")
            else:
                flash(f"已完成：{decl.label}", "success")
            return redirect(case_url(case), 303)
        return _action_page(case, decl, form), 422
    return _action_page(case, decl, form)
