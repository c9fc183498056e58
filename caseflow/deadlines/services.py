"""Deadline rows driven by the procedure declarations, the holiday table, and reminders (DESIGN.md §3).

Importing this module plugs it into `caseflow.cases.services.hooks`: every case creation and every
performed action goes through `on_create` / `on_action`, so no deadline arithmetic lives anywhere else.
Services flush, never commit; the caller's transaction (a view's `transactional`, a CLI command) commits.

How a declaration's rule ids act on a case's rows
-------------------------------------------------
- ``starts`` (and ``Procedure.starts_on_create``): a new ``running`` row, computed from the action's
  Beijing date with the rule version in force that day for the case's office. Starting a rule that
  already has an open row on the case supersedes it (the old row is ``cancelled``, ``ended_by="restart"``),
  which is how the complaint's acceptance clock restarts when 补正 materials arrive.
- ``stops``: the act the period demands was done. A running or paused row becomes ``met`` when done on
  or before the due date (or time), ``missed`` when late (``met_at`` records the late act); a party's
  lapsed period closed by the office (答辩期满, 逾期未补正) stays ``missed`` without ``met_at``.
  Exception: when a *party* ends the case (withdrawal) or a party's action stops an office period,
  the office neither met nor missed it — the row is ``cancelled``.
- ``pauses`` / ``resumes``: an interval is opened / closed; resuming adds the paused natural days
  (resume date − pause date) to the unrolled due date before the rest-day roll (DESIGN.md §3).
- ``extends``: the next step of the rule's extension policy (e.g. ADJ_CASE_LIMIT +1 month, then +2);
  the action itself carries the approval. No step left, or the period already missed → 409.
- A closing action (结案) cancels the open rows it did not stop or start itself; reaching a terminal
  state does the same. Periods started by the closing action (e.g. publication after the decision)
  keep running. A missed row still open at that point keeps status ``missed`` and is ended.
- ``missed``: a running row whose due date has passed. `mark_missed` persists it (the `remind` command
  and every action on the case run it); pages compute the same status on read without writing.

Only periods that bind the office count for urgency, due-soon/overdue badges, the API's ``overdue``
filter and reminders: a party's lapsed period (答辩期届满) lets the office proceed, it is not the
office's delay. Party periods are still shown, with their own countdown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import smtplib
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.message import EmailMessage
from importlib.metadata import PackageNotFoundError, version

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session, selectinload

import workflows
from caseflow.accounts.models import Role, User
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case
from caseflow.cases.services import hooks
from caseflow.core import clock
from caseflow.core.clock import BEIJING
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid
from caseflow.deadlines.calendar import SOURCE_OVERRIDE, SOURCE_PACKAGE, Calendar, default_calendar, set_overrides
from caseflow.deadlines.counting import UNIT_LABELS, due_date
from caseflow.deadlines.models import (
    LIVE_STATUSES,
    CalendarDay,
    CalendarYear,
    DayKind,
    Deadline,
    DeadlineReminder,
    DeadlineStatus,
    ReminderThreshold,
)
from caseflow.deadlines.rules import KIND_DISPATCH, RULE_ALIASES, RULE_VARIANTS, Rule, rule_for

log = logging.getLogger(__name__)
reminder_log = logging.getLogger("caseflow.reminders")

#: Who is accountable for the periods that drive urgency, badges, the overdue filter and reminders.
ACCOUNTABLE_BINDS = ("office",)
#: "Due soon" means due within this many working days (today counts as 0).
SOON_WORKING_DAYS = 2

APPROVERS = {
    "department_head": "本部门负责人",
    "superior_department": "上级主管部门",
    "panel": "合议组",
    "department": "办案部门",
    "court_president": "人民法院院长",
}

try:
    PACKAGE_VERSION = version("chinesecalendar")
except PackageNotFoundError:  # pragma: no cover - the package is a hard dependency
    PACKAGE_VERSION = "?"


# ---------------------------------------------------------------------------
# Replaying history: a past moment (the one clock) and the calendar to count on
# ---------------------------------------------------------------------------

#: The calendar the services count on while history is replayed (the data generator); None: the office's own.
_REPLAY_CALENDAR: ContextVar[Calendar | None] = ContextVar("deadlines_replay_calendar", default=None)


@contextmanager
def as_of(moment: dt.datetime, calendar: Calendar | None = None) -> Iterator[None]:
    """Compute as of ``moment`` (on ``calendar``): guards asking for today (e.g. the hearing notice) see that day."""
    token = _REPLAY_CALENDAR.set(calendar)
    try:
        with clock.as_of(moment):
            yield
    finally:
        _REPLAY_CALENDAR.reset(token)


# ---------------------------------------------------------------------------
# The calendar: the published override table, cached in the module calendar
# ---------------------------------------------------------------------------

# The default calendar is process-wide; other processes (gunicorn workers) notice a change through the
# table's stamp, checked at most every REFRESH_SECONDS — never a query per computation.
REFRESH_SECONDS = 60


@dataclass
class _CalendarStamp:
    stamp: tuple | None = None  # the table's (row count, latest change) when last loaded
    checked: float = 0.0  # time.monotonic() of the last look


_cache = _CalendarStamp()


def _stamp(session: Session) -> tuple:
    count, latest = session.execute(
        sa.select(sa.func.count(CalendarYear.id), sa.func.max(CalendarYear.updated_at))
    ).one()
    return (count, str(latest))


def build_calendar(session: Session | None = None) -> Calendar:
    """Return a calendar made of the published years of the override table (as the session sees it)."""
    session = session or db.session()
    published = set(session.scalars(sa.select(CalendarYear.year).where(CalendarYear.published_at.is_not(None))))
    rows = session.execute(sa.select(CalendarDay.date, CalendarDay.kind, CalendarDay.name)).all()
    # Days of draft years are stored but change nothing until the year is published.
    entries = [(d, kind.value, name) for d, kind, name in rows if d.year in published]
    return Calendar(entries, published)


def load_calendar(session: Session | None = None) -> Calendar:
    """Install the published override table as the default calendar (app start, after every change)."""
    session = session or db.session()
    cal = build_calendar(session)
    set_overrides(cal.overrides, cal.override_years)
    _cache.stamp = _stamp(session)
    _cache.checked = time.monotonic()
    return default_calendar()


def load_calendar_at_start() -> None:
    """Load the override table when the app starts; a database not migrated yet leaves the package alone."""
    # A connection of its own: no app context to push (its teardown would end the scoped session).
    engine = db.engine
    assert engine is not None, "runs after db.init_app"
    try:
        with engine.connect() as conn, Session(bind=conn) as session:
            load_calendar(session)
    except sa.exc.SQLAlchemyError:
        log.info("节假日调整表尚不可用（数据库未迁移？），暂只使用 chinesecalendar 与法定节假日推算")


def current_calendar() -> Calendar:
    """Return the default calendar, reloading it when another process changed the table."""
    if has_app_context() and time.monotonic() - _cache.checked > REFRESH_SECONDS:
        _cache.checked = time.monotonic()
        if _stamp(db.session()) != _cache.stamp:
            load_calendar()
    return default_calendar()


def calendar_version(cal: Calendar, first: dt.date, last: dt.date) -> str:
    """Name the sources that decided the days from ``first`` to ``last`` (the audit trail of a computation)."""
    first, last = min(first, last), max(first, last)
    parts = []
    for year in range(first.year, last.year + 1):
        source = cal.source(year)
        if source == SOURCE_OVERRIDE:
            parts.append(f"{year}年：本局发布的放假安排")
        elif source == SOURCE_PACKAGE:
            parts.append(f"{year}年：chinesecalendar {PACKAGE_VERSION}")
        else:
            parts.append(f"{year}年：暂定（按法定节假日推算）")
    return "；".join(parts)[:200]


def year_status(year: int, session: Session | None = None) -> str:
    """Return 'override', 'chinesecalendar' or 'missing' for a year (for the admin warning)."""
    session = session or db.session()
    if session.scalar(sa.select(CalendarYear.id).where(CalendarYear.year == year,
                                                       CalendarYear.published_at.is_not(None))):
        return SOURCE_OVERRIDE
    if Calendar(use_package=True).source(year) == SOURCE_PACKAGE:
        return SOURCE_PACKAGE
    return "missing"


# ---------------------------------------------------------------------------
# Maintaining the override table
# ---------------------------------------------------------------------------

MAX_IMPORT_BYTES = 1_000_000


@dataclass
class CalendarChange:
    """What a change of the override table did."""

    years: list[int]
    days: int = 0
    recomputed: int = 0


def _parse_kind(raw: object, where: str) -> DayKind:
    text = str(raw or "").strip().lower()
    aliases = {"holiday": DayKind.HOLIDAY, "假": DayKind.HOLIDAY, "休": DayKind.HOLIDAY, "放假": DayKind.HOLIDAY,
               "workday": DayKind.WORKDAY, "班": DayKind.WORKDAY, "上班": DayKind.WORKDAY}
    if text not in aliases:
        raise Invalid(f"{where}：类型“{raw}”无效，应为 holiday（放假）或 workday（调休上班）")
    return aliases[text]


def _parse_date(raw: object, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise Invalid(f"{where}：日期“{raw}”无效，应为 YYYY-MM-DD") from None


def parse_calendar_file(filename: str, content: bytes) -> list[tuple[dt.date, DayKind, str]]:
    """Parse a CSV (``date,kind,name``) or JSON list of ``{date, kind, name}``; raise Invalid in Chinese."""
    if len(content) > MAX_IMPORT_BYTES:
        raise Invalid("文件过大（上限 1 MB）")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("文件应为 UTF-8 编码的 CSV 或 JSON") from None
    stripped = text.lstrip()
    records: list[tuple[str, object, object, object]] = []
    if filename.lower().endswith(".json") or stripped.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise Invalid(f"JSON 格式错误：第 {getattr(exc, 'lineno', '?')} 行") from None
        if not isinstance(data, list):
            raise Invalid("JSON 应为列表，如 [{\"date\": \"2027-10-01\", \"kind\": \"holiday\", \"name\": \"国庆节\"}]")
        for i, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                raise Invalid(f"第 {i} 项应为对象（含 date、kind、name）")
            records.append((f"第 {i} 项", item.get("date"), item.get("kind"), item.get("name")))
    else:
        reader = csv.reader(io.StringIO(text))
        for lineno, row in enumerate(reader, start=1):
            if not row or all(not c.strip() for c in row) or row[0].lstrip().startswith("#"):
                continue
            if lineno == 1 and row[0].strip().lower() in {"date", "日期"}:
                continue  # header
            if len(row) < 2 or len(row) > 3:
                raise Invalid(f"第 {lineno} 行：应为“日期,类型,名称”三列")
            records.append((f"第 {lineno} 行", row[0], row[1], row[2] if len(row) > 2 else ""))
    entries: dict[dt.date, tuple[dt.date, DayKind, str]] = {}
    for where, raw_date, raw_kind, raw_name in records:
        day = _parse_date(raw_date, where)
        kind = _parse_kind(raw_kind, where)
        name = str(raw_name or "").strip()
        if len(name) > 40:
            raise Invalid(f"{where}：名称过长（不超过 40 个字）")
        if day in entries:
            raise Invalid(f"{where}：日期 {day.isoformat()} 重复")
        if kind == DayKind.WORKDAY and day.weekday() < 5:
            raise Invalid(f"{where}：{day.isoformat()} 是工作日，调休上班日应为周六或周日")
        entries[day] = (day, kind, name)
    if not entries:
        raise Invalid("文件中没有任何日期")
    return sorted(entries.values())


def _year_row(year: int) -> CalendarYear:
    row = db.session.scalar(sa.select(CalendarYear).where(CalendarYear.year == year))
    if row is None:
        row = CalendarYear(year=year, source="")
        db.session.add(row)
    return row


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def import_calendar(entries: Sequence[tuple[dt.date, DayKind | str, str]], *, source: str,
                    actor: User | None = None) -> CalendarChange:
    """Store the schedules of the years in ``entries`` (each year replaced whole), publish them and recompute.

    A year's 放假安排 is one notice, so importing a year replaces every stored day of that year.
    """
    rows = [(d, DayKind(k), n or "") for d, k, n in entries]
    years = sorted({d.year for d, _, _ in rows})
    if not years:
        raise Invalid("没有可导入的日期")
    moment = clock.now()
    for year in years:
        start, end = _year_bounds(year)
        db.session.execute(sa.delete(CalendarDay).where(CalendarDay.date.between(start, end)))
    for d, kind, name in rows:
        db.session.add(CalendarDay(date=d, kind=kind, name=name, source=source[:200], imported_at=moment,
                                   created_by_id=actor.id if actor else None))
    for year in years:
        yr = _year_row(year)
        yr.published_at, yr.published_by, yr.source, yr.updated_at = moment, actor, source[:200], moment
    db.session.flush()
    listed = "、".join(str(y) for y in years)
    recomputed = republish(years, actor=actor, reason=f"{listed}年放假安排已发布（{source}）")
    return CalendarChange(years, len(rows), recomputed)


def add_day(day: dt.date, kind: DayKind | str, name: str, *, actor: User | None) -> CalendarChange:
    """Add or replace one day; a published year takes effect at once, a draft year when published."""
    kind = DayKind(kind)
    if kind == DayKind.WORKDAY and day.weekday() < 5:
        raise Invalid("调休上班日应为周六或周日", fields={"date": "该日本来就是工作日"})
    row = db.session.scalar(sa.select(CalendarDay).where(CalendarDay.date == day))
    if row is None:
        row = CalendarDay(date=day, kind=kind, name=name or "", source="管理员录入", imported_at=clock.now(),
                          created_by_id=actor.id if actor else None)
        db.session.add(row)
    else:
        row.kind, row.name, row.source = kind, name or "", "管理员录入"
    return _touched(day.year, actor, f"管理员修改 {day.isoformat()}（{kind.title}{'：' + name if name else ''}）")


def delete_day(day: dt.date, *, actor: User | None) -> CalendarChange:
    """Delete one day of the table."""
    row = db.session.scalar(sa.select(CalendarDay).where(CalendarDay.date == day))
    if row is None:
        raise Invalid("该日期不在节假日调整表中")
    db.session.delete(row)
    return _touched(day.year, actor, f"管理员删除 {day.isoformat()}")


def set_published(year: int, published: bool, *, actor: User | None) -> CalendarChange:
    """Publish a year of the table (its days become the official calendar) or withdraw it."""
    yr = db.session.scalar(sa.select(CalendarYear).where(CalendarYear.year == year))
    if yr is None:
        raise Invalid(f"节假日调整表中没有 {year} 年")
    if published and not db.session.scalar(sa.select(sa.func.count(CalendarDay.id))
                                           .where(CalendarDay.date.between(*_year_bounds(year)))):
        raise Invalid(f"{year} 年还没有录入任何节假日，不能发布")
    moment = clock.now()
    yr.published_at = moment if published else None
    yr.published_by = actor if published else None
    yr.updated_at = moment
    db.session.flush()
    reason = f"{year}年放假安排已发布" if published else f"{year}年放假安排已撤销发布"
    return CalendarChange([year], 0, republish([year], actor=actor, reason=reason))


def _touched(year: int, actor: User | None, reason: str) -> CalendarChange:
    yr = _year_row(year)
    yr.updated_at = clock.now()  # the stamp other processes watch
    db.session.flush()
    if not yr.is_published:
        return CalendarChange([year])
    return CalendarChange([year], 1, republish([year], actor=actor, reason=reason))


def republish(years: Iterable[int], *, actor: User | None, reason: str) -> int:
    """Recompute the deadlines a calendar change may move; install the calendar once committed."""
    cal = build_calendar()
    changed = recompute_for_years(years, calendar=cal, actor=actor, reason=reason)
    # Installed after commit: a rolled-back import must not leave its days in the process calendar.
    db.after_commit(load_calendar)
    return changed


# ---------------------------------------------------------------------------
# Computing a row
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    due: dt.date | dt.datetime
    provisional: bool
    explanation: str
    version: str


def _unit_text(amount: int, unit: str) -> str:
    return f"{amount} {UNIT_LABELS[unit]}"


def compute(d: Deadline, cal: Calendar | None = None) -> Computed:
    """Compute a row's due date from its trigger, amount, closed pauses and approved extensions."""
    cal = cal or current_calendar()
    same = [e for e in d.extensions or [] if e["unit"] == d.unit]
    other = [e for e in d.extensions or [] if e["unit"] != d.unit]
    amount = d.amount + sum(int(e["amount"]) for e in same)
    start = d.trigger_at if d.unit == "hours" and d.trigger_at is not None else d.trigger_date
    due = due_date(start, amount, d.unit, d.backward, calendar=cal, paused_days=d.paused_days or 0,
                   trigger_label=d.trigger_label)
    notes = []
    closed = [p for p in d.pauses or [] if p.get("to")]
    if closed:
        spans = "、".join(
            f"{p['from']} 至 {p['to']}（{(dt.date.fromisoformat(p['to']) - dt.date.fromisoformat(p['from'])).days} 日，"
            f"{p.get('reason') or '暂停'}）" for p in closed)
        notes.append(f"暂停期间 {spans} 不计入")
    if same:
        added = sum(int(e["amount"]) for e in same)
        notes.append(f"法定期限 {_unit_text(d.amount, d.unit)}，经批准延长 {_unit_text(added, d.unit)}")
    text = "；".join([*notes, due.explanation])
    result, provisional = due.due, due.provisional
    for e in other:
        nxt = due_date(result, int(e["amount"]), e["unit"], calendar=cal, trigger_label="原届满日")
        text += f"；经批准延长：{nxt.explanation}"
        result, provisional = nxt.due, provisional or nxt.provisional
    open_pause = next((p for p in d.pauses or [] if not p.get("to")), None)
    if open_pause:
        text += f"（自 {open_pause['from']} 起暂停：{open_pause.get('reason') or '暂停'}；恢复后按暂停天数顺延）"
    last = result.astimezone(BEIJING).date() if isinstance(result, dt.datetime) else result
    return Computed(result, provisional, text, calendar_version(cal, d.trigger_date, last))


