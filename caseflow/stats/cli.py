"""`flask --app wsgi caseflow stats-refresh | stats-rebuild`."""

from __future__ import annotations

import time

import click

from caseflow.cli import cli
from caseflow.core.db import db


@cli.command("stats-refresh")
def stats_refresh() -> None:
    """Apply the queued case changes to the statistics rollups (the pages also do this on every request)."""
    from caseflow.stats.services import refresh

    done = refresh()
    db.commit()
    click.echo(f"统计已更新（处理 {done} 条变更）")


@cli.command("stats-rebuild")
def stats_rebuild() -> None:
    """Recompute every case's statistics facts and the rollups from the base tables (repair)."""
    from caseflow.stats.services import rebuild

    started = time.monotonic()
    n = rebuild(progress=lambda done: click.echo(f"  {done:,} 件", err=True) if done % 100_000 == 0 else None)
    db.commit()
    click.echo(f"统计已重建：{n:,} 件案件，用时 {time.monotonic() - started:.1f} 秒")
