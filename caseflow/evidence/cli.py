"""`flask --app wsgi caseflow fsck [--clean-temp]` and `… verify-package FILE.zip`."""

from __future__ import annotations

import sys

import click

from caseflow.cli import cli


@cli.command("fsck")
@click.option("--clean-temp", is_flag=True, help="删除中断上传留下的临时文件（不影响正在进行的上传）")
@click.option("--no-hash", is_flag=True, help="只比较文件是否存在和大小，不重新计算 SHA-256（大型存储的快速检查）")
def fsck_cmd(clean_temp: bool, no_hash: bool) -> None:
    """Check evidence storage against the database; exit non-zero if anything is wrong."""
    from caseflow.evidence.integrity import fsck
    from caseflow.evidence.storage import get_storage

    storage = get_storage()
    if clean_temp:
        for item in storage.clean_temp():
            click.echo(f"已删除：{item.describe().replace('（上传已中断，可用 --clean-temp 删除）', '')}")
    report = fsck(storage, verify_hashes=not no_hash)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        sys.exit(1)


@cli.command("verify-package")
@click.argument("path", type=click.Path(dir_okay=False))
def verify_package_cmd(path: str) -> None:
    """Recompute the SHA-256 of every file in an evidence package; exit non-zero on any mismatch."""
    from caseflow.evidence.package import verify_package

    report = verify_package(path)
    for name in report.ok:
        click.echo(f"通过：{name}")
    for problem in report.problems:
        click.echo(f"不符：{problem}", err=True)
    if report.problems or not report.ok:
        click.echo(f"证据包校验失败：{len(report.problems)} 处问题", err=True)
        sys.exit(1)
    click.echo(f"证据包校验通过：{len(report.ok)} 个文件的 SHA-256 与清单一致")