def _apply(d: Deadline, cal: Calendar | None = None) -> None:
    c = compute(d, cal)
    if isinstance(c.due, dt.datetime):
        d.due_at, d.due_date = c.due, c.due.astimezone(BEIJING).date()
    else:
        d.due_at, d.due_date = None, c.due
    d.provisional, d.explanation, d.calendar_version = c.provisional, c.explanation, c.version


def _is_past_due(d: Deadline, moment: dt.datetime | None = None) -> bool:
    moment = moment or clock.now()
    if d.due_at is not None:
        return moment > d.due_at
    return clock.beijing_date(moment) > d.due_date


def recompute_for_years(years: Iterable[int], *, calendar: Calendar | None = None, actor: User | None = None,
                        reason: str) -> int:
    """Recompute every open deadline that was provisional or whose period touches one of ``years``.

    Each change of a due date (or of its provisional mark) is audited on its case. Returns how many changed.
    """
    years = sorted(set(years))
    cal = calendar or current_calendar()
    touches = []
    for y in years:
        start, end = _year_bounds(y)
        touches.append(sa.and_(Deadline.trigger_date <= end, Deadline.due_date >= start))
        touches.append(sa.and_(Deadline.due_date <= end, Deadline.trigger_date >= start))  # backward rules
    rows = db.session.scalars(
        sa.select(Deadline).where(Deadline.ended_at.is_(None), Deadline.status.in_(LIVE_STATUSES),
                                  Deadline.unit != "hours", sa.or_(Deadline.provisional.is_(True), *touches))
        .options(selectinload(Deadline.case)).order_by(Deadline.id)
    ).all()
    changed = 0
    for d in rows:
        if _refresh(d, cal, actor=actor, reason=reason):
            changed += 1
    db.session.flush()
    return changed


