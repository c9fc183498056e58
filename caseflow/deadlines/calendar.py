"""The official working-day calendar (法定节假日与调休).

Sources, in order of precedence, for a given year:

1. an override table (administrator-maintained, loaded from the database later) that covers whole years;
2. the ``chinesecalendar`` package (2004–2026 in 1.11.0);
3. a provisional fallback: weekends plus the statutory holiday days of 《全国年节及纪念日放假办法》
   (as amended 2024). Days in such a year are *provisional*. The schedule not yet published will move days
   near a holiday both ways (a weekend worked as 调休, a weekday given in lieu), so those days are
   ``uncertain``: counting leans them towards the earlier due date (``DayInfo.uncertain``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar
from lunardate import LunarDate

__all__ = [
    "HOLIDAY",
    "SHANGHAI",
    "WORKDAY",
    "Calendar",
    "DayInfo",
    "default_calendar",
    "qingming_date",
    "set_overrides",
    "statutory_holidays",
]

HOLIDAY = "holiday"
WORKDAY = "workday"
KINDS = (HOLIDAY, WORKDAY)

SHANGHAI = ZoneInfo("Asia/Shanghai")

SOURCE_OVERRIDE = "override"
SOURCE_PACKAGE = "chinesecalendar"
SOURCE_PROVISIONAL = "provisional"

# chinesecalendar names holidays in English; show the usual Chinese names.
_PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


def _package_name(english: str) -> str:
    if english in _PACKAGE_NAMES:
        return _PACKAGE_NAMES[english]
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What the calendar knows about one date."""

    date: dt.date
    is_workday: bool
    #: Holiday name for a holiday, or the holiday a make-up workday belongs to; None for ordinary days.
    name: str | None
    source: str
    provisional: bool
    #: A provisional day near a statutory holiday (not one itself) that the unpublished schedule may turn into a
    #: 调休 workday or a day off in lieu: counting decides it towards the earlier due date.
    uncertain: bool = False

    @property
    def is_rest_day(self) -> bool:
        return not self.is_workday

    def worked(self, forward: bool = True) -> bool:
        """Whether counting treats the day as worked: an uncertain day counts towards the earlier due date, worked
        when counting forward and rest when counting back to the latest day to act."""
        return forward if self.uncertain else self.is_workday

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def is_holiday(self) -> bool:
        """A rest day that is a holiday rather than an ordinary weekend."""
        return not self.is_workday and self.name is not None

    @property
    def is_makeup_workday(self) -> bool:
        """An official 调休 Saturday or Sunday that is worked."""
        return self.is_workday and self.is_weekend


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, dt.datetime):
        # A trigger's date is its Beijing calendar date.
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"无效的日期：{value!r}（应为 YYYY-MM-DD）")


# ---------------------------------------------------------------------------
# Provisional fallback: statutory holidays computed from the rules
# ---------------------------------------------------------------------------

# 寿星公式 constants for 清明 (sun at 15°): day = int(Y*D + C) - int(Y/4), Y = year % 100.
_QINGMING_C = {19: 5.59, 20: 4.81}
# Years where the formula is a day off, found by comparing with a solar-longitude computation
# for 1990–2100 (2100 is not a leap year, which int(Y/4) cannot see).
_QINGMING_DELTA = {2100: 1}


def qingming_date(year: int) -> dt.date:
    """Return the date (Beijing time) of the 清明 solar term in ``year``.

    Accurate for 1900–2100; outside that range April 5 is returned as the usual date.
    """
    century = year // 100
    if year == 2100:
        century = 20
    c = _QINGMING_C.get(century)
    if c is None:
        return dt.date(year, 4, 5)
    y = year % 100 if year != 2100 else 100
    day = int(y * 0.2422 + c) - int(y / 4) + _QINGMING_DELTA.get(year, 0)
    return dt.date(year, 4, day)


def _lunar_to_solar(year: int, month: int, day: int) -> dt.date | None:
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:
        # lunardate covers lunar years 1900–2099 only.
        return None


