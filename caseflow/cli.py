"""`flask --app wsgi caseflow …` commands; each command is one transaction."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from caseflow.core.db import db

cli = AppGroup("caseflow", help="CaseFlow 案流管理命令")
ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig(str(ROOT / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = url or current_app.config["DATABASE_URL"]
    return cfg


@cli.command("fonts")
def fonts_cmd() -> None:
    """Report which GB/T 9704 standard faces the documents use and which fallback stands in for a missing one."""
    from caseflow.core.pdf.fonts import office_font_dir, standard_faces_report

    directory = office_font_dir()
    click.echo(f"单位字体目录（CASEFLOW_FONT_DIR）：{directory or '未设置'}")
    missing = 0
    for row in standard_faces_report():
        if row["source"]:
            click.echo(f"{row['use']}　{row['name']}：已安装（{row['source']}）")
        else:
            missing += 1
            click.echo(f"{row['use']}　{row['name']}：未安装，以{row['fallback']}代替")
    if missing:
        click.echo("提示：公文应使用 GB/T 9704 规定的字体。请将本单位授权的字体文件放入 CASEFLOW_FONT_DIR 指定的目录。")


@cli.command("migrate")
@click.option("--revision", default="head", help="目标版本（默认 head）")
def migrate(revision: str) -> None:
    """Upgrade the database schema (Alembic), then bring the offices up to the shipped reference list."""
    from alembic import command

    from caseflow.accounts.offices import sync_offices

    command.upgrade(alembic_config(), revision)
    click.echo(f"数据库已迁移到 {revision}")
    if revision == "head":
        added = sync_offices(db.session.connection())
        db.commit()
        click.echo(f"单位参考数据已更新（新增 {added} 个单位）")


def refuse_in_production(what: str) -> None:
    """Stop a command that must never run against a production database (published passwords)."""
    if current_app.config.get("ENV") == "production":
        click.echo(f"生产环境（CASEFLOW_ENV=production）拒绝{what}：其中的账号密码是公开的。", err=True)
        sys.exit(1)


@cli.command("seed-demo")
def seed_demo() -> None:
    """Load one demo user per role and a dozen complaints (never in production)."""
    from caseflow.demo import seed

    refuse_in_production("加载演示数据")

    logins = seed()
    db.commit()
    click.echo("演示数据已就绪。演示账号（用户名 / 密码 / 角色）：")
    for username, password, title in logins:
        click.echo(f"  {username:<14} {password:<14} {title}")


@cli.command("create-user")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["applicant", "respondent", "officer", "mediator",
                                                          "supervisor", "admin"]))
@click.option("--unit", "unit_code", default=None, help="单位代码，如 500103")
@click.option("--password", required=True)
@click.option("--display-name", default=None)
def create_user_cmd(name: str, role: str, unit_code: str | None, password: str, display_name: str | None) -> None:
    """Create an account with the password given (for scripts and the first administrator; audited)."""
    from caseflow.accounts.models import AccountTag
    from caseflow.accounts.services import create_user, record_account_event, unit_by_code
    from caseflow.core.errors import DomainError

    unit = None
    if unit_code:
        unit = unit_by_code(unit_code)
        if unit is None:
            raise click.ClickException(f"单位代码不存在：{unit_code}")
    try:
        user = create_user(username=name, password=password, role=role, unit=unit, display_name=display_name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    record_account_event(AccountTag.CREATE, actor=None, user=user, unit=unit, via="cli",
                         summary=f"服务器命令开设 {user.role.title} 账号 {user.username}",
                         data={"role": user.role.value, "unit": unit_code, "os_user": os_user()})
    db.commit()
    click.echo(f"已创建用户 {name}（{role}）")


@cli.command("verify-audit")
@click.option("--no-checkpoint", is_flag=True, help="只校验，不写入新的检查点")
def verify_audit(no_checkpoint: bool) -> None:
    """Check every case's keyed audit chain and the signed checkpoints; exit non-zero naming the first bad event.

    When everything verifies, a new checkpoint records the chains as they are now (unless --no-checkpoint).
    """
    from caseflow.cases import checkpoints
    from caseflow.cases.audit import verify_all

    recorded = checkpoints.read(current_app.config)
    problems: list[object] = list(recorded.problems)
    problems += list(verify_all(checkpoints=recorded.cases))
    _exit_on(problems)
    if recorded.lines:
        click.echo(f"已与 {recorded.lines} 个检查点核对（最近一次：{recorded.last_at}）")
    else:
        click.echo(f"尚无检查点（{recorded.path}）：只能发现被修改的事件，发现不了末尾被删除的事件")
    click.echo("审计链校验通过")
    if not no_checkpoint:
        _checkpoint()


def _exit_on(problems, then: str = "") -> None:
    """Name each audit problem on stderr (then ``then``) and exit 1; nothing when there are none."""
    if problems:
        for p in problems:
            click.echo(f"审计链校验失败：{p}", err=True)
        if then:
            click.echo(then, err=True)
        sys.exit(1)


def _checkpoint() -> None:
    from caseflow.cases import checkpoints

    result = checkpoints.write(current_app.config)
    _exit_on(result.problems, "上述案件未写入检查点")
    click.echo(f"已写入检查点：{result.written} 个案件有新的审计事件（{result.path}）")


def cron_housekeeping() -> None:
    """What every regular cron job (`remind`) also does: a signed audit checkpoint, and the removal of what
    interrupted uploads left behind. Silent when all is well; problems go to stderr and the exit status, so cron
    mails them to the administrator."""
    from caseflow.cases import checkpoints
    from caseflow.evidence.storage import clean_abandoned

    removed = clean_abandoned(remote=True)
    if removed:
        click.echo(f"已删除中断上传留下的临时文件 {len(removed)} 个")
    _exit_on(checkpoints.write(current_app.config).problems)


@cli.command("audit-checkpoint")
def audit_checkpoint() -> None:
    """Verify the chains that moved since the last checkpoint and append a signed checkpoint of them."""
    _checkpoint()


@cli.command("audit-rekey")
@click.option("--old-key-file", type=click.Path(dir_okay=False, exists=True),
              help="原密钥文件（更换密钥时）；不指定则按未使用密钥的旧格式校验")
def audit_rekey(old_key_file: str | None) -> None:
    """Re-hash every audit chain under the configured key, after checking it under the old scheme.

    For a database from before keyed chains (plain SHA-256), or to change the key. Chains that do not verify are
    left as they are and listed. A full checkpoint under the new key follows.
    """
    from caseflow.cases import checkpoints
    from caseflow.cases.audit import rekey_all

    old_key = Path(old_key_file).read_bytes().strip() if old_key_file else None
    # What checkpoints recorded, under either key, must still hold: a chain rewritten since is not converted.
    recorded: dict[int, list] = {}
    for log in [checkpoints.read(current_app.config)] + ([checkpoints.read(current_app.config, old_key)]
                                                          if old_key else []):
        _exit_on(log.problems)
        for case_id, entries in log.cases.items():
            recorded.setdefault(case_id, []).extend(entries)
    problems = list(rekey_all(old_key=old_key, recorded=recorded))
    for p in problems:
        click.echo(f"未转换：{p}", err=True)
    result = checkpoints.write(current_app.config, full=True)
    click.echo(f"审计链已按当前密钥重新计算；检查点：{result.written} 个案件（{result.path}）")
    if problems or result.problems:
        sys.exit(1)


def os_user() -> str:
    """Who ran a command, as the server's operating system knows them (recorded with account events)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


# The domains' command modules register on `cli`, so they import this module and come last.
from caseflow.accounts import cli as _accounts_cli  # noqa: E402, F401
from caseflow.deadlines import cli as _deadlines_cli  # noqa: E402, F401
from caseflow.devtools import cli as _devtools_cli  # noqa: E402, F401
from caseflow.evidence import cli as _evidence_cli  # noqa: E402, F401
from caseflow.injunction import cli as _injunction_cli  # noqa: E402, F401
from caseflow.notices import cli as _notices_cli  # noqa: E402, F401
from caseflow.stats import cli as _stats_cli  # noqa: E402, F401
