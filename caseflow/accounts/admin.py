"""Administering accounts and offices: create staff, disable and enable, reset passwords, change role or office,
edit an office's name and prefix — each written to account_events with its actor (None: a command on the server).

Who may do what to whom is asked of caseflow/policy.py by the callers (pages); commands run by the server's
operator are not limited. Every change that alters what an account may do ends all its sessions and tokens.
Services flush; the request or command commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from caseflow.accounts import sessions
from caseflow.accounts.models import STAFF_ROLES, AccountEvent, AccountTag, EndReason, Role, Unit, User
from caseflow.accounts.passwords import check_new_password
from caseflow.accounts.services import create_user, record_account_event
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid
from caseflow.core.security import hash_password

#: Letters and digits that cannot be mistaken for one another when read out or copied from paper.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Actor:
    """Who makes a change and from where: a signed-in administrator, or None for a command on the server."""

    user: User | None
    via: str = "web"
    address: str | None = None


def temporary_password() -> str:
    """A random password to hand over once; its holder must choose their own at the next sign-in."""
    raw = "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _event(tag: AccountTag, actor: Actor, summary: str, *, user: User | None = None, unit: Unit | None = None,
           data: dict | None = None) -> AccountEvent:
    return record_account_event(tag, actor=actor.user, user=user, unit=unit, summary=summary, data=data,
                                via=actor.via, address=actor.address)


def _who(actor: Actor) -> str:
    return actor.user.username if actor.user is not None else "服务器命令"


def _admins_left(excluding: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.is_disabled.is_(False), User.id != excluding.id)) or 0


def _keep_an_admin(user: User) -> None:
    if user.role == Role.ADMIN and not user.is_disabled and _admins_left(user) == 0:
        raise Conflict("这是最后一个可用的系统管理员账号，不能停用或改为其他角色")


def create_staff(actor: Actor, *, username: str, display_name: str, role: Role | str, unit: Unit,
                 password: str | None = None) -> tuple[User, str]:
    """Open a staff account; return it with its initial password (generated unless given), which must be changed
    at the first sign-in."""
    role = Role(role)
    if role not in STAFF_ROLES:
        raise Invalid("这里只开设工作人员账号；权利人请自行注册", fields={"role": "请选择工作人员角色"})
    initial = password if password is not None else temporary_password()
    user = create_user(username=username, password=initial, role=role, display_name=display_name, unit=unit,
                       check_password=password is not None)
    user.password_must_change = True
    _event(AccountTag.CREATE, actor, f"{_who(actor)} 开设 {unit.area} {role.title} 账号 {user.username}",
           user=user, unit=unit, data={"role": role.value, "unit": unit.code})
    return user, initial


def set_disabled(actor: Actor, user: User, disabled: bool) -> int:
    """Disable (every session and token ends at once) or enable an account; return how many were ended."""
    if user.is_disabled == disabled:
        return 0
    if disabled:
        if actor.user is not None and actor.user.id == user.id:
            raise Conflict("不能停用自己的账号")
        _keep_an_admin(user)
    user.is_disabled = disabled
    ended = sessions.end_all(user, EndReason.DISABLED) if disabled else 0
    tag, verb = (AccountTag.DISABLE, "停用") if disabled else (AccountTag.ENABLE, "启用")
    _event(tag, actor, f"{_who(actor)} {verb}账号 {user.username}", user=user,
           data={"is_disabled": [not disabled, disabled], "ended": ended})
    db.session.flush()
    return ended


def reset_password(actor: Actor, user: User, password: str | None = None) -> str:
    """Set a temporary password (generated unless given): every session and token ends, and the account must
    choose its own password at the next sign-in. Return the temporary password."""
    if password is not None:
        check_new_password(password, username=user.username, display_name=user.display_name)
    temporary = password if password is not None else temporary_password()
    user.password_hash = hash_password(temporary)
    user.password_must_change = True
    ended = sessions.end_all(user, EndReason.PASSWORD_RESET)
    _event(AccountTag.PASSWORD_RESET, actor, f"{_who(actor)} 重置了 {user.username} 的密码", user=user,
           data={"ended": ended})
    db.session.flush()
    return temporary


def change_role_and_unit(actor: Actor, user: User, *, role: Role | str | None = None,
                         unit: Unit | None = None) -> int:
    """Move a staff account to another role and/or office; every session and token ends (what the account may
    see and do changed). Return how many were ended."""
    new_role = Role(role) if role is not None else user.role
    new_unit = unit if unit is not None else user.unit
    if not user.is_staff or new_role not in STAFF_ROLES:
        raise Invalid("只能变更工作人员账号的角色和单位", fields={"role": "请选择工作人员角色"})
    if new_unit is None:
        raise Invalid("工作人员账号必须属于一个单位", fields={"unit": "请指定单位"})
    if new_role == user.role and new_unit.id == user.unit_id:
        return 0
    if new_role != user.role:
        if actor.user is not None and actor.user.id == user.id:
            raise Conflict("不能变更自己的角色")
        if user.role == Role.ADMIN:
            _keep_an_admin(user)
    diff: dict[str, list] = {}
    reason = EndReason.UNIT_CHANGED
    if new_unit.id != user.unit_id:
        diff["unit"] = [user.unit.code if user.unit else None, new_unit.code]
        user.unit = new_unit
    if new_role != user.role:
        diff["role"] = [user.role.value, new_role.value]
        user.role, reason = new_role, EndReason.ROLE_CHANGED
    ended = sessions.end_all(user, reason)
    changes = []
    if "role" in diff:
        changes.append(f"角色 {Role(diff['role'][0]).title}→{new_role.title}")
    if "unit" in diff:
        changes.append(f"单位 {diff['unit'][0]}→{new_unit.code}（{new_unit.area}）")
    tag = AccountTag.ROLE if "role" in diff else AccountTag.UNIT
    _event(tag, actor, f"{_who(actor)} 变更 {user.username}：{'，'.join(changes)}", user=user, unit=new_unit,
           data={**diff, "ended": ended})
    db.session.flush()
    return ended


def end_sessions(actor: Actor, user: User) -> int:
    """End every session and token of an account (e.g. a lost phone) without changing anything else."""
    ended = sessions.end_all(user, EndReason.ENDED_BY_ADMIN)
    _event(AccountTag.SESSIONS_END, actor, f"{_who(actor)} 结束了 {user.username} 的全部登录和令牌（{ended} 个）",
           user=user, data={"ended": ended})
    return ended


def edit_office(actor: Actor, unit: Unit, *, name: str | None = None, prefix: str | None = None) -> dict:
    """Change an office's name and/or case-number prefix (numbers already given keep theirs); return the diff."""
    diff: dict[str, list] = {}
    if name is not None:
        name = name.strip()
        if not name or len(name) > 120:
            raise Invalid("单位名称不能为空且不超过120个字符", fields={"name": "名称无效"})
        if name != unit.name:
            diff["name"] = [unit.name, name]
    if prefix is not None:
        prefix = prefix.strip()
        if not prefix or len(prefix) > 16 or any(c.isspace() for c in prefix):
            raise Invalid("案号前缀为1至16个字符，不含空格", fields={"prefix": "前缀无效"})
        taken = db.session.scalar(sa.select(Unit.code).where(Unit.prefix == prefix, Unit.id != unit.id))
        if taken:
            raise Invalid(f"案号前缀“{prefix}”已被单位 {taken} 使用", fields={"prefix": "前缀已被使用"})
        if prefix != unit.prefix:
            diff["prefix"] = [unit.prefix, prefix]
    if not diff:
        return diff
    if "name" in diff:
        unit.name = diff["name"][1]
    if "prefix" in diff:
        unit.prefix = diff["prefix"][1]
    what = "，".join(f"{'名称' if k == 'name' else '案号前缀'}“{old}”→“{new}”" for k, (old, new) in diff.items())
    _event(AccountTag.OFFICE_EDIT, actor, f"{_who(actor)} 修改单位 {unit.code}：{what}", unit=unit, data=diff)
    db.session.flush()
    return diff