@functools.lru_cache(maxsize=256)
def statutory_holidays(year: int) -> Mapping[dt.date, str]:
    """Return the statutory holiday days of ``year`` under the 2024 放假办法 (no 调休, no 补假).

    元旦 1 day, 春节 4 days from 除夕, 清明 1, 劳动节 May 1–2, 端午 1, 中秋 1, 国庆 Oct 1–3.
    """
    days: dict[dt.date, str] = {}

    def add(d: dt.date | None, name: str) -> None:
        # Two festivals on one day make one rest day (no 补假 in the fallback).
        if d is not None and d.year == year:
            days.setdefault(d, name)

    # Fixed-date holidays first, so a coinciding lunar festival (中秋 on 10月1日, as in 2020)
    # keeps the fixed holiday's name, as the official schedules do.
    add(dt.date(year, 1, 1), "元旦")
    add(dt.date(year, 5, 1), "劳动节")
    add(dt.date(year, 5, 2), "劳动节")
    for day in (1, 2, 3):
        add(dt.date(year, 10, day), "国庆节")
    # 春节: 除夕 (the day before lunar 1/1) plus 初一 to 初三. Lunar new year falls between
    # Jan 21 and Feb 20, so the whole block lies in the same Gregorian year.
    new_year = _lunar_to_solar(year, 1, 1)
    if new_year is not None:
        for offset in range(-1, 3):
            add(new_year + dt.timedelta(days=offset), "春节")
    add(qingming_date(year), "清明节")
    add(_lunar_to_solar(year, 5, 5), "端午节")
    add(_lunar_to_solar(year, 8, 15), "中秋节")
    # Read-only: the result is cached and shared.
    return MappingProxyType(dict(sorted(days.items())))


#: How far from a statutory holiday the published schedules have moved days: in 2010–2026 a 调休 workday (a weekend
#: worked) lay at most 9 days and a day off in lieu (a weekday) 5 days from one, the one-off 2015 抗战胜利纪念日 aside.
UNCERTAIN_REACH = {"weekend": 10, "weekday": 6}


@functools.lru_cache(maxsize=4096)
def _near_holiday(d: dt.date) -> bool:
    reach = dt.timedelta(days=UNCERTAIN_REACH["weekend" if d.weekday() >= 5 else "weekday"])
    return any(abs(h - d) <= reach for y in (d.year - 1, d.year, d.year + 1) for h in statutory_holidays(y))


@functools.lru_cache(maxsize=512)
def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _package_day(d: dt.date) -> tuple[bool, str | None]:
    """Return (is_rest, English holiday name) like ``get_holiday_detail`` for a covered year.

    Reads the package's public tables directly: its functions re-scan every key for the supported
    year range on each call, which dominates a long working-day count.
    """
    if d in chinese_calendar.workdays:
        return False, chinese_calendar.workdays[d]
    if d in chinese_calendar.holidays:
        return True, chinese_calendar.holidays[d]
    return d.weekday() >= 5, None


# ---------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------


def _normalise_overrides(
    entries: Mapping | Iterable | None,
) -> dict[dt.date, tuple[str, str]]:
    """Accept ``{date: (kind, name)}`` or rows ``(date, kind, name)``; validate kinds."""
    if not entries:
        return {}
    items: Iterable
    if isinstance(entries, Mapping):
        items = ((d, *(v if isinstance(v, tuple | list) else (v, ""))) for d, v in entries.items())
    else:
        items = entries
    result: dict[dt.date, tuple[str, str]] = {}
    for entry in items:
        row = tuple(entry)
        if len(row) == 2:
            day, kind, name = row[0], row[1], ""
        elif len(row) == 3:
            day, kind, name = row
        else:
            raise ValueError(f"节假日调整表格式错误：{row!r}（应为 日期, 类型, 名称）")
        day = _as_date(day)
        kind = str(kind).strip().lower()
        if kind not in KINDS:
            raise ValueError(f"节假日调整表中 {day.isoformat()} 的类型 {kind!r} 无效（应为 holiday 或 workday）")
        result[day] = (kind, str(name or "").strip())
    return result


