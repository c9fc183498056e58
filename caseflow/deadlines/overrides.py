"""Maintaining the override table (the office's 放假安排): import, one day, publish; each change recomputes the
deadlines it moves and installs the calendar once committed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from caseflow.accounts.models import User
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Invalid
from caseflow.deadlines.lifecycle import recompute_for_years
from caseflow.deadlines.models import CalendarDay, CalendarYear, DayKind
from caseflow.deadlines.office_calendar import build_calendar, load_calendar, year_bounds

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
        start, end = year_bounds(year)
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
                                           .where(CalendarDay.date.between(*year_bounds(year)))):
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

