"""The administrator's holiday-calendar page, and the template helpers that show deadlines on case pages."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for

from caseflow import policy
from caseflow.core import clock
from caseflow.core.db import db, transactional
from caseflow.core.errorpages import on_refusal
from caseflow.core.security import current_actor
from caseflow.deadlines import office_calendar, overrides
from caseflow.deadlines.forms import CalendarDayForm, CalendarImportForm
from caseflow.deadlines.models import CalendarDay, CalendarYear

bp = Blueprint("deadlines", __name__, url_prefix="/admin/calendar")
#: Staff acts on one deadline of a case (confirming a provisional due date).
case_bp = Blueprint("case_deadlines", __name__, url_prefix="/cases")


@bp.record_once
def _load_calendar(state) -> None:
    # Registering the blueprint is app start: install the published override table once.
    office_calendar.load_calendar_at_start()


def _page(import_form=None, day_form=None, status=200):
    years = db.session.scalars(sa.select(CalendarYear).order_by(CalendarYear.year.desc())).all()
    days = db.session.scalars(sa.select(CalendarDay).order_by(CalendarDay.date)).all()
    by_year: dict[int, list[CalendarDay]] = {}
    for d in days:
        by_year.setdefault(d.date.year, []).append(d)
    next_year = clock.today().year + 1
    status_next = office_calendar.year_status(next_year)
    return render_template(
        "deadlines/calendar.html", years=years, by_year=by_year, next_year=next_year,
        next_year_missing=status_next == "missing", next_year_source=status_next,
        import_form=import_form or CalendarImportForm(), day_form=day_form or CalendarDayForm(),
    ), status


def _report(change: overrides.CalendarChange, what: str) -> None:
    years = "、".join(str(y) for y in change.years)
    flash(f"{what}（{years} 年）；重新计算期限 {change.recomputed} 个", "success")


@bp.route("/")
@policy.requires("manage_calendar")
def calendar():
    """List the override table's years and days; warn when next year's schedule is missing."""
    return _page()


def _import_again(exc):
    form = CalendarImportForm()
    form.file.errors = [exc.message]
    return _page(import_form=form, status=422)


def _day_again(exc):
    form = CalendarDayForm()
    form.date.errors = [exc.message]
    return _page(day_form=form, status=422)


def _to_calendar(**_) -> str:
    return url_for("deadlines.calendar")


@bp.route("/import", methods=["POST"])
@policy.requires("manage_calendar")
@on_refusal(render=_import_again, error_pages=())
@transactional
def import_file():
    """Import a CSV or JSON schedule: store, publish and recompute affected deadlines."""
    form = CalendarImportForm()
    if not form.validate_on_submit():
        return _page(import_form=form, status=422)
    upload = form.file.data
    entries = overrides.parse_calendar_file(upload.filename or "", upload.read(overrides.MAX_IMPORT_BYTES + 1))
    change = overrides.import_calendar(entries, source=f"上传文件 {upload.filename or ''}"[:200], actor=current_actor())
    _report(change, f"已导入并发布 {change.days} 天")
    return redirect(url_for("deadlines.calendar"), 303)


@bp.route("/days", methods=["POST"])
@policy.requires("manage_calendar")
@on_refusal(render=_day_again, error_pages=())
@transactional
def add_day():
    """Add or change one holiday or make-up workday."""
    form = CalendarDayForm()
    if not form.validate_on_submit():
        return _page(day_form=form, status=422)
    change = overrides.add_day(form.date.data, form.kind.data, (form.name.data or "").strip(), actor=current_actor())
    if change.days:
        _report(change, f"已保存 {form.date.data.isoformat()}")
    else:
        flash(f"已保存 {form.date.data.isoformat()}；{form.date.data.year} 年尚未发布，发布后生效", "info")
    return redirect(url_for("deadlines.calendar"), 303)


def _parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        abort(404)


@bp.route("/days/<day>/delete", methods=["POST"])
@policy.requires("manage_calendar")
@on_refusal(_to_calendar)
@transactional
def delete_day(day: str):
    date = _parse_day(day)
    change = overrides.delete_day(date, actor=current_actor())
    if change.days:
        _report(change, f"已删除 {date.isoformat()}")
    else:
        flash(f"已删除 {date.isoformat()}", "info")
    return redirect(url_for("deadlines.calendar"), 303)


@bp.route("/years/<int:year>/<any(publish, unpublish):decision>", methods=["POST"])
@policy.requires("manage_calendar")
@on_refusal(_to_calendar)
@transactional
def publish_year(year: int, decision: str):
    """Publish a year of the table, or withdraw it (the year falls back to chinesecalendar or provisional)."""
    change = overrides.set_published(year, decision == "publish", actor=current_actor())
    _report(change, f"{year} 年已{'发布' if decision == 'publish' else '撤销发布'}")
    return redirect(url_for("deadlines.calendar"), 303)


@case_bp.route("/<int:case_id>/deadlines/<int:deadline_id>/confirm", methods=["POST"])
@policy.staff_required
@on_refusal(lambda case_id, deadline_id: url_for("cases.show", case_id=case_id, _anchor="deadlines"),
            error_pages=(403, 404))
@transactional
def confirm(case_id: int, deadline_id: int):
    """A staff member of the case confirms a provisional due date after checking the year's official schedule."""
    from caseflow.cases import queries
    from caseflow.deadlines import lifecycle
    from caseflow.deadlines.models import Deadline

    actor = current_actor()
    case = queries.load_case(case_id, actor)
    policy.require_case_staff(actor, case)
    d = db.session.get(Deadline, deadline_id) if 0 < deadline_id < 2**31 else None
    if d is None or d.case_id != case.id:
        abort(404)
    lifecycle.confirm_provisional(d, actor=actor)
    flash(f"已确认“{d.label}”的届满日 {d.due_date.isoformat()}", "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="deadlines"), 303)
