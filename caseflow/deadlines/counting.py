"""Statutory period arithmetic (民事诉讼法 art. 85; 民法典 arts 200–204; 行政处罚法 art. 85).

- The start day is not counted.
- ``days``: start + N; a due date on a rest day moves to the next working day.
- ``working_days``: the N-th official working day after the start (调休 Saturdays/Sundays count).
- ``months``/``years``: the same day of the N-th month/year, or that month's last day; then the roll.
- ``hours``: exact, from an aware timestamp, returned in Asia/Shanghai.
- ``backward``: counts before the start (the anchor) and rolls to the previous working day.
- ``paused_days``: natural days added to the unrolled due date before the roll.
- ``extensions``: approved extensions, each counted from the expiry before it (民法典 arts 201-202): the original
  period's last day, before any rest-day roll, is the start day of the first extension (so +1 month after a
  period ending on 30 November ends on 30 December, not on the 31st that four months from 31 August would
  give); the rest-day roll applies once, to the final day. Counting from the day before the roll can only give
  the same or an earlier date than counting from the rolled day: the office never relies on a later date.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from caseflow.deadlines.calendar import SHANGHAI, Calendar, DayInfo, default_calendar

__all__ = ["MAX_AMOUNT", "UNITS", "Due", "add_months", "due_date"]

UNITS = ("working_days", "days", "months", "years", "hours")
UNIT_LABELS = {
    "working_days": "个工作日",
    "days": "日",
    "months": "个月",
    "years": "年",
    "hours": "小时",
}
MAX_AMOUNT = 10000
# A suspension may last years (e.g. waiting for an invalidation decision), but not centuries.
MAX_PAUSED_DAYS = 36500


@dataclass(frozen=True, slots=True)
class Due:
    """A computed due date and how it was reached."""

    #: The due date (a ``date``), or an aware ``datetime`` in Asia/Shanghai for ``hours``.
    due: dt.date | dt.datetime
    #: True when any day consulted lies in a year whose holiday schedule is not published.
    provisional: bool
    #: Plain-language Chinese account of the computation.
    explanation: str
    #: Rest days passed over: while counting working days, or while rolling a due date.
    rest_days_skipped: tuple[dt.date, ...] = ()
    #: The date before the rest-day roll (after paused days); equals ``due`` when not rolled.
    unrolled: dt.date | dt.datetime | None = None
    #: Years consulted that had no published schedule.
    provisional_years: tuple[int, ...] = field(default=())

    @property
    def rolled(self) -> bool:
        """Return True if the due date was moved off a rest day."""
        return self.unrolled is not None and self.unrolled != self.due

    def isoformat(self) -> str:
        """Return the due date as ``YYYY-MM-DD`` (ISO datetime with offset for hours)."""
        return self.due.isoformat()

    def __str__(self) -> str:
        return self.isoformat() + (" provisional" if self.provisional else "")


# ---------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------


def _check_amount(amount: object, what: str = "期限数额", limit: int = MAX_AMOUNT) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        if isinstance(amount, str) and amount.strip().lstrip("+-").isdigit():
            amount = int(amount)
        else:
            raise ValueError(f"{what}必须是整数，收到 {amount!r}")
    if amount < 0:
        raise ValueError(f"{what}不能为负数：{amount}")
    if amount > limit:
        raise ValueError(f"{what}过大：{amount}（上限 {limit}）")
    return amount


def _start_date(start: object) -> dt.date:
    if isinstance(start, dt.datetime):
        # A trigger's date is its Beijing calendar date.
        return (start.astimezone(SHANGHAI) if start.tzinfo else start).date()
    if isinstance(start, dt.date):
        return start
    if isinstance(start, str):
        text = start.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return _start_date(dt.datetime.fromisoformat(text))
        except ValueError:
            pass
    raise ValueError(f"无效的起算日期：{start!r}（应为 YYYY-MM-DD）")


def _start_datetime(start: object) -> dt.datetime:
    if isinstance(start, str):
        try:
            start = dt.datetime.fromisoformat(start.strip())
        except ValueError:
            raise ValueError(
                f"无效的起算时间：{start!r}（应为带时区的 ISO 时间，如 2026-03-02T09:30:00+08:00）"
            ) from None
    if not isinstance(start, dt.datetime):
        raise ValueError("按小时计算的期限需要精确到时刻的起算时间（带时区），不能只给日期")
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("按小时计算的期限的起算时间必须带时区（如 +08:00）")
    return start


# ---------------------------------------------------------------------------
# Date arithmetic helpers
# ---------------------------------------------------------------------------


def add_months(d: dt.date, months: int) -> tuple[dt.date, bool]:
    """Return the same day ``months`` later (earlier if negative), or that month's last day.

    The flag is True when the month had no corresponding day (民法典 art. 202).
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError
    last = _stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(d.day, last)), d.day > last