class Calendar:
    """The official calendar: override table, then chinesecalendar, then the provisional fallback.

    :param overrides: ``{date: (kind, name)}`` with kind ``"holiday"`` or ``"workday"``, or an
        iterable of ``(date, kind, name)`` rows. A year with at least one entry is *published*:
        its other days follow the plain weekday rule (Mon–Fri work).
    :param published_years: extra years to treat as published by the override table even when
        they have no entries.
    :param use_package: consult chinesecalendar (switch off to test the fallback on known years).
    """

    def __init__(
        self,
        overrides: Mapping | Iterable | None = None,
        published_years: Iterable[int] | None = None,
        *,
        use_package: bool = True,
    ) -> None:
        self._overrides = _normalise_overrides(overrides)
        self._published = frozenset({d.year for d in self._overrides} | set(published_years or ()))
        self._use_package = use_package

    def __repr__(self) -> str:
        years = ",".join(str(y) for y in sorted(self._published)) or "-"
        return f"<Calendar override_years={years} package={self._use_package}>"

    @property
    def override_years(self) -> frozenset[int]:
        return self._published

    @property
    def overrides(self) -> Mapping[dt.date, tuple[str, str]]:
        return dict(self._overrides)

    def source(self, year: int) -> str:
        """Return which source decides days of ``year``."""
        if year in self._published:
            return SOURCE_OVERRIDE
        if self._use_package and _package_covers(year):
            return SOURCE_PACKAGE
        return SOURCE_PROVISIONAL

    def day(self, d: dt.date | dt.datetime | str) -> DayInfo:
        """Return everything known about date ``d``."""
        d = _as_date(d)
        source = self.source(d.year)
        weekday_rule = d.weekday() < 5
        if source == SOURCE_OVERRIDE:
            entry = self._overrides.get(d)
            if entry is None:
                return DayInfo(d, weekday_rule, None, source, False)
            kind, name = entry
            # An unnamed holiday entry is still a holiday, not an ordinary weekend.
            return DayInfo(d, kind == WORKDAY, name or ("节假日" if kind == HOLIDAY else None), source, False)
        if source == SOURCE_PACKAGE:
            is_rest, english = _package_day(d)
            return DayInfo(d, not is_rest, None if english is None else _package_name(english), source, False)
        holiday = statutory_holidays(d.year).get(d)
        return DayInfo(d, weekday_rule and holiday is None, holiday, source, True,
                       uncertain=holiday is None and _near_holiday(d))

    def is_workday(self, d: dt.date | dt.datetime | str) -> bool:
        """Return True if ``d`` is an official working day (make-up Saturdays/Sundays included)."""
        return self.day(d).is_workday

    def next_workday(self, d: dt.date, *, include_self: bool = True) -> dt.date:
        """Return the first working day on or after ``d`` (after it when ``include_self`` is False)."""
        return self._walk(d, 1, include_self)

    def _walk(self, d: dt.date, step: int, include_self: bool) -> dt.date:
        d = _as_date(d)
        if not include_self:
            d += dt.timedelta(days=step)
        # Holiday blocks are at most ~10 days; a bound guards against a corrupt override table.
        for _ in range(366):
            if self.is_workday(d):
                return d
            d += dt.timedelta(days=step)
        raise ValueError(f"{d.isoformat()} 前后一年内没有工作日，请检查节假日调整表")


# ---------------------------------------------------------------------------
# Module-level default calendar
# ---------------------------------------------------------------------------

_default = Calendar()


def default_calendar() -> Calendar:
    """Return the calendar used when none is passed explicitly."""
    return _default


def set_overrides(
    entries: Mapping | Iterable | None, published_years: Iterable[int] | None = None
) -> Calendar:
    """Replace the default calendar's override table and return the new default calendar.

    Calendars are immutable; this swaps the module default in one assignment, so a computation
    already running keeps the calendar it started with.
    """
    global _default  # noqa: PLW0603 - one atomic swap of the module default (see above)
    _default = Calendar(entries, published_years)
    return _default
