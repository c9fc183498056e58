"""`flask --app wsgi caseflow notice-sample …` and `… notices-serve` (attached to the project's `caseflow` group)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import click

from caseflow.cli import cli
from caseflow.core.db import db


def render_sample(code: str, *, draft: bool = False) -> tuple[bytes, int]:
    """Render one kind with demo data (template and PDF, as issuing does); returns (pdf, pages)."""
    from caseflow.notices import catalogue, context, rendering

    kind = catalogue.kind(code)
    return rendering.render(kind.template, context.sample_context(code, draft=draft))


def time_sample(code: str, count: int, *, draft: bool = False) -> tuple[bytes, int, list[float]]:
    """Warm up, then render a kind's sample ``count`` times; returns the last PDF, its pages and the timings (ms)."""
    from caseflow.core import pdf

    pdf.warm_up()
    content, pages = render_sample(code, draft=draft)  # compiles the template, loads the fonts it needs
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        content, pages = render_sample(code, draft=draft)
        timings.append((time.perf_counter() - started) * 1000)
    return content, pages, timings


@cli.command("notice-sample")
@click.argument("kind", required=False)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="写出 PDF 的文件")
@click.option("--count", default=1, show_default=True, type=click.IntRange(1, 10000), help="渲染次数（取中位数）")
@click.option("--draft", is_flag=True, help="按草稿（带“草稿”水印）渲染")
@click.option("--list", "list_kinds", is_flag=True, help="列出全部文书类型代码，每行一个")
def notice_sample(kind: str | None, out: Path | None, count: int, draft: bool, list_kinds: bool) -> None:
    """Render a sample document of one kind with demo data and print the median render time in ms."""
    from caseflow.notices import catalogue

    if list_kinds:
        for code in catalogue.KINDS:
            click.echo(code)
        return
    if not kind:
        raise click.UsageError("请指定文书类型（可用 --list 查看），如：notice-sample decision --out 裁决书.pdf")
    if kind not in catalogue.KINDS:
        raise click.BadParameter(f"未知的文书类型：{kind}（可用 --list 查看）", param_hint="KIND")
    content, pages, timings = time_sample(kind, count, draft=draft)
    if out is not None:
        out.write_bytes(content)
    median = statistics.median(timings)
    where = f"; written to {out}" if out is not None else ""
    click.echo(f"median {median:.1f} ms over {count} render(s); {pages} page(s); {len(content)} bytes{where}")


@cli.command("notices-serve")
def notices_serve() -> None:
    """Let 公告送达 take effect whose 30 days have passed, starting the parties' periods (run daily from cron)."""
    from caseflow.notices.deliveries import serve_due_publications

    served = serve_due_publications()
    db.commit()
    for d in served:
        click.echo(f"视为送达：{d.notice.number} → {d.recipient_name}（{d.delivered_on.isoformat()}）")
    click.echo(f"共 {len(served)} 件公告送达生效")
    sys.stdout.flush()
