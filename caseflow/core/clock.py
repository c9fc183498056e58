"""The one clock of the application: every business time (timestamps, Beijing dates, deadlines, guards) is read here.

All dates are Beijing dates (Asia/Shanghai). Nothing else calls ``datetime.now``, ``date.today`` or ``time.time`` for
business time (tests/core/test_clock.py enforces it). Tests pin the clock to a fixed instant, from which it runs on
(so timestamps still order), and move it with :func:`pin`; the data generator computes "now" as a past moment
with :func:`as_of` while it replays a case's history.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

class _Pin:
    """Where the process's clock is pinned: it reads ``instant`` plus the time elapsed since ``mark`` (a monotonic
    reading; None: frozen). No instant: the real clock."""

    instant: datetime | None = None
    mark: float | None = None


_pin = _Pin()
#: A moment "now" stands still at for the current context (history being replayed).
_as_of: ContextVar[datetime | None] = ContextVar("clock_as_of", default=None)


def now() -> datetime:
    """Return the current moment, time-zone aware (UTC)."""
    replay = _as_of.get()
    if replay is not None:
        return replay
    if _pin.instant is not None:
        return _pin.instant if _pin.mark is None else _pin.instant + timedelta(seconds=time.monotonic() - _pin.mark)
    return datetime.now(UTC)


def today() -> date:
    return now().astimezone(BEIJING).date()


def beijing_date(moment: datetime) -> date:
    """Return the Beijing calendar date of an aware moment."""
    return moment.astimezone(BEIJING).date()


def pin(instant: datetime, *, frozen: bool = False) -> None:
    """Make the clock read ``instant`` now and run on from there, or stand still there when ``frozen`` (tests; a
    server started for tests)."""
    if instant.tzinfo is None:
        raise ValueError("the clock is pinned to an aware moment")
    _pin.instant, _pin.mark = instant.astimezone(UTC), None if frozen else time.monotonic()


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Read ``moment`` as now inside the block (replaying a past step: guards asking for today see its day)."""
    token = _as_of.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _as_of.reset(token)


def fmt_beijing(moment: datetime | None, with_time: bool = True) -> str:
    """Format a timestamp for people, in Beijing time."""
    if moment is None:
        return ""
    local = moment.astimezone(BEIJING)
    # ISO form cut to the minute: "%Y-%m-%d %H:%M" at about a third of strftime's cost (a queue page shows 25).
    return local.isoformat(" ", "minutes")[:16] if with_time else local.date().isoformat()