def _refresh(d: Deadline, cal: Calendar, *, actor: User | None, reason: str) -> bool:
    old_due, old_prov = d.due_date, d.provisional
    _apply(d, cal)
    if (d.due_date, d.provisional) == (old_due, old_prov):
        return False
    if d.status == DeadlineStatus.MISSED and d.met_at is None and not _is_past_due(d):
        # The lapse was computed on a provisional calendar; the published one gives more time.
        d.status = DeadlineStatus.RUNNING
    mark = "（暂定）"
    record_event(
        d.case, tag="case:deadline:recompute", actor=actor,
        summary=(f"期限“{d.label}”重新计算：{old_due.isoformat()}{mark if old_prov else ''} → "
                 f"{d.due_date.isoformat()}{mark if d.provisional else ''}（{reason}）"),
        data={"deadline_id": d.id, "rule": d.rule_id, "old_due": old_due.isoformat(), "new_due": d.due_date.isoformat(),
              "old_provisional": old_prov, "new_provisional": d.provisional, "reason": reason,
              "explanation": d.explanation},
    )
    return True


# ---------------------------------------------------------------------------
# Starting, stopping, pausing, resuming, extending
# ---------------------------------------------------------------------------


def canonical_ids(case: Case, rule_ids: Iterable[str]) -> set[str]:
    """Resolve declared ids (aliases, kind-dependent generic ids) to the canonical ids stored on rows."""
    out: set[str] = set()
    for rid in rule_ids:
        if rid in KIND_DISPATCH:
            by_kind = KIND_DISPATCH[rid]
            # Stopping matches whatever the case started, even if its kind changed since.
            out.update(by_kind.values())
        else:
            out.add(RULE_ALIASES.get(rid, rid))
    return out