def _plus(d: dt.date, days: int) -> dt.date:
    return d + dt.timedelta(days=days)


class _Counter:
    """Walks the calendar, remembering every day it consulted.

    A day the unpublished schedule may turn (``DayInfo.uncertain``) is decided towards the earlier due date of the
    walk: a working day when walking forward, a rest day when walking back to the latest day to act.
    """

    def __init__(self, cal: Calendar) -> None:
        self.cal = cal
        self.provisional_years: set[int] = set()
        #: Uncertain days decided against the weekday rule: weekends counted as worked, weekdays as rest.
        self.assumed_worked: set[dt.date] = set()
        self.assumed_rest: set[dt.date] = set()

    def info(self, d: dt.date) -> DayInfo:
        info = self.cal.day(d)
        if info.provisional:
            self.provisional_years.add(d.year)
        return info

    def worked(self, d: dt.date, step: int) -> tuple[bool, DayInfo]:
        info = self.info(d)
        worked = info.worked(step > 0)
        if worked != info.is_workday:
            (self.assumed_worked if worked else self.assumed_rest).add(d)
        return worked, info

    def roll(self, d: dt.date, step: int) -> tuple[dt.date, list[dt.date]]:
        """Move from ``d`` in direction ``step`` to the first working day; return the skipped days."""
        skipped: list[dt.date] = []
        for _ in range(366):
            if self.worked(d, step)[0]:
                return d, skipped
            skipped.append(d)
            d = _plus(d, step)
        raise ValueError(f"{d.isoformat()} 前后一年内没有工作日，请检查节假日调整表")

    def count_working_days(
        self, start: dt.date, amount: int, step: int
    ) -> tuple[dt.date, list[dt.date], list[dt.date]]:
        """Return the ``amount``-th working day from ``start`` (exclusive), rest days and make-up days."""
        skipped: list[dt.date] = []
        makeup: list[dt.date] = []
        d = start
        if amount == 0:
            d, skipped = self.roll(d, step)
            return d, skipped, makeup
        counted = 0
        while counted < amount:
            d = _plus(d, step)
            worked, info = self.worked(d, step)
            if worked:
                counted += 1
                if info.is_makeup_workday and not info.provisional:
                    makeup.append(d)
            else:
                skipped.append(d)
        return d, skipped, makeup


# ---------------------------------------------------------------------------
# Explanation helpers
# ---------------------------------------------------------------------------


def _md(d: dt.date, ref_year: int, *, with_month: bool = True) -> str:
    """Format as 9月25日; the year only when it differs from the trigger's; the day alone in a range."""
    if not with_month:
        return f"{d.day}日"
    text = f"{d.month}月{d.day}日"
    return text if d.year == ref_year else f"{d.year}年{text}"


def _runs(days: list[dt.date]) -> list[list[dt.date]]:
    """Group dates into runs of consecutive days (in calendar order)."""
    runs: list[list[dt.date]] = []
    for d in sorted(set(days)):
        if runs and (d - runs[-1][-1]).days == 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


def _range_text(run: list[dt.date], ref_year: int) -> str:
    first, last = run[0], run[-1]
    if first == last:
        return _md(first, ref_year)
    same_month = first.year == last.year and first.month == last.month
    return f"{_md(first, ref_year)}至{_md(last, ref_year, with_month=not same_month)}"


