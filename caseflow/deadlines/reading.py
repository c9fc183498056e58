"""Reading deadlines: the case page, the queues' urgency, the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.clock import BEIJING
from caseflow.core.db import db
from caseflow.deadlines.calendar import Calendar
from caseflow.deadlines.lifecycle import ACCOUNTABLE_BINDS, APPROVERS, is_past_due, unit_text
from caseflow.deadlines.models import LIVE_STATUSES, Deadline, DeadlineStatus, awaits_calendar
from caseflow.deadlines.office_calendar import current_calendar, describe_calendar_version

#: "Due soon" means due within this many working days (today counts as 0).
SOON_WORKING_DAYS = 2


def soon_cutoff(on: dt.date | None = None, cal: Calendar | None = None) -> dt.date:
    """Return the last date that counts as due soon: the 2nd working day after ``on`` (today)."""
    cal = cal or current_calendar()
    d = on or clock.today()
    for _ in range(SOON_WORKING_DAYS):
        d = cal.next_workday(d, include_self=False)
    return d


def effective_status(d: Deadline | sa.Row, moment: dt.datetime | None = None,
                     on: dt.date | None = None) -> DeadlineStatus:
    """The status as of now, without writing: a running row past its due date reads as missed (a row of the
    columns status, ended_at, due_at and due_date will do; ``on``: the Beijing date of ``moment``, when known)."""
    if d.status == DeadlineStatus.RUNNING and d.ended_at is None and is_past_due(d, moment, on):
        return DeadlineStatus.MISSED
    return d.status


@dataclass
class DeadlineView:
    """One row as pages show it."""

    deadline: Deadline | sa.Row
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

    @property
    def awaits_calendar(self) -> bool:
        return awaits_calendar(self.deadline)

    @property
    def calendar_sources(self) -> str:
        """Which holiday schedules decided the days, in words (the row keeps the package version for the audit)."""
        return describe_calendar_version(self.deadline.calendar_version)


def _working_days_between(cal: Calendar, start: dt.date, end: dt.date) -> int:
    # Working days in (start, end]; periods are at most a few years, so walking is cheap enough.
    n, d = 0, start
    while d < end:
        d += dt.timedelta(days=1)
        if cal.is_workday(d):
            n += 1
    return n


def view_of(d: Deadline | sa.Row, *, moment: dt.datetime | None = None, cal: Calendar | None = None,
            cutoff: dt.date | None = None) -> DeadlineView:
    """Describe a row for people: status, due text, countdown as the rule counts, badge level."""
    moment = moment or clock.now()
    cal = cal or current_calendar()
    on = clock.beijing_date(moment)
    status = effective_status(d, moment, on)
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
    exts = [f"{unit_text(int(e['amount']), e['unit'])}（{APPROVERS.get(e['approver'], e['approver'])}批准，{e['on']}）"
            for e in d.extensions or []]
    return DeadlineView(d, status, title, due_text, countdown, level, is_open, pause_since, exts)


# The columns the case pages and the action guards read (lifecycle.rows_known): not the record's own stamps, the
# exact trigger time or how the row was started and ended, whose datetimes cost most to read.
_ROWS_OF = (sa.select(Deadline.id, Deadline.rule_id, Deadline.label, Deadline.basis, Deadline.binds, Deadline.unit,
                      Deadline.trigger_date, Deadline.trigger_estimated, Deadline.due_date, Deadline.due_at,
                      Deadline.status, Deadline.provisional, Deadline.pauses, Deadline.paused_days,
                      Deadline.extensions, Deadline.explanation, Deadline.calendar_version,
                      Deadline.provisional_confirmed_at, Deadline.met_at, Deadline.ended_at)
            .where(Deadline.case_id == sa.bindparam("case_id")).order_by(Deadline.id))


def rows_of(case: Case) -> list[sa.Row]:
    """Every deadline row of the case, oldest first, as plain rows (the case page loads them once for all its cards
    and its action guards, which only read)."""
    return db.rows(_ROWS_OF, case_id=case.id)


def case_deadlines(case: Case, *, include_ended: bool = True,
                   rows: list[Deadline] | list[sa.Row] | None = None) -> list[DeadlineView]:
    """The case's rows for its page: open ones first (nearest due first), then the ended ones (``rows``: the case's
    rows as rows_of gives them, when already loaded)."""
    rows = rows_of(case) if rows is None else rows
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


_URGENT = (DeadlineStatus.RUNNING, DeadlineStatus.MISSED)
_URGENCY = (sa.select(Deadline.case_id, Deadline.due_date, Deadline.due_at, Deadline.label, Deadline.status,
                     Deadline.ended_at, Deadline.binds)
            .where(Deadline.case_id.in_(sa.bindparam("ids", expanding=True))).order_by(Deadline.due_date, Deadline.id))


def urgency_of(case_ids: Sequence[int]) -> dict[int, CaseUrgency]:
    """For a page of cases, the nearest open office deadline of each, with its badge level (one query)."""
    if not case_ids:
        return {}
    moment = clock.now()
    on = clock.beijing_date(moment)
    cutoff = soon_cutoff(on)
    out: dict[int, CaseUrgency] = {}
    # Only the case filter is in SQL: given the others, SQLite skip-scans the statistics index over every
    # open deadline instead of reading the few rows of these cases. Only the columns read below are loaded
    # (plain rows, no objects: a queue page shows a badge, not the deadlines).
    for d in db.rows(_URGENCY, ids=list(case_ids)):
        if d.ended_at is not None or d.binds not in ACCOUNTABLE_BINDS or d.status not in _URGENT:
            continue
        overdue = effective_status(d, moment, on) == DeadlineStatus.MISSED
        current = out.get(d.case_id)
        if current is None:
            out[d.case_id] = CaseUrgency(d.due_date, d.label,
                                         "overdue" if overdue else "soon" if d.due_date <= cutoff else None)
        elif overdue:
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