def _open_rows(case: Case, ids: set[str] | None = None) -> list[Deadline]:
    stmt = sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.ended_at.is_(None),
                                     Deadline.status.in_(LIVE_STATUSES))
    if ids is not None:
        stmt = stmt.where(Deadline.rule_id.in_(sorted(ids)))
    return list(db.session.scalars(stmt.order_by(Deadline.id)))


def _end(d: Deadline, status: DeadlineStatus | None, by: str, moment: dt.datetime) -> None:
    if status is not None:
        d.status = status
    d.ended_at, d.ended_by = moment, by[:32]


def _close_open_pause(d: Deadline, on: dt.date) -> int:
    pauses = [dict(p) for p in d.pauses or []]
    added = 0
    for p in pauses:
        if not p.get("to"):
            p["to"] = on.isoformat()
            added += (on - dt.date.fromisoformat(p["from"])).days
    d.pauses = pauses
    d.paused_days = (d.paused_days or 0) + added
    return added


def _awaits_delivery(rule: Rule) -> bool:
    # Party periods (and waiting periods such as 催告 → 强制执行) run from the recorded delivery (送达) date,
    # not the issue date; their trigger names a receipt.
    return rule.binds in ("party", "wait") and any(word in rule.trigger_label for word in ("收到", "送达"))


#: Functions ``(rule, case) -> rule | None`` that apply office configuration to a rule before it starts; other
#: domains append to it (caseflow.injunction.config). None means the period is not kept on this case.
RULE_CONFIG_HOOKS: list = []


def start_deadline(case: Case, rule_id: str, *, actor: User | None = None, started_by: str,
                   at: dt.date | dt.datetime | None = None, trigger_label: str | None = None,
                   estimated: bool = False, calendar: Calendar | None = None,
                   amount: int | None = None) -> Deadline | None:
    """Start a rule's period on a case from ``at`` (now by default); supersede its open row if any.

    Returns None (with a log warning and an audit note) when no version of the rule applies, so that a
    gap in the rule table never blocks an office's action.
    """
    moment = at if at is not None else clock.now()
    trigger_date = clock.beijing_date(moment) if isinstance(moment, dt.datetime) else moment
    try:
        rule = rule_for(rule_id, trigger_date, case.unit.code, kind=case.kind)
    except LookupError as exc:
        log.warning("deadline rule %s not started on case %s: %s", rule_id, case.number, exc)
        record_event(case, tag="case:deadline:unavailable", actor=actor, summary=f"未能开始计算期限：{exc}",
                     data={"rule": rule_id})
        return None
    for configure in RULE_CONFIG_HOOKS:
        # Office configuration may set a rule's amount and unit (先行禁令) or say it does not run at all (None).
        rule = configure(rule, case)
        if rule is None:
            return None
    ended = clock.now()
    for old in _open_rows(case, {rule.id}):
        _end(old, DeadlineStatus.CANCELLED if old.status != DeadlineStatus.MISSED else None, "restart", ended)
    d = Deadline(
        case=case, rule_id=rule.id, label=rule.label, basis=rule.basis, binds=rule.binds,
        amount=rule.amount if amount is None or not rule.minimum else max(rule.amount, amount),
        unit=rule.unit, backward=rule.backward, trigger_event=rule.trigger,
        trigger_label=(trigger_label or rule.trigger_label)[:200], trigger_date=trigger_date,
        trigger_at=moment if rule.unit == "hours" and isinstance(moment, dt.datetime) else None,
        trigger_estimated=estimated, started_by=started_by[:32], status=DeadlineStatus.RUNNING,
        pauses=[], paused_days=0, extensions=[],
    )
    if rule.unit == "hours" and d.trigger_at is None:
        # An hours period needs a moment; a bare date means the start of that Beijing day.
        d.trigger_at = dt.datetime.combine(trigger_date, dt.time(), BEIJING)
    _apply(d, calendar)
    db.session.add(d)
    return d