def _rest_days_text(counter: _Counter, days: list[dt.date], ref_year: int, *, all_runs: bool) -> str:
    """Describe rest days: holiday runs as 法定节假日; weekend-only runs only when ``all_runs``."""
    holiday_runs, weekend_runs = [], []
    # Weekdays taken as rest only because the schedule may give them off have a note of their own.
    for run in _runs([d for d in days if d not in counter.assumed_rest]):
        if any(counter.info(d).is_holiday for d in run):
            holiday_runs.append(run)
        elif all_runs:
            weekend_runs.append(run)
    parts = []
    if holiday_runs:
        parts.append("、".join(_range_text(r, ref_year) for r in holiday_runs) + "为法定节假日")
    if weekend_runs:
        parts.append("、".join(_range_text(r, ref_year) for r in weekend_runs) + "为休息日")
    return "，".join(parts)


def _provisional_text(years: set[int]) -> str:
    listed = "、".join(str(y) for y in sorted(years))
    return f"{listed} 年放假安排尚未发布，按法定节假日推算，日期为暂定"


def _extend(counter: _Counter, expiry: dt.date, extensions: Sequence[tuple[int, str]],
            notes: list[str]) -> dt.date:
    """Apply approved extensions in order, each from the expiry before it (the day before any rest-day roll)."""
    for amount, unit in extensions:
        if unit == "working_days":
            nxt, _skipped, _makeup = counter.count_working_days(expiry, amount, 1)
            clipped = False
        elif unit == "days":
            nxt, clipped = _plus(expiry, amount), False
        else:
            nxt, clipped = add_months(expiry, amount * (12 if unit == "years" else 1))
        notes.append(f"经批准延长 {amount} {UNIT_LABELS[unit]}，自原届满日 {expiry.isoformat()} 起算为 "
                     f"{nxt.isoformat()}" + ("（该月无对应日，取月末日）" if clipped else ""))
        expiry = nxt
    return expiry


# ---------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------


def due_date(
    start: dt.date | dt.datetime | str,
    amount: int | str,  # a string of digits too (the CLI passes its argument through)
    unit: str,
    backward: bool = False,
    *,
    calendar: Calendar | None = None,
    paused_days: int = 0,
    trigger_label: str = "起算日",
    extensions: Sequence[tuple[int, str]] = (),
) -> Due:
    """Compute the due date ``amount`` ``unit`` after (or, with ``backward``, before) ``start``.

    :param start: the trigger date (a ``date``, an aware ``datetime`` whose Beijing date is used, or
        ``YYYY-MM-DD``); for ``hours`` an aware ``datetime`` or ISO string with offset.
    :param calendar: the calendar to use; the module default when None.
    :param paused_days: natural days the clock was paused (中止 etc.), added before the rest-day roll.
    :param trigger_label: how the explanation names the start, e.g. "立案之日".
    :param extensions: approved extensions ``(amount, unit)`` in order, each from the expiry before it.
    :raises ValueError: with a Chinese message on bad input.
    """
    if unit not in UNITS:
        raise ValueError(f"未知的期限单位：{unit!r}（可用：{'、'.join(UNITS)}）")
    amount = _check_amount(amount)
    paused_days = _check_amount(paused_days, "暂停天数", MAX_PAUSED_DAYS)
    if backward and paused_days:
        raise ValueError("倒计的期限（某日之前）不适用暂停期间")
    steps = []
    for ext_amount, ext_unit in extensions:
        if ext_unit not in UNITS:
            raise ValueError(f"未知的期限单位：{ext_unit!r}（可用：{'、'.join(UNITS)}）")
        if (ext_unit == "hours") != (unit == "hours"):
            raise ValueError("按小时计算的期限只能按小时延长")
        steps.append((_check_amount(ext_amount, "延长期限数额"), ext_unit))
    if backward and steps:
        raise ValueError("倒计的期限（某日之前）不适用延长")
    try:
        if unit == "hours":
            return _due_hours(start, amount + sum(a for a, _ in steps), backward, paused_days, trigger_label)
        return _due_calendar(
            _start_date(start), amount, unit, backward, calendar or default_calendar(), paused_days, trigger_label,
            steps,
        )
    except OverflowError:
        raise ValueError("计算结果超出可表示的日期范围") from None


