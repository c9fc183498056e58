"""Statistics pages for supervisors, their exports, the summary API and the rights holders' rating form."""

from __future__ import annotations

import logging
import re

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

import workflows
from caseflow import policy
from caseflow.accounts.models import Unit, User
from caseflow.api.views import token_required
from caseflow.cases import queries as case_queries
from caseflow.cases.forms import IP_TYPES
from caseflow.core import clock
from caseflow.core.db import db, is_concurrency_error, run_transaction, transactional
from caseflow.core.errorpages import on_refusal
from caseflow.core.errors import Invalid, NotFound
from caseflow.core.security import current_actor
from caseflow.stats import exports, queries, sections, services
from caseflow.stats.definitions import DEFINITIONS
from caseflow.stats.queries import Filters, month_label
from workflows.complaint import CHANNELS

log = logging.getLogger(__name__)

bp = Blueprint("stats", __name__)
api_bp = Blueprint("stats_api", __name__, url_prefix="/api/v1/stats")

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


def _month(raw: str | None, name: str) -> int | None:
    if not raw:
        return None
    m = MONTH.match(raw.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise Invalid("月份格式应为 YYYY-MM", fields={name: "月份格式应为 YYYY-MM"})
    return int(m.group(1)) * 100 + int(m.group(2))


def _shift(month: int, delta: int) -> int:
    n = (month // 100) * 12 + (month % 100 - 1) + delta
    return (n // 12) * 100 + n % 12 + 1


def scope_units(user) -> list[Unit]:
    scope = policy.unit_scope(user)
    return list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(scope)).order_by(Unit.code)))


def parse_filters(user, args) -> Filters:
    """Read and check the filters; an office or officer outside the viewer's scope is 404, bad values 422."""
    units = scope_units(user)
    scope = tuple(u.id for u in units)
    labels = {}
    current = clock.today()
    end = _month(args.get("to"), "to") or current.year * 100 + current.month
    start = _month(args.get("from"), "from") or _shift(end, -11)
    if start > end:
        raise Invalid("起始月份不能晚于截止月份", fields={"from": "起始月份不能晚于截止月份"})
    if _shift(start, 12 * 20) < end:
        raise Invalid("统计期间不能超过 20 年", fields={"from": "统计期间过长"})
    unit_code = (args.get("unit") or "").strip()
    if unit_code:
        unit = next((u for u in units if u.code == unit_code), None)
        if unit is None:
            raise NotFound("单位不存在或不在您的统计范围内")
        scope, labels["unit"] = (unit.id,), unit.name
    procedure = args.get("procedure") or None
    if procedure is not None and procedure not in workflows.PROCEDURES:
        raise Invalid("程序无效", fields={"procedure": "程序无效"})
    ip_type = args.get("ip_type") or None
    if ip_type is not None and ip_type not in IP_TYPES:
        raise Invalid("权利类型无效", fields={"ip_type": "权利类型无效"})
    channel = args.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        raise Invalid("来源渠道无效", fields={"channel": "来源渠道无效"})
    officer_id = None
    username = (args.get("officer") or "").strip()
    if username:
        officer = db.session.scalar(sa.select(User).where(User.username == username,
                                                          User.role.in_(policy.CASE_STAFF_ROLES)))
        if officer is None or officer.unit_id not in {u.id for u in units}:
            raise NotFound("承办人不存在或不在您的统计范围内")
        officer_id, labels["officer"] = officer.id, officer.display_name
    every_unit = not unit_code and set(scope) == set(db.session.scalars(sa.select(Unit.id)))
    return Filters(start=start, end=end, unit_ids=scope, procedure=procedure, ip_type=ip_type, channel=channel,
                   officer_id=officer_id, all_units=every_unit, labels=labels)


def start_read(user, args) -> Filters:
    """The first step of every statistics read (page, export, summary): its filters, then its queries planned for
    their own values (queries.plan_for_values)."""
    f = parse_filters(user, args)
    queries.plan_for_values()
    return f


def describe(f: Filters) -> list[str]:
    """The filters in words (the first lines of every export)."""
    parts = [f"统计期间：{month_label(f.start)} 至 {month_label(f.end)}",
             f"单位：{f.labels.get('unit', '全部可见单位')}"]
    if f.procedure:
        parts.append(f"程序：{workflows.PROCEDURES[f.procedure].title}")
    if f.ip_type:
        parts.append(f"权利类型：{IP_TYPES[f.ip_type]}")
    if f.channel:
        parts.append(f"来源渠道：{CHANNELS[f.channel]}")
    if f.officer_id is not None:
        parts.append(f"承办人：{f.labels.get('officer', '')}")
    return parts