def start_party_deadline(case: Case, rule_id: str, delivered_on: dt.date | dt.datetime,
                         actor: User | None) -> Deadline | None:
    """Start (or re-base) a party's period from the recorded delivery (送达) date.

    The notices domain calls this when it records delivery. A period the action started provisionally
    from its own date (``trigger_estimated``) is re-based on the delivery date and audited; otherwise a
    new period starts.
    """
    delivered = clock.beijing_date(delivered_on) if isinstance(delivered_on, dt.datetime) else delivered_on
    if delivered > clock.today():
        raise Invalid("送达日期不能晚于今天", fields={"delivered_on": "送达日期不能晚于今天"})
    rule_id = _variant_in_use(case, rule_id)
    try:
        rule = rule_for(rule_id, delivered, case.unit.code, kind=case.kind)
    except LookupError as exc:
        raise Invalid(str(exc)) from None
    estimated = [d for d in _open_rows(case, {rule.id}) if d.trigger_estimated]
    if estimated:
        d = estimated[-1]
        old_due = d.due_date
        d.trigger_date, d.trigger_label, d.trigger_estimated = delivered, rule.trigger_label, False
        _apply(d)
        if d.status == DeadlineStatus.MISSED and not _is_past_due(d):
            d.status = DeadlineStatus.RUNNING
    else:
        old_due = None
        started = start_deadline(case, rule_id, actor=actor, started_by="delivery", at=delivered)
        if started is None:  # pragma: no cover - rule_for succeeded above
            return None
        d = started
    db.session.flush()
    record_event(
        case, tag="case:deadline:delivery", actor=actor,
        summary=(f"登记送达日期 {delivered.isoformat()}：“{d.label}”届满日 "
                 + (f"{old_due.isoformat()} → " if old_due else "") + d.due_date.isoformat()),
        data={"deadline_id": d.id, "rule": d.rule_id, "delivered_on": delivered.isoformat(),
              "old_due": old_due.isoformat() if old_due else None, "new_due": d.due_date.isoformat()},
    )
    return d


def _variant_in_use(case: Case, rule_id: str) -> str:
    """The variant of ``rule_id`` the case's open rows run (e.g. the 30-day answer period without domicile)."""
    canonical = RULE_ALIASES.get(rule_id, rule_id)
    variants = RULE_VARIANTS.get(canonical, ())
    if variants and not _open_rows(case, {canonical}):
        open_variants = _open_rows(case, set(variants))
        if open_variants:
            return open_variants[-1].rule_id
    return rule_id


def latest_notice_day(unit_code: str | None, rule_id: str, event_day: dt.date) -> dt.date:
    """The last day a notice may go out before ``event_day`` under a backward rule (e.g. ADJ_HEARING_NOTICE).

    Counted on the office's published calendar as this session sees it (admin overrides included), with the
    rule version in force for the office (``None``: the national rule).
    """
    rule = rule_for(rule_id, clock.today(), unit_code)
    return rule.due(event_day, calendar=_REPLAY_CALENDAR.get() or build_calendar()).due


def _party_ended(decl, actor: User | None) -> bool:
    return bool(decl.closes) and actor is not None and not actor.is_staff


def stop_deadlines(case: Case, rule_ids: Iterable[str], *, action, actor: User | None) -> list[Deadline]:
    """Mark the open rows of ``rule_ids`` met (on time) or missed (late); cancelled when a party ended it."""
    moment = clock.now()
    rows = _open_rows(case, canonical_ids(case, rule_ids))
    for d in rows:
        by_party = actor is not None and not actor.is_staff
        if _party_ended(action, actor) or (by_party and d.binds in ACCOUNTABLE_BINDS):
            if d.status == DeadlineStatus.PAUSED:
                _close_open_pause(d, clock.beijing_date(moment))
            _end(d, DeadlineStatus.CANCELLED if d.status != DeadlineStatus.MISSED else None, action.name, moment)
            continue
        if d.status == DeadlineStatus.PAUSED:
            # Done while the clock stood still: on time by definition.
            _close_open_pause(d, clock.beijing_date(moment))
            _apply(d)
            d.status = DeadlineStatus.MET
        elif d.status == DeadlineStatus.RUNNING and not _is_past_due(d, moment):
            d.status = DeadlineStatus.MET
        else:
            d.status = DeadlineStatus.MISSED
        # A party's lapsed period closed by the office (答辩期满, 逾期未补正): the party never acted.
        lapsed_party = d.status == DeadlineStatus.MISSED and d.binds == "party" and not by_party
        d.met_at = None if lapsed_party else moment
        _end(d, None, action.name, moment)
    return rows


def _reason_text(action, data: dict) -> str:
    reason = (data or {}).get("reason")
    spec = action.fields.get("reason") if action.fields else None
    choices = getattr(spec, "choices", None) or {}
    if reason and reason in choices:
        reason = choices[reason]
    return f"{action.label}：{reason}" if reason else action.label


def pause_deadlines(case: Case, rule_ids: Iterable[str], *, action, data: dict) -> list[Deadline]:
    """Open a pause interval on the running rows of ``rule_ids`` (中止, 调解 …)."""
    on = clock.today()
    rows = [d for d in _open_rows(case, canonical_ids(case, rule_ids))
            if d.status == DeadlineStatus.RUNNING and d.unit != "hours"]
    for d in rows:
        d.pauses = [*(d.pauses or []), {"from": on.isoformat(), "to": None, "reason": _reason_text(action, data)}]
        d.status = DeadlineStatus.PAUSED
        _apply(d)
    return rows


def resume_deadlines(case: Case, rule_ids: Iterable[str]) -> list[Deadline]:
    """Close the open pause interval; the due date moves by the paused natural days before the roll."""
    on = clock.today()
    rows = [d for d in _open_rows(case, canonical_ids(case, rule_ids)) if d.status == DeadlineStatus.PAUSED]
    for d in rows:
        _close_open_pause(d, on)
        d.status = DeadlineStatus.RUNNING
        _apply(d)
    return rows


def extend_deadlines(case: Case, rule_ids: Iterable[str], *, action, actor: User | None,
                     data: dict) -> list[Deadline]:
    """Apply the next step of each rule's extension policy (the action carries the approval)."""
    rows = _open_rows(case, canonical_ids(case, rule_ids))
    live = [d for d in rows if d.status in (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED)]
    if rows and not live:
        raise Conflict("期限已经届满，不能再延长")
    for d in live:
        try:
            rule = rule_for(d.rule_id, d.trigger_date, case.unit.code)
        except LookupError:
            rule = None
        steps = rule.extensions if rule else ()
        used = len(d.extensions or [])
        if used >= len(steps):
            raise Conflict(f"“{d.label}”已无可批准的延长" if steps else f"“{d.label}”依法不能延长")
        step = steps[used]
        approver = APPROVERS.get(step.approver, step.approver)
        if step.amount is None:
            # No fixed amount (e.g. the panel decides the answer period): nothing to compute from here.
            raise Conflict(f"“{d.label}”的延长期间须由{approver}确定，暂不能在此延长")
        old = d.due_date
        d.extensions = [*(d.extensions or []), {
            "amount": step.amount, "unit": step.unit, "approver": step.approver, "on": clock.today().isoformat(),
            "by": actor.username if actor else None, "reason": (data or {}).get("reason") or step.condition,
        }]
        _apply(d)
        record_event(
            case, tag="case:deadline:extend", actor=actor,
            summary=(f"期限“{d.label}”延长 {_unit_text(step.amount, step.unit)}（{approver}批准）："
                     f"{old.isoformat()} → {d.due_date.isoformat()}"),
            data={"deadline_id": d.id, "rule": d.rule_id, "old_due": old.isoformat(),
                  "new_due": d.due_date.isoformat(), "amount": step.amount, "unit": step.unit,
                  "approver": step.approver},
        )
    return live