def _due_hours(start: object, amount: int, backward: bool, paused_days: int, label: str) -> Due:
    moment = _start_datetime(start)
    delta = dt.timedelta(hours=amount)
    # Arithmetic in UTC keeps it exact whatever the input offset; show it in Beijing time.
    utc = moment.astimezone(dt.UTC)
    result = (utc - delta if backward else utc + delta + dt.timedelta(days=paused_days)).astimezone(SHANGHAI)
    shown = moment.astimezone(SHANGHAI)
    direction = "前" if backward else "起"
    text = f"{label} {shown:%Y-%m-%d %H:%M} {direction} {amount} 小时"
    if paused_days:
        text += f"，另加暂停期间 {paused_days} 日"
    text += f" → {result:%Y-%m-%d %H:%M}"
    return Due(result, False, text, (), result, ())


def _due_calendar(
    start: dt.date,
    amount: int,
    unit: str,
    backward: bool,
    cal: Calendar,
    paused_days: int,
    label: str,
    extensions: Sequence[tuple[int, str]] = (),
) -> Due:
    counter = _Counter(cal)
    step = -1 if backward else 1
    ref_year = start.year
    direction = "前" if backward else "起"
    head = f"{label} {start.isoformat()} {direction} {amount} {UNIT_LABELS[unit]}"
    notes: list[str] = []
    skipped: list[dt.date] = []

    if unit == "working_days":
        counted, skipped, makeup = counter.count_working_days(start, amount, step)
        rest = _rest_days_text(counter, skipped, ref_year, all_runs=False)
        if rest:
            notes.append(rest)
        if makeup:
            notes.append("、".join(_range_text(r, ref_year) for r in _runs(makeup)) + "为调休工作日，计入")
        counted = _extend(counter, counted, extensions, notes)
        unrolled = counted
        if paused_days:
            unrolled = _plus(counted, paused_days)
            notes.append(f"另加暂停期间 {paused_days} 日为 {unrolled.isoformat()}")
            due, rolled_over = counter.roll(unrolled, 1)
            if rolled_over:
                skipped += rolled_over
                text = _rest_days_text(counter, rolled_over, ref_year, all_runs=True)
                notes.append(f"{text}，顺延至下一个工作日")
        else:
            due = counted
    else:
        if unit == "days":
            raw = _plus(start, step * amount)
            short_month = False
        else:
            months = amount * (12 if unit == "years" else 1)
            raw, short_month = add_months(start, step * months)
        head += f"为 {raw.isoformat()}"
        if short_month:
            head += "（该月无对应日，取月末日）"
        raw = _extend(counter, raw, extensions, notes)
        unrolled = raw
        if paused_days:
            unrolled = _plus(raw, paused_days)
            notes.append(f"另加暂停期间 {paused_days} 日为 {unrolled.isoformat()}")
        due, skipped = counter.roll(unrolled, step)
        if skipped:
            text = _rest_days_text(counter, skipped, ref_year, all_runs=True)
            where = "提前至上一个工作日" if backward else "顺延至下一个工作日"
            notes.append(f"{text}，{where}")

    if counter.provisional_years:
        notes.append(_provisional_text(counter.provisional_years))
    for days, lean in ((counter.assumed_worked, "周末，可能调休上班，暂按工作日计入"),
                       (counter.assumed_rest, "工作日，可能调休放假，暂按休息日计")):
        if days:
            listed = "、".join(_range_text(r, ref_year) for r in _runs(sorted(days)))
            notes.append(f"{listed}为节日前后的{lean}")
    explanation = "；".join([head, *notes]) + f" → {due.isoformat()}"
    return Due(
        due,
        bool(counter.provisional_years),
        explanation,
        tuple(sorted(skipped)),
        unrolled,
        tuple(sorted(counter.provisional_years)),
    )
