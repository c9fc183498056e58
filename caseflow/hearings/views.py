"""Hearing pages: an office's calendar of hearings, its hearing rooms, and the card on an adjudication's page."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseflow import policy
from caseflow.accounts.models import Unit
from caseflow.core import clock
from caseflow.core.clock import BEIJING
from caseflow.core.db import db, transactional
from caseflow.core.errorpages import on_refusal
from caseflow.core.errors import Forbidden, Invalid
from caseflow.core.guard import body_limit
from caseflow.core.security import csrf, current_actor
from caseflow.hearings import services

bp = Blueprint("hearings", __name__, url_prefix="/hearings")

CALENDAR_YEARS = (1990, 2100)  # far enough either way; beyond, date arithmetic overflows


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
        day = dt.date.fromisoformat(raw) if raw else clock.today()
    except ValueError:
        day = clock.today()
    if not CALENDAR_YEARS[0] <= day.year <= CALENDAR_YEARS[1]:
        raise Invalid(f"日期超出范围：日历可查看 {CALENDAR_YEARS[0]} 年至 {CALENDAR_YEARS[1]} 年",
                      fields={"from": "日期超出范围"}, status=400, code="bad_request")
    return day - dt.timedelta(days=day.weekday())  # the Monday of that week


def _access_page(errors: dict, message: str = ""):
    return render_template("hearings/access.html", errors=errors, message=message,
                           anonymous=not current_user.is_authenticated, form=request.form), (422 if errors else 200)


@bp.route("/access", methods=["GET", "POST"])
@on_refusal(render=lambda exc: _access_page(exc.fields or {"code": exc.message}, exc.message), error_pages=())
@transactional
def access_code():
    """A respondent enters the access code from the 答辩通知书 and becomes that party of that case.

    Logged in as a respondent, the code links the account; without an account, the code opens one (a respondent's
    account, named after the party) and links it. Staff and rights holders cannot use codes.
    """
    from caseflow.accounts.sessions import Client
    from caseflow.accounts.views import sign_in_browser
    from caseflow.hearings import access

    anonymous = not current_user.is_authenticated
    if not policy.can_use_access_code(current_user):
        abort(404)
    if request.method == "POST":
        code = request.form.get("code", "")
        if anonymous:
            user, case = access.register_and_claim(code, username=request.form.get("username", ""),
                                                   password=request.form.get("password", ""),
                                                   confirm=request.form.get("confirm", ""))
        else:
            user, case = current_user, access.claim(code, current_actor())
        if anonymous:
            sign_in_browser(user, Client.of(request))
        flash(f"已关联案件 {case.number}", "success")
        return redirect(url_for("portal.case", case_id=case.id))
    return _access_page({})


@bp.get("/calendar")
@policy.requires("handle_cases")
def calendar():
    unit = _unit()
    first = _first_day()
    raw = request.args.get("weeks", "4")
    weeks = max(1, min(int(raw) if raw.isdigit() else 4, 12))
    last = first + dt.timedelta(days=7 * weeks - 1)
    items = services.calendar(unit, first, last)
    days: dict[dt.date, list] = {}
    for h in items:
        days.setdefault(clock.beijing_date(h.starts_at), []).append(h)
    return render_template("hearings/calendar.html", unit=unit, first=first, last=last, days=days, weeks=weeks,
                           names=services.member_names(items), rooms=services.rooms(unit),
                           prev=first - dt.timedelta(days=7 * weeks), next=last + dt.timedelta(days=1))


def _rooms_page(errors: dict):
    unit = _unit()
    return render_template("hearings/rooms.html", unit=unit, rooms=services.rooms(unit, include_disabled=True),
                           errors=errors, can_edit=policy.can_manage_rooms(current_user)), (422 if errors else 200)


@bp.route("/rooms", methods=["GET", "POST"])
@policy.requires("handle_cases")
@on_refusal(render=lambda exc: _rooms_page(exc.fields or {"code": exc.message}), error_pages=())
@transactional
def rooms():
    unit = _unit()
    if request.method == "POST":
        if not policy.can_manage_rooms(current_user):
            abort(403)
        room = services.add_room(unit, request.form.get("code", ""), request.form.get("name", ""),
                                 address=request.form.get("address") or None)
        flash(f"已添加审理庭：{room.name}", "success")
        return redirect(url_for("hearings.rooms", unit=unit.code))
    return _rooms_page({})


def _hearing_back(hearing_id: int) -> str:
    """The case page the hearing belongs to (its hearings card, for staff); 404 for a case the user may not see."""
    from caseflow.cases import queries
    from caseflow.cases.views import case_url

    hearing = services.load_hearing(hearing_id)
    if hearing is None:
        abort(404)
    case = queries.load_case(hearing.case_id, current_user)
    return case_url(case) + ("#hearings" if current_user.is_staff else "")


@bp.post("/<int:hearing_id>/evidence")
@body_limit(None)  # streamed under EVIDENCE_MAX_BYTES (evidence http.parse_upload)
@csrf.exempt  # checked after the streaming parser has read the form, as the evidence upload does
@login_required
@on_refusal(_hearing_back)
def upload_evidence(hearing_id: int):
    """Upload the hearing's 笔录 or a recording as evidence of the case, linked to the hearing."""
    from caseflow.cases import queries
    from caseflow.evidence import http as evidence_http, services as evidence_services
    from caseflow.evidence.models import EvidenceKind, SubmissionMethod
    from caseflow.hearings.models import EVIDENCE_ROLES

    back = _hearing_back(hearing_id)
    hearing = services.load_hearing(hearing_id)
    assert hearing is not None  # _hearing_back answered 404 otherwise
    case = queries.load_case(hearing.case_id, current_user)
    if not policy.can_decide_evidence(current_user, case):
        raise Forbidden("只有本案办案人员可以上传口头审理笔录及录音录像")
    evidence_services.check_room(case)
    with evidence_http.parse_upload(1) as received:
        evidence_http.check_csrf(received.form)
        role = received.form.get("role") or ""
        if role not in EVIDENCE_ROLES:
            raise Invalid("请选择材料类型（笔录、录音或录像）", fields={"role": "请选择材料类型"})
        uploads = evidence_http.chosen_files(received, ("file",))
        day = f"{hearing.starts_at.astimezone(BEIJING):%Y-%m-%d}"
        title = (received.form.get("title") or "").strip()[:200]
        fields = {"title": title or f"{day} 口头审理{EVIDENCE_ROLES[role]}",
                  "kind": EvidenceKind.DOCUMENTARY if role == "record" else EvidenceKind.AUDIOVISUAL,
                  "description": f"{day} 口头审理的{EVIDENCE_ROLES[role]}",
                  "method": SubmissionMethod.ONSITE_COLLECTION}
        stored = evidence_services.check_and_store(uploads[0])
        actor = current_actor()

        def save():
            ev = evidence_services.create_evidence(case, stored, actor=actor, fields=fields, via="web")
            services.link_evidence(db.session.get(type(hearing), hearing_id), ev, role=role, actor=actor)
            return ev

        ev = evidence_http.save_upload(save)
    flash(f"已上传{EVIDENCE_ROLES[role]}：{ev.label}《{ev.title}》，并关联到该次口头审理", "success")
    return redirect(back, 303)