def cancel_open(case: Case, *, by: str, keep: Iterable[Deadline] = ()) -> list[Deadline]:
    """End every open row of a case except ``keep`` (the case closed); running or paused ones are cancelled."""
    moment = clock.now()
    kept = {id(d) for d in keep}
    rows = [d for d in _open_rows(case) if id(d) not in kept]
    for d in rows:
        if d.status == DeadlineStatus.PAUSED:
            _close_open_pause(d, clock.beijing_date(moment))
        _end(d, DeadlineStatus.CANCELLED if d.status != DeadlineStatus.MISSED else None, by, moment)
    return rows


def mark_missed(case: Case | None = None, *, actor: User | None = None) -> list[Deadline]:
    """Persist ``missed`` on running rows whose due date (or time) has passed; audit each on its case."""
    moment = clock.now()
    stmt = sa.select(Deadline).where(
        Deadline.status == DeadlineStatus.RUNNING, Deadline.ended_at.is_(None),
        sa.or_(sa.and_(Deadline.due_at.is_(None), Deadline.due_date < clock.beijing_date(moment)),
              Deadline.due_at < moment),
    )
    if case is not None:
        stmt = stmt.where(Deadline.case_id == case.id)
    rows = list(db.session.scalars(stmt.options(selectinload(Deadline.case)).order_by(Deadline.id)))
    for d in rows:
        d.status = DeadlineStatus.MISSED
        what = "已超期" if d.binds in ACCOUNTABLE_BINDS else ("等待期已满" if d.binds == "wait" else "已届满")
        record_event(d.case, tag="case:deadline:missed", actor=actor,
                     summary=f"期限{what}：{d.label}（届满日 {d.due_date.isoformat()}）",
                     data={"deadline_id": d.id, "rule": d.rule_id, "due": d.due_date.isoformat()})
    return rows


def latest_period(case: Case, prefix: str) -> Deadline | None:
    """The case's latest (not cancelled) row of the period whose rule id starts with ``prefix``, or None."""
    ids = canonical_ids(case, (prefix,))
    rows = db.session.scalars(
        sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.status != DeadlineStatus.CANCELLED)
        .order_by(Deadline.id.desc())
    )
    return next((d for d in rows if d.rule_id in ids or d.rule_id.startswith(prefix)), None)


def has_run_out(d: Deadline | None) -> bool:
    """Tell whether a period has run out now (missed, or running past its due day or hour)."""
    if d is None or (d.binds == "wait" and d.trigger_estimated):
        return False  # a waiting period runs from the recorded delivery only
    if d.status == DeadlineStatus.MISSED:
        return True
    return d.status == DeadlineStatus.RUNNING and _is_past_due(d)


def deadline_passed(case: Case, prefix: str) -> bool:
    """Tell whether the case's latest period whose rule id starts with ``prefix`` has run out."""
    return has_run_out(latest_period(case, prefix))


# ---------------------------------------------------------------------------
# The hooks the case services call
# ---------------------------------------------------------------------------


def on_create(case: Case, actor: User | None) -> None:
    """Start the procedure's creation deadlines (the complaint's acceptance period by kind, ADJ_DOCKET …)."""
    # create_case stamps received_at with the current time, so "now" is the day the request was received.
    for rule_id in workflows.procedure(case.procedure).starts_on_create:
        start_deadline(case, rule_id, actor=actor, started_by="create")
    db.session.flush()


def on_action(case: Case, fired, actor: User | None, data: dict) -> None:
    """Apply an action's declared stops, pauses, resumes, extends and starts; end what closing leaves."""
    decl = fired.action
    # Lapses first, audited as such, so a stop after the due date reads "missed, then done late".
    mark_missed(case, actor=None)
    if decl.stops:
        stop_deadlines(case, decl.stops, action=decl, actor=actor)
    if decl.pauses:
        pause_deadlines(case, decl.pauses, action=decl, data=data)
    if decl.resumes:
        resume_deadlines(case, decl.resumes)
    if decl.extends:
        extend_deadlines(case, decl.extends, action=decl, actor=actor, data=data)
    started = []
    for rule_id in decl.starts:
        rule = _rule_or_none(case, rule_id)
        if rule is not None and _awaits_delivery(rule):
            # TODO(notices): the notices domain records the delivery (送达) date and calls
            # start_party_deadline(), which re-bases this row. Until then the party's period runs from
            # the action's date, and the row and its explanation say so (trigger_estimated).
            label = f"“{decl.label}”之日（送达日期尚未登记，暂代{rule.trigger_label}）"
            d = start_deadline(case, rule_id, actor=actor, started_by=decl.name, trigger_label=label, estimated=True,
                               amount=_amount_from(rule, data))
        else:
            d = start_deadline(case, rule_id, actor=actor, started_by=decl.name,
                               amount=_amount_from(rule, data) if rule is not None else None)
        if d is not None:
            started.append(d)
    db.session.flush()
    proc = workflows.procedure(case.procedure)
    state = proc.states.get(fired.to_state)
    if state is not None and state.terminal:
        cancel_open(case, by="terminal", keep=started)
    elif decl.closes:
        cancel_open(case, by="close", keep=started)
    db.session.flush()


def _amount_from(rule: Rule, data: dict) -> int | None:
    """The amount an action set for a minimum rule (e.g. 举证期限 ``days``), if any."""
    if not rule.amount_field:
        return None
    try:
        return int((data or {}).get(rule.amount_field) or 0) or None
    except (TypeError, ValueError):
        return None


def _rule_or_none(case: Case, rule_id: str) -> Rule | None:
    try:
        return rule_for(rule_id, clock.today(), case.unit.code, kind=case.kind)
    except LookupError:
        return None


def _register() -> None:
    if on_create not in hooks.create_hooks:
        hooks.create_hooks.append(on_create)
    if on_action not in hooks.action_hooks:
        hooks.action_hooks.append(on_action)
    if deadline_passed not in hooks.deadline_checks:
        hooks.deadline_checks.append(deadline_passed)
    hooks.notice_day = lambda case, rule_id, day: latest_notice_day(case.unit.code, rule_id, day)


_register()


# ---------------------------------------------------------------------------
# Reading: the case page, queues, the API
# ---------------------------------------------------------------------------


