"""Hearing pages: an office's calendar of hearings, its hearing rooms, and the card on an adjudication's page."""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseflow import policy
from caseflow.accounts.models import Role, Unit
from caseflow.core.db import db, transactional
from caseflow.core.errors import DomainError
from caseflow.core.timeutil import beijing_date
from caseflow.hearings import services

bp = Blueprint("hearings", __name__, url_prefix="/hearings")

STAFF = {Role.OFFICER, Role.SUPERVISOR, Role.MEDIATOR}


@bp.app_template_global()
def case_hearings(case):
    """The hearings of a case, for its page."""
    return services.of_case(case)


@bp.app_template_global()
def fast_track_targets(case):
    """The fast track's internal targets beside the statutory dates, for the case page."""
    return services.fast_track_targets(case)


def staff_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role not in STAFF:
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def _unit() -> Unit:
    """The office asked for (``?unit=<code>``, default the user's own), if the user's scope covers it."""
    code = request.args.get("unit") or request.form.get("unit")
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code)) if code else current_user.unit
    scope = policy.unit_scope(current_user)
    if unit is None or (scope is not None and unit.id not in scope):
        abort(404)
    return unit


def _first_day() -> dt.date:
    raw = request.args.get("from")
    try:
        day = dt.date.fromisoformat(raw) if raw else beijing_date()
    except ValueError:
        day = beijing_date()
    return day - dt.timedelta(days=day.weekday())  # the Monday of that week


@bp.app_template_global()
def case_access_codes(case):
    """The respondents' access codes of a case (staff only: the page includes them for the case's officers)."""
    from caseflow.hearings import access

    return access.codes_of(case)


@bp.route("/access", methods=["GET", "POST"])
@login_required
@transactional
def access_code():
    """A respondent enters the access code from the 答辩通知书 and becomes that party of that case."""
    from caseflow.hearings import access

    if current_user.role != Role.RESPONDENT:
        abort(404)
    errors = {}
    if request.method == "POST":
        try:
            case = access.claim(request.form.get("code", ""), current_user)
        except DomainError as exc:
            errors = exc.fields or {"code": exc.message}
        else:
            flash(f"已关联案件 {case.number}", "success")
            return redirect(url_for("portal.case", case_id=case.id))
    return render_template("hearings/access.html", errors=errors), (422 if errors else 200)


@bp.get("/calendar")
@staff_required
def calendar():
    unit = _unit()
    first = _first_day()
    raw = request.args.get("weeks", "4")
    weeks = max(1, min(int(raw) if raw.isdigit() else 4, 12))
    last = first + dt.timedelta(days=7 * weeks - 1)
    items = services.calendar(unit, first, last)
    days: dict[dt.date, list] = {}
    for h in items:
        days.setdefault(beijing_date(h.starts_at), []).append(h)
    return render_template("hearings/calendar.html", unit=unit, first=first, last=last, days=days, weeks=weeks,
                           rooms=services.rooms(unit), prev=first - dt.timedelta(days=7 * weeks),
                           next=last + dt.timedelta(days=1))


@bp.route("/rooms", methods=["GET", "POST"])
@staff_required
@transactional
def rooms():
    unit = _unit()
    errors = {}
    if request.method == "POST":
        if current_user.role != Role.SUPERVISOR:
            abort(403)
        try:
            room = services.add_room(unit, request.form.get("code", ""), request.form.get("name", ""),
                                     address=request.form.get("address") or None)
        except DomainError as exc:
            errors = getattr(exc, "fields", None) or {"code": str(exc)}
        else:
            flash(f"已添加审理庭：{room.name}", "success")
            return redirect(url_for("hearings.rooms", unit=unit.code))
    return render_template("hearings/rooms.html", unit=unit, rooms=services.rooms(unit, include_disabled=True),
                           errors=errors, can_edit=current_user.role == Role.SUPERVISOR), (422 if errors else 200)