def refresh_quietly() -> int:
    """Apply the queued changes before a statistics read: in the request's transaction for the pages and the summary
    (``transactional``: it commits once, and on SQLite it holds the write lock from its first read), in a short one
    of its own for an export, whose rows stream afterwards. A conflict with another refresh
    rolls back to the savepoint and leaves the figures a moment behind; it never fails the page."""
    try:
        with db.session.begin_nested():
            return services.refresh()
    except (IntegrityError, sa.exc.DBAPIError) as exc:
        if not (is_concurrency_error(exc) or isinstance(exc, IntegrityError)):
            raise
        log.info("statistics refresh postponed: %s", exc)
        return 0


def officer_choices(units: list[Unit]) -> list[sa.Row]:
    return list(db.session.execute(
        sa.select(User.username, User.display_name)
        .where(User.unit_id.in_([u.id for u in units]), User.role.in_(policy.CASE_STAFF_ROLES),
               User.is_disabled.is_(False)).order_by(User.unit_id, User.username)))


# ---------------------------------------------------------------------------
# Pages and exports
# ---------------------------------------------------------------------------


@bp.route("/stats/")
@bp.route("/stats/<section>")
@policy.requires("view_stats")
@transactional
def page(section: str = "overview"):
    """A statistics page with its filters, headline cards, charts, tables and definitions."""
    if section not in sections.SECTIONS:
        abort(404)
    refresh_quietly()
    f = start_read(current_user, request.args)
    data = sections.build(section, f)
    units = scope_units(current_user)
    return render_template("stats/page.html", section=section, sections=sections.SECTIONS, data=data, f=f,
                           args=request.args, units=units, officers=officer_choices(units),
                           choices=sections.filter_choices(), filters_text=describe(f),
                           start=month_label(f.start), end=month_label(f.end), definitions=DEFINITIONS,
                           def_keys={text: key for key, text in DEFINITIONS.items()})


@bp.route("/stats/<section>/<table>.<fmt>")
@policy.requires("view_stats")
def export(section: str, table: str, fmt: str):
    """One table of a page as CSV or XLSX, with the page's filters, streamed."""
    if section not in sections.SECTIONS or fmt not in ("csv", "xlsx"):
        abort(404)
    run_transaction(refresh_quietly)  # committed before the rows stream: the write lock is not held meanwhile
    f = start_read(current_user, request.args)
    t = sections.build(section, f, export=True).table(table)
    if t is None:
        abort(404)
    preamble = [f"{sections.SECTIONS[section][0]} · {t.title}", *describe(f),
                f"导出时间：{clock.fmt_beijing(clock.now())}（北京时间）"]
    if t.definition:
        preamble.append(f"口径：{t.definition}")
    name = f"stats-{section}-{table}-{month_label(f.start)}-{month_label(f.end)}.{fmt}"
    if fmt == "csv":
        body, mime = exports.csv_stream(t, preamble), "text/csv; charset=utf-8"
    else:
        body = exports.xlsx_stream(t, preamble)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(stream_with_context(body), mimetype=mime,
                    headers={"Content-Disposition": f"attachment; filename={name}",
                             "Cache-Control": "no-store"})


# ---------------------------------------------------------------------------
# JSON: GET /api/v1/stats/summary
# ---------------------------------------------------------------------------


@api_bp.get("/summary")
@token_required
@transactional
def summary():
    """Headline figures and the monthly series for the caller's scope and the given filters."""
    user = g.api_user
    if not policy.can_view_stats(user):
        raise NotFound("统计数据仅向负责人开放")
    refresh_quietly()
    f = start_read(user, request.args)
    months, by_month = sections._monthly(f)
    return jsonify({
        "period": {"from": month_label(f.start), "to": month_label(f.end)},
        "filters": {"unit": request.args.get("unit") or None, "procedure": f.procedure, "ip_type": f.ip_type,
                    "channel": f.channel, "officer": request.args.get("officer") or None},
        "units": [u.code for u in scope_units(user) if u.id in f.unit_ids],
        "figures": sections.headline(f),
        "by_month": [{"month": month_label(m), **{k: by_month.get(m, {}).get(k, 0)
                                                   for k in ("received", "docketed", "closed", "limit_total",
                                                             "limit_met", "dispute_closed", "dispute_mediated")}}
                     for m in months],
        "definitions": DEFINITIONS,
    })


# ---------------------------------------------------------------------------
# Ratings: the form on the portal case page
# ---------------------------------------------------------------------------


@bp.route("/portal/cases/<int:case_id>/rating", methods=["POST"])
@login_required
@on_refusal(lambda case_id: url_for("portal.case", case_id=case_id))
@transactional
def rate(case_id: int):
    """Record the rights holder's rating (1–5, optional comment) of a closed case."""
    case = case_queries.load_case(case_id, current_user)
    raw = (request.form.get("score") or "").strip()
    score = int(raw) if raw.isdigit() else 0
    services.rate_case(case, actor=current_actor(), score=score, comment=request.form.get("comment") or "")
    flash("感谢您的评价", "success")
    return redirect(url_for("portal.case", case_id=case.id), 303)
