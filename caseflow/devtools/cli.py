"""`flask --app wsgi caseflow generate`: the generator is imported when the command runs, never at app start."""

from __future__ import annotations

import datetime as dt
import time

import click

from caseflow.cli import cli
from caseflow.core.db import db


@cli.command("generate")
@click.option("--cases", "n", type=click.IntRange(1, 10_000_000), required=True, help="生成的案件数")
@click.option("--seed", type=int, default=1, show_default=True, help="随机种子（同一种子、同一截止日期生成相同数据）")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="数据截止日期（北京时间，默认今天）")
@click.option("--years", type=click.IntRange(1, 20), default=5, show_default=True, help="跨越的年数")
@click.option("--quiet", is_flag=True, help="不显示进度")
def generate_cmd(n: int, seed: int, until: dt.datetime | None, years: int, quiet: bool) -> None:
    """Generate N realistic cases with events, deadlines, linked cases and ratings (bulk inserts; never in
    production: the generated staff accounts share a published password)."""
    from caseflow.cli import refuse_in_production
    from caseflow.devtools.generate import GENERATED_PASSWORD, generate

    refuse_in_production("生成数据")

    started = time.monotonic()

    def progress(done: int) -> None:
        if not quiet:
            rate = done / max(time.monotonic() - started, 1e-6)
            click.echo(f"  已生成 {done:,} 件（{rate:,.0f} 件/秒）", err=True)

    result = generate(db.session, cases=n, seed=seed, until=until.date() if until else None, years=years,
                      progress=progress)
    click.echo(f"已生成 {result.cases:,} 件案件、{result.events:,} 条审计事件、{result.deadlines:,} 条期限、"
               f"{result.ratings:,} 条评价；用时 {result.seconds:.1f} 秒，统计重建 {result.stats_seconds:.1f} 秒。"
               f"生成的工作人员账号（gen-<单位代码>-o1 等）密码：{GENERATED_PASSWORD}")
