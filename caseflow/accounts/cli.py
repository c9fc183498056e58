"""`flask --app wsgi caseflow user …` and `… office …`: what the administrator's pages do, for the server's operator.

Each command is one transaction and is written to the account events (actor: a command on the server, with the
operating-system user who ran it).
"""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa

from caseflow.accounts import admin, sessions
from caseflow.accounts.models import STAFF_ROLES, Role, Unit, User
from caseflow.accounts.services import unit_by_code, units_ordered, user_by_username
from caseflow.cli import cli, os_user
from caseflow.core.db import db
from caseflow.core.errors import DomainError

STAFF_ROLE_NAMES = [r.value for r in Role if r in STAFF_ROLES]


def _actor() -> admin.Actor:
    return admin.Actor(None, via="cli", address=f"os:{os_user()}"[:64])


def _user(name: str) -> User:
    user = user_by_username(name)
    if user is None:
        raise click.ClickException(f"用户不存在：{name}")
    return user


def _unit(code: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None:
        raise click.ClickException(f"单位代码不存在：{code}（单位由 migrate 载入，见 office list）")
    return unit


def _run(fn):
    """Run a change and commit it, or print the Chinese reason and exit 1."""
    try:
        result = fn()
    except DomainError as exc:
        db.rollback()
        click.echo(f"错误：{exc.message}", err=True)
        for field, message in exc.fields.items():
            if message != exc.message:
                click.echo(f"  {field}：{message}", err=True)
        sys.exit(1)
    db.commit()
    return result


@cli.group("user")
def user_group() -> None:
    """Accounts: list, create staff, disable, enable, reset passwords, change role or office, end sessions."""


@user_group.command("list")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=None)
@click.option("--unit", "unit_code", default=None, help="单位代码")
@click.option("--disabled", is_flag=True, help="只列出已停用的账号")
def list_users(role: str | None, unit_code: str | None, disabled: bool) -> None:
    """List accounts: username, role, office, status."""
    stmt = sa.select(User).order_by(User.unit_id.is_(None), User.unit_id, User.username)
    if role:
        stmt = stmt.where(User.role == Role(role))
    if unit_code:
        stmt = stmt.where(User.unit_id == _unit(unit_code).id)
    if disabled:
        stmt = stmt.where(User.is_disabled.is_(True))
    for u in db.session.scalars(stmt):
        status = "已停用" if u.is_disabled else ("待改密码" if u.password_must_change else "正常")
        click.echo(f"{u.username:<24} {u.role.title:<8} {u.unit.code if u.unit else '—':<7} {status}  {u.display_name}")


@user_group.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(STAFF_ROLE_NAMES))
@click.option("--unit", "unit_code", required=True, help="单位代码，如 500103")
@click.option("--display-name", required=True, help="姓名")
@click.option("--password", default=None, help="初始密码（默认自动生成）；本人首次登录时须修改")
def create(name: str, role: str, unit_code: str, display_name: str, password: str | None) -> None:
    """Open a staff account; print its initial password (to be changed at the first sign-in)."""
    unit = _unit(unit_code)
    user, initial = _run(lambda: admin.create_staff(_actor(), username=name, display_name=display_name, role=role,
                                                    unit=unit, password=password))
    click.echo(f"已开设 {unit.area} {user.role.title} 账号 {user.username}；初始密码：{initial}（首次登录须修改）")


@user_group.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Disable an account: all its sessions and tokens end at once."""
    ended = _run(lambda: admin.set_disabled(_actor(), _user(name), True))
    click.echo(f"已停用 {name}；{ended} 处登录和令牌已失效")


@user_group.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Enable a disabled account again."""
    _run(lambda: admin.set_disabled(_actor(), _user(name), False))
    click.echo(f"已启用 {name}")


@user_group.command("reset-password")
@click.argument("name")
@click.option("--password", default=None, help="临时密码（默认自动生成）")
def reset_password(name: str, password: str | None) -> None:
    """Set a temporary password (printed); all sessions and tokens end; the user must change it at sign-in."""
    temporary = _run(lambda: admin.reset_password(_actor(), _user(name), password))
    click.echo(f"已重置 {name} 的密码；临时密码：{temporary}（下次登录须修改）")


@user_group.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(STAFF_ROLE_NAMES))
def set_role(name: str, role: str) -> None:
    """Change a staff account's role: all its sessions and tokens end."""
    ended = _run(lambda: admin.change_role_and_unit(_actor(), _user(name), role=role))
    click.echo(f"已将 {name} 的角色改为 {Role(role).title}；{ended} 处登录和令牌已失效")


@user_group.command("set-unit")
@click.argument("name")
@click.argument("unit_code")
def set_unit(name: str, unit_code: str) -> None:
    """Move a staff account to another office: all its sessions and tokens end."""
    unit = _unit(unit_code)
    ended = _run(lambda: admin.change_role_and_unit(_actor(), _user(name), unit=unit))
    click.echo(f"已将 {name} 调至 {unit.code} {unit.area}；{ended} 处登录和令牌已失效")


@user_group.command("sessions")
@click.argument("name")
def list_sessions(name: str) -> None:
    """List where an account is signed in and its API tokens."""
    user = _user(name)
    for s in sessions.open_sessions(user):
        click.echo(f"网页登录 #{s.id}  {s.address:<15} 登录 {s.created_at:%Y-%m-%d %H:%M} 最近 "
                   f"{s.last_seen_at:%Y-%m-%d %H:%M} UTC  {s.user_agent[:60]}")
    for t in sessions.open_tokens(user):
        click.echo(f"API 令牌 #{t.id}  {t.address or '—':<15} 获取 {t.created_at:%Y-%m-%d %H:%M} UTC "
                   f"到期 {t.expires_at:%Y-%m-%d %H:%M} UTC")


@user_group.command("end-sessions")
@click.argument("name")
def end_sessions(name: str) -> None:
    """End every session and API token of an account."""
    ended = _run(lambda: admin.end_sessions(_actor(), _user(name)))
    click.echo(f"已结束 {name} 的 {ended} 处登录和令牌")


@cli.group("office")
def office_group() -> None:
    """Offices: list them, change a name or case-number prefix (codes and areas come with `migrate`)."""


@office_group.command("list")
def list_offices() -> None:
    """List the offices: code, area, case-number prefix, name."""
    for u in units_ordered():
        click.echo(f"{u.code}  {u.area:<12} {u.prefix:<8} {u.name}")


@office_group.command("edit")
@click.argument("code")
@click.option("--name", default=None, help="单位名称")
@click.option("--prefix", default=None, help="案号前缀，如 渝中知")
def edit_office(code: str, name: str | None, prefix: str | None) -> None:
    """Change an office's name and/or case-number prefix (cases already numbered keep theirs)."""
    if name is None and prefix is None:
        raise click.UsageError("请指定 --name 或 --prefix")
    unit = _unit(code)
    diff = _run(lambda: admin.edit_office(_actor(), unit, name=name, prefix=prefix))
    labels = {"name": "名称", "prefix": "案号前缀"}
    changes = "，".join(f"{labels[k]}“{a}”→“{b}”" for k, (a, b) in diff.items())
    click.echo(f"已修改 {unit.code}：{changes or '没有变化'}")