def soon_cutoff(on: dt.date | None = None, cal: Calendar | None = None) -> dt.date:
    """Return the last date that counts as due soon: the 2nd working day after ``on`` (today)."""
    cal = cal or current_calendar()
    d = on or clock.today()
    for _ in range(SOON_WORKING_DAYS):
        d = cal.next_workday(d, include_self=False)
    return d


def effective_status(d: Deadline, moment: dt.datetime | None = None) -> DeadlineStatus:
    """The status as of now, without writing: a running row past its due date reads as missed."""
    if d.status == DeadlineStatus.RUNNING and d.ended_at is None and _is_past_due(d, moment):
        return DeadlineStatus.MISSED
    return d.status


@dataclass
class DeadlineView:
    """One row as pages show it."""

    deadline: Deadline
    status: DeadlineStatus
    status_title: str
    due_text: str
    countdown: str
    level: str | None  # "soon", "overdue" or None (badge class)
    open: bool
    pause_since: str | None = None
    extensions: list[str] = field(default_factory=list)

    def __getattr__(self, name):
        return getattr(self.deadline, name)


def _working_days_between(cal: Calendar, start: dt.date, end: dt.date) -> int:
    # Working days in (start, end]; periods are at most a few years, so walking is cheap enough.
    n, d = 0, start
    while d < end:
        d += dt.timedelta(days=1)
        if cal.is_workday(d):
            n += 1
    return n


def view_of(d: Deadline, *, moment: dt.datetime | None = None, cal: Calendar | None = None,
            cutoff: dt.date | None = None) -> DeadlineView:
    """Describe a row for people: status, due text, countdown as the rule counts, badge level."""
    moment = moment or clock.now()
    cal = cal or current_calendar()
    on = clock.beijing_date(moment)
    status = effective_status(d, moment)
    accountable = d.binds in ACCOUNTABLE_BINDS
    title = status.title if accountable or status != DeadlineStatus.MISSED else "已届满"
    if status == DeadlineStatus.MISSED and d.met_at is not None:
        title = "逾期完成"
    if d.binds == "wait":
        title = {DeadlineStatus.RUNNING: "等待中", DeadlineStatus.MISSED: "等待期已满"}.get(status, title)
    if d.due_at is not None:
        due_text = d.due_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    else:
        due_text = d.due_date.isoformat()
    is_open = d.ended_at is None and status in LIVE_STATUSES
    countdown, level, pause_since = "", None, None
    if status == DeadlineStatus.PAUSED:
        open_pause = next((p for p in d.pauses or [] if not p.get("to")), None)
        pause_since = open_pause["from"] if open_pause else None
        countdown = f"自 {pause_since} 起暂停计时" if pause_since else "暂停计时"
    elif status == DeadlineStatus.MISSED and is_open:
        late = (on - d.due_date).days
        countdown = (f"已超期 {late} 日" if accountable else f"已届满 {late} 日") if late > 0 else "已届满"
        if d.binds == "wait":
            countdown = "等待期已满，可以办理"
        level = "overdue" if accountable else None
    elif status == DeadlineStatus.RUNNING:
        if d.unit == "hours" and d.due_at is not None:
            hours = int((d.due_at - moment).total_seconds() // 3600)
            countdown = f"剩余约 {hours} 小时" if hours >= 1 else "不足 1 小时"
        elif d.due_date == on:
            countdown = "今日届满"
        elif d.unit == "working_days":
            countdown = f"剩余 {_working_days_between(cal, on, d.due_date)} 个工作日"
        else:
            countdown = f"剩余 {(d.due_date - on).days} 日"
        if accountable and d.due_date <= (cutoff or soon_cutoff(on, cal)):
            level = "soon"
    exts = [f"{_unit_text(int(e['amount']), e['unit'])}（{APPROVERS.get(e['approver'], e['approver'])}批准，{e['on']}）"
            for e in d.extensions or []]
    return DeadlineView(d, status, title, due_text, countdown, level, is_open, pause_since, exts)


def case_deadlines(case: Case, *, include_ended: bool = True) -> list[DeadlineView]:
    """The case's rows for its page: open ones first (nearest due first), then the ended ones."""
    rows = db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id)).all()
    moment, cal = clock.now(), current_calendar()
    cutoff = soon_cutoff(clock.beijing_date(moment), cal)
    views = [view_of(d, moment=moment, cal=cal, cutoff=cutoff) for d in rows]
    live = sorted((v for v in views if v.open), key=lambda v: (v.deadline.due_date, v.deadline.id))
    ended = [v for v in views if not v.open] if include_ended else []
    return live + list(reversed(ended))


def deadlines_json(case: Case) -> list[dict]:
    """The API's deadlines of a case: open ones first, then the ended ones."""
    return [
        {"rule": v.rule_id, "label": v.label,
         "due": (v.due_at.astimezone(BEIJING).isoformat() if v.due_at is not None else v.due_date.isoformat()),
         "status": v.status.value, "provisional": v.provisional, "basis": v.basis, "explanation": v.explanation}
        for v in case_deadlines(case)
    ]


@dataclass
class CaseUrgency:
    due: dt.date
    label: str
    level: str | None  # "overdue", "soon" or None


def urgency_of(case_ids: Sequence[int]) -> dict[int, CaseUrgency]:
    """For a page of cases, the nearest open office deadline of each, with its badge level (one query)."""
    if not case_ids:
        return {}
    # Only the case filter is in SQL: given the others, SQLite skip-scans the statistics index over every
    # open deadline instead of reading the few rows of these cases.
    rows = [d for d in db.session.scalars(
        sa.select(Deadline).where(Deadline.case_id.in_(list(case_ids))).order_by(Deadline.due_date, Deadline.id)
    ) if d.ended_at is None and d.status in (DeadlineStatus.RUNNING, DeadlineStatus.MISSED)
        and d.binds in ACCOUNTABLE_BINDS]
    moment, cal = clock.now(), current_calendar()
    cutoff = soon_cutoff(clock.beijing_date(moment), cal)
    out: dict[int, CaseUrgency] = {}
    for d in rows:
        level = "overdue" if effective_status(d, moment) == DeadlineStatus.MISSED else (
            "soon" if d.due_date <= cutoff else None)
        current = out.get(d.case_id)
        if current is None:
            out[d.case_id] = CaseUrgency(d.due_date, d.label, level)
        elif level == "overdue" and current.level != "overdue":
            current.level = "overdue"
    return out


def overdue_clause(moment: dt.datetime | None = None):
    """A WHERE clause on Case: an open office deadline of the case is missed or past due."""
    moment = moment or clock.now()
    return sa.exists().where(
        Deadline.case_id == Case.id, Deadline.ended_at.is_(None), Deadline.binds.in_(ACCOUNTABLE_BINDS),
        sa.or_(Deadline.status == DeadlineStatus.MISSED,
               sa.and_(Deadline.status == DeadlineStatus.RUNNING,
                       sa.or_(sa.and_(Deadline.due_at.is_(None), Deadline.due_date < clock.beijing_date(moment)),
                              Deadline.due_at < moment))),
    )