def search_users(*, q: str = "", role: str = "", unit_ids: set[int] | None = None, public: bool = True,
                 status: str = "", page: int = 1, per_page: int = 50) -> tuple[list[User], int]:
    """Accounts matching the filters (username or name containing ``q``), staff by office then username."""
    stmt = sa.select(User)
    scope = []
    if unit_ids is not None:
        scope.append(User.unit_id.in_(unit_ids))
    if public:
        scope.append(User.role.in_([Role.APPLICANT, Role.RESPONDENT]))
    if unit_ids is not None or not public:
        stmt = stmt.where(sa.or_(*scope) if scope else sa.false())
    if q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.username).like(like), sa.func.lower(User.display_name).like(like)))
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    if status == "disabled":
        stmt = stmt.where(User.is_disabled.is_(True))
    elif status == "active":
        stmt = stmt.where(User.is_disabled.is_(False))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(User.unit_id.is_(None), User.unit_id, User.username)
                              .offset((max(page, 1) - 1) * per_page).limit(per_page))
    return list(rows), total


def account_events(*, user: User | None = None, unit_ids: set[int] | None = None,
                   limit: int = 100) -> list[AccountEvent]:
    """The latest account events: of one account, or about the given offices and their staff, or all."""
    stmt = sa.select(AccountEvent).order_by(AccountEvent.id.desc()).limit(limit)
    if user is not None:
        stmt = stmt.where(AccountEvent.user_id == user.id)
    if unit_ids is not None:
        staff = sa.select(User.id).where(User.unit_id.in_(unit_ids))
        stmt = stmt.where(sa.or_(AccountEvent.unit_id.in_(unit_ids), AccountEvent.user_id.in_(staff)))
    return list(db.session.scalars(stmt))
