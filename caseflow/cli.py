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


@cli.command("migrate")
@click.option("--revision", default="head", help="目标版本（默认 head）")
def migrate(revision: str) -> None:
    """Upgrade the database schema (Alembic)."""
    from alembic import command

    command.upgrade(alembic_config(), revision)
    click.echo(f"数据库已迁移到 {revision}")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Load the offices, one demo user per role and a dozen complaints."""
    from caseflow.demo import seed

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
    """Create an account (for scripts and tests)."""
    from caseflow.accounts.services import create_user, unit_by_code
    from caseflow.core.errors import DomainError

    unit = None
    if unit_code:
        unit = unit_by_code(unit_code)
        if unit is None:
            raise click.ClickException(f"单位代码不存在：{unit_code}")
    try:
        create_user(username=name, password=password, role=role, unit=unit, display_name=display_name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    db.commit()
    click.echo(f"已创建用户 {name}（{role}）")


@cli.command("verify-audit")
def verify_audit() -> None:
    """Check every case's hash-chained audit log; exit non-zero naming the first bad event."""
    from caseflow.cases.audit import verify_all

    problems = list(verify_all())
    if problems:
        for p in problems:
            click.echo(f"审计链校验失败：{p}", err=True)
        sys.exit(1)
    click.echo("审计链校验通过")


# The domains' command modules register on `cli`, so they import this module and come last.
from caseflow.deadlines import cli as _deadlines_cli  # noqa: E402, F401
from caseflow.devtools import cli as _devtools_cli  # noqa: E402, F401
from caseflow.evidence import cli as _evidence_cli  # noqa: E402, F401
from caseflow.injunction import cli as _injunction_cli  # noqa: E402, F401
from caseflow.notices import cli as _notices_cli  # noqa: E402, F401
from caseflow.stats import cli as _stats_cli  # noqa: E402, F401