def urgency_key():
    """A scalar subquery on Case: the nearest due date of its open office deadlines (NULL when none)."""
    return (
        sa.select(sa.func.min(Deadline.due_date))
        .where(Deadline.case_id == Case.id, Deadline.ended_at.is_(None), Deadline.binds.in_(ACCOUNTABLE_BINDS),
               Deadline.status.in_([DeadlineStatus.RUNNING, DeadlineStatus.MISSED]))
        .correlate(Case).scalar_subquery()
    )


# ---------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------


@dataclass
class Reminder:
    case_number: str
    case_id: int
    label: str
    basis: str
    due: str
    threshold: ReminderThreshold
    countdown: str
    recipients: list[tuple[str, str, str | None]]  # (username, display name, email)


@dataclass
class RemindResult:
    sent: int
    newly_missed: int
    reminders: list[Reminder]


def _recipients(case: Case) -> list[User]:
    people: list[User] = []
    if case.assignee is not None and not case.assignee.is_disabled:
        people.append(case.assignee)
    supervisors = db.session.scalars(
        sa.select(User).where(User.unit_id == case.unit_id, User.role == Role.SUPERVISOR,
                              User.is_disabled.is_(False)).order_by(User.username)
    ).all()
    people += [u for u in supervisors if u not in people]
    return people


def smtp_settings() -> dict | None:
    """Return the SMTP settings when CASEFLOW_SMTP_HOST (or the app's SMTP_HOST) is set, else None."""
    cfg = current_app.config if has_app_context() else {}

    def get(name: str, default: str = "") -> str:
        return str(cfg.get(name) or os.environ.get(f"CASEFLOW_{name}") or default)

    host = get("SMTP_HOST")
    if not host:
        return None
    return {"host": host, "port": int(get("SMTP_PORT", "25")), "user": get("SMTP_USER"),
            "password": get("SMTP_PASSWORD"), "sender": get("SMTP_FROM", "caseflow@localhost"),
            "starttls": get("SMTP_STARTTLS").lower() in {"1", "true", "yes", "on"}}


def remind() -> RemindResult:
    """Record and queue reminders for office deadlines due within 2 working days or missed, once each.

    Messages go out after the caller's commit (email when SMTP is configured, else the
    ``caseflow.reminders`` log); the unique (deadline, threshold) row makes a second run a no-op.
    """
    newly_missed = mark_missed()
    db.session.flush()
    moment, cal = clock.now(), current_calendar()
    on = clock.beijing_date(moment)
    cutoff = soon_cutoff(on, cal)
    rows = db.session.scalars(
        sa.select(Deadline).where(
            Deadline.ended_at.is_(None), Deadline.binds.in_(ACCOUNTABLE_BINDS),
            Deadline.case.has(Case.is_deleted.is_(False)),
            sa.or_(Deadline.status == DeadlineStatus.MISSED,
                   sa.and_(Deadline.status == DeadlineStatus.RUNNING, Deadline.due_date <= cutoff)))
        .options(selectinload(Deadline.case).selectinload(Case.assignee), selectinload(Deadline.reminders))
        .order_by(Deadline.due_date, Deadline.id)
    ).all()
    smtp = smtp_settings()
    channel = "email" if smtp else "log"
    queued: list[Reminder] = []
    for d in rows:
        threshold = ReminderThreshold.MISSED if d.status == DeadlineStatus.MISSED else ReminderThreshold.DUE_SOON
        if any(r.threshold == threshold for r in d.reminders):
            continue
        people = _recipients(d.case)
        db.session.add(DeadlineReminder(deadline=d, threshold=threshold, sent_at=moment, channel=channel,
                                        recipients=[u.username for u in people]))
        view = view_of(d, moment=moment, cal=cal, cutoff=cutoff)
        queued.append(Reminder(d.case.number, d.case_id, d.label, d.basis, view.due_text, threshold, view.countdown,
                               [(u.username, u.display_name, u.email) for u in people]))
    db.session.flush()
    if queued:
        db.after_commit(lambda: deliver(queued, smtp))
    return RemindResult(len(queued), len(newly_missed), queued)


def _message_text(r: Reminder) -> tuple[str, str]:
    what = r.threshold.title
    subject = f"【期限提醒·{what}】{r.case_number} {r.label}"
    body = (f"案件：{r.case_number}\n期限：{r.label}\n届满日：{r.due}（{r.countdown}）\n法律依据：{r.basis}\n"
            f"请登录案流系统办理：/cases/{r.case_id}\n\n本邮件由案流系统自动发送，每个期限的同一提醒只发送一次。")
    return subject, body


def deliver(reminders: Sequence[Reminder], smtp: dict | None) -> None:
    """Send reminders by email, or write them to the ``caseflow.reminders`` log (runs after commit)."""
    for r in reminders:
        names = "、".join(f"{name}（{username}）" for username, name, _ in r.recipients) or "无收件人"
        if not r.recipients:
            reminder_log.warning("期限提醒[%s] %s %s 届满日 %s：本单位没有承办人或负责人可通知",
                                 r.threshold.value, r.case_number, r.label, r.due)
            continue
        if smtp is None:
            reminder_log.info("期限提醒[%s] %s %s 届满日 %s（%s）→ %s", r.threshold.value, r.case_number, r.label,
                              r.due, r.countdown, names)
            continue
        subject, body = _message_text(r)
        addresses = [email for _, _, email in r.recipients if email]
        if not addresses:
            reminder_log.warning("期限提醒[%s] %s %s：收件人均未登记电子邮箱（%s）", r.threshold.value,
                                 r.case_number, r.label, names)
            continue
        msg = EmailMessage()
        msg["Subject"], msg["From"], msg["To"] = subject, smtp["sender"], ", ".join(addresses)
        msg.set_content(body)
        try:
            with smtplib.SMTP(smtp["host"], smtp["port"], timeout=30) as server:
                if smtp["starttls"]:
                    server.starttls()
                if smtp["user"]:
                    server.login(smtp["user"], smtp["password"])
                server.send_message(msg)
        except (OSError, smtplib.SMTPException):
            # The reminder is recorded already; a failed send is logged for the operator, not retried.
            reminder_log.exception("期限提醒邮件发送失败：%s %s → %s", r.case_number, r.label, ", ".join(addresses))
        else:
            reminder_log.info("期限提醒邮件已发送[%s] %s %s → %s", r.threshold.value, r.case_number, r.label,
                              ", ".join(addresses))
