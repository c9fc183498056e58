"""The office's calendar: the published override table installed in the process calendar, replayed history.

The default calendar is process-wide; other processes (gunicorn workers) notice a change of the table through its
stamp, checked at most every REFRESH_SECONDS, never a query per computation.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy.orm import Session

from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines.calendar import SOURCE_OVERRIDE, SOURCE_PACKAGE, Calendar, default_calendar, set_overrides
from caseflow.deadlines.models import CalendarDay, CalendarYear

log = logging.getLogger(__name__)


try:
    PACKAGE_VERSION = version("chinesecalendar")
except PackageNotFoundError:  # pragma: no cover - the package is a hard dependency
    PACKAGE_VERSION = "?"


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


def session_calendar() -> Calendar:
    """The calendar being replayed (the data generator), else the published table as this session sees it."""
    return _REPLAY_CALENDAR.get() or build_calendar()


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


_PACKAGE_SOURCE = re.compile(re.escape(SOURCE_PACKAGE) + r" [0-9A-Za-z.?]+")


def describe_calendar_version(version: str | None) -> str:
    """The sources a computation used, as people read them: a row records the package and its version (the audit
    trail), a page says whose holiday schedule that is (国务院办公厅公布的放假安排), never a library's name."""
    return _PACKAGE_SOURCE.sub("国务院办公厅公布的放假安排", version or "")


def year_status(year: int, session: Session | None = None) -> str:
    """Return 'override', 'chinesecalendar' or 'missing' for a year (for the admin warning)."""
    session = session or db.session()
    if session.scalar(sa.select(CalendarYear.id).where(CalendarYear.year == year,
                                                       CalendarYear.published_at.is_not(None))):
        return SOURCE_OVERRIDE
    if Calendar(use_package=True).source(year) == SOURCE_PACKAGE:
        return SOURCE_PACKAGE
    return "missing"


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)

