"""`flask --app wsgi caseflow due | calendar import | remind | deadlines start-added` (docs/deadlines.md); each
command commits once."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa

from caseflow.cli import cli
from caseflow.core.db import db
from caseflow.core.errors import DomainError
from caseflow.deadlines import backfill, overrides, reminders
from caseflow.deadlines.counting import UNITS, due_date
from caseflow.deadlines.models import DeadlineStatus


def _fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


@cli.command("due")
@click.argument("start")
@click.argument("amount")  # parsed by due_date, so a bad number gets the Chinese message
@click.argument("unit")
@click.option("--backward", is_flag=True, help="倒计（某日之前），如“至少在口头审理3个工作日前”")
def due_cmd(start: str, amount: str, unit: str, backward: bool) -> None:
    """Print the due date: YYYY-MM-DD (ISO datetime for hours), then ' provisional' if so."""
    if unit not in UNITS:
        _fail(f"未知的期限单位：{unit}（可用：{'、'.join(UNITS)}）")
    try:
        # The default calendar holds the published override table (loaded when the app started).
        result = due_date(start, amount, unit, backward)
    except ValueError as exc:
        _fail(str(exc))
    click.echo(str(result))


@cli.group("calendar")
def calendar_group() -> None:
    """Maintain the holiday table for years chinesecalendar does not cover."""


@calendar_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def calendar_import(file: Path) -> None:
    """Import a CSV (date,kind,name) or JSON list; publish its years and recompute affected deadlines."""
    try:
        content = file.read_bytes()
    except OSError as exc:
        _fail(f"无法读取文件 {file}：{exc.strerror or exc}")
    try:
        entries = overrides.parse_calendar_file(file.name, content)
        change = overrides.import_calendar(entries, source=f"导入文件 {file.name}", actor=None)
    except DomainError as exc:
        db.rollback()
        _fail(exc.message)
    db.commit()
    years = "、".join(str(y) for y in change.years)
    click.echo(f"已导入 {change.days} 天（{years} 年），已发布；重新计算期限 {change.recomputed} 个")


@cli.command("remind")
def remind_cmd() -> None:
    """Notify assignees and supervisors of deadlines due within 2 working days or missed (once each)."""
    try:
        result = reminders.remind()
        db.commit()
    except sa.exc.IntegrityError:
        # The unique (deadline, threshold) row: another run recorded the same reminders first.
        db.rollback()
        _fail("另一个提醒任务正在同时运行，本次未发送任何提醒，请稍后重试")
    click.echo(f"已发送期限提醒 {result.sent} 条；本次新发现超期 {result.newly_missed} 个")
    from caseflow.cli import cron_housekeeping

    cron_housekeeping()  # the audit checkpoint (and clean-up) ride on this regular job


@cli.group("deadlines")
def deadlines_group() -> None:
    """Maintain the deadline rows of cases under way."""


@deadlines_group.command("start-added")
@click.argument("rule_id")
def start_added_cmd(rule_id: str) -> None:
    """After an upgrade that adds RULE_ID to a step: start it on the open cases already past that step."""
    try:
        rows = backfill.start_added(rule_id)
    except DomainError as exc:
        db.rollback()
        _fail(exc.message)
    db.commit()
    click.echo(f"已补记期限 {len(rows)} 个（{rule_id}）")
    for d in rows:
        click.echo(f"  {d.case.number}：{d.label}，{d.trigger_date.isoformat()} 起算，{d.due_date.isoformat()} 届满"
                   + ("（已超期）" if d.status == DeadlineStatus.MISSED else ""))
