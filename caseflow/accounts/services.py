"""Account services: registration, login with throttling, password changes, the account events record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from caseflow.accounts import sessions, throttle
from caseflow.accounts.models import AccountEvent, AccountTag, EndReason, Role, SignInSession, Unit, User
from caseflow.accounts.passwords import check_new_password
from caseflow.accounts.sessions import Client
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import DomainError, Invalid
from caseflow.core.security import hash_password, verify_password

# Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = hash_password("caseflow-timing-equaliser")
USERNAME_UNAVAILABLE = "该用户名不可用，请换一个"


class Throttled(DomainError):
    status, code = 429, "throttled"

    def __init__(self, message: str, *, retry_after: int = 60):
        super().__init__(message)
        self.retry_after = retry_after


def record_account_event(tag: AccountTag, *, actor: User | None, summary: str, user: User | None = None,
                         unit: Unit | None = None, data: dict | None = None, via: str = "web",
                         address: str | None = None) -> AccountEvent:
    """Append one event to the accounts record (in the caller's transaction)."""
    event = AccountEvent(tag=tag, actor=actor, user=user, unit=unit, summary=summary[:255], data=data or {}, via=via,
                         address=(address or None) and address[:64], occurred_at=clock.now())
    db.session.add(event)
    db.session.flush()
    return event


def display_names(usernames: Iterable[str]) -> dict[str, str]:
    """People's names by username, as pages and documents name them (one query; an unknown username is left out)."""
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    return dict(db.session.execute(sa.select(User.username, User.display_name)
                                   .where(User.username.in_(wanted))).all())


def user_by_username(username: str) -> User | None:
    """The account with this username, compared without regard to case."""
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == (username or "").strip().lower()))


def create_user(*, username: str, password: str, role: Role | str, display_name: str | None = None,
                unit: Unit | None = None, id_type=None, id_number=None, phone=None, email=None,
                check_password: bool = True) -> User:
    """Create an account; staff must belong to a unit; the password must pass the strength rules."""
    role = Role(role)
    username = username.strip()
    if not username or len(username) > 64:
        raise Invalid("用户名不能为空且不超过64个字符", fields={"username": "用户名无效"})
    if check_password:
        check_new_password(password, username=username, display_name=display_name or "")
    if role not in (Role.APPLICANT, Role.RESPONDENT) and unit is None:
        raise Invalid("工作人员账号必须属于一个单位", fields={"unit": "请指定单位"})
    if user_by_username(username) is not None:
        raise Invalid(USERNAME_UNAVAILABLE, fields={"username": USERNAME_UNAVAILABLE})
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                role=role, unit=unit, id_type=id_type, id_number=id_number, phone=phone, email=email)
    db.session.add(user)
    db.session.flush()
    return user


# ---- login: a read-only check (the slow Argon2 verification), then a short write ----


@dataclass(frozen=True)
class LoginCheck:
    """The outcome of checking a username and password, before anything is written."""

    username: str  # lower-cased, as throttling counts it
    user_id: int | None  # the account, when the password was right
    password_hash: str | None  # the hash that was verified (a change meanwhile voids the check)


def _refuse_if_waiting(username: str, client: Client) -> None:
    wait = throttle.login_wait(username, address=client.address, device=client.device_for(username))
    if wait:
        raise Throttled(f"登录失败次数过多，请 {throttle.describe(wait.seconds)}后再试", retry_after=wait.seconds)


def check_login(username: str, password: str, *, client: Client) -> LoginCheck:
    """Check credentials without writing (raise Throttled while this username must wait)."""
    username = (username or "").strip()[:64]
    _refuse_if_waiting(username, client)
    user = user_by_username(username)
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not ok or user.is_disabled:
        return LoginCheck(username.lower(), None, None)
    return LoginCheck(username.lower(), user.id, user.password_hash)


def record_login(check: LoginCheck, *, client: Client) -> User | None:
    """Write the attempt; return the user when the check succeeded and the account is unchanged since."""
    # Read again (the identity map may hold the row as it was): a password changed or an account disabled since
    # the check voids it.
    user = db.session.get(User, check.user_id, populate_existing=True) if check.user_id is not None else None
    if user is not None and (user.is_disabled or user.password_hash != check.password_hash):
        user = None
    throttle.record_login_attempt(check.username, address=client.address, device=client.device_for(check.username),
                                  succeeded=user is not None)
    return user


# ---- passwords ----


@dataclass(frozen=True)
class PasswordCheck:
    """A checked password change: the old hash it was checked against and the new hash (made outside the lock)."""

    user_id: int
    old_hash: str
    new_hash: str | None  # None: the current password was wrong


def check_password_change(user: User, current: str, new: str, *, client: Client) -> PasswordCheck:
    """Verify the current password and hash the new one, without writing (both take Argon2's time); the current
    password is throttled like a login (a borrowed session must not become a way to guess it)."""
    check_new_password(new, username=user.username, display_name=user.display_name, field="new_password")
    _refuse_if_waiting(user.username, client)
    if not verify_password(user.password_hash, current or ""):
        return PasswordCheck(user.id, user.password_hash, None)
    if verify_password(user.password_hash, new):
        raise Invalid("新密码不能与当前密码相同", fields={"new_password": "新密码不能与当前密码相同"})
    return PasswordCheck(user.id, user.password_hash, hash_password(new))


@dataclass(frozen=True)
class PasswordChanged:
    user: User
    session: SignInSession | None  # the session the change was made in, under a new secret
    secret: str | None


def change_password(check: PasswordCheck, *, current: SignInSession | None, client: Client,
                    via: str = "web") -> PasswordChanged | None:
    """Set the new password and end every session and token of the user; None when the current password was wrong
    (the failure is recorded and counts towards the login throttle).

    The session the change was made in goes on under a new secret; the others, and every API token, stop working at
    once.
    """
    user = db.session.get(User, check.user_id, populate_existing=True, with_for_update=True)
    if user is None or user.is_disabled:
        raise Invalid("账号不可用")
    if check.new_hash is None:
        throttle.record_login_attempt(user.username, address=client.address, device=client.device_for(user.username),
                                      succeeded=False)
        return None
    if user.password_hash != check.old_hash:
        raise Invalid("密码刚刚已被修改，请重新输入", fields={"current_password": "请重新输入当前密码"})
    user.password_hash, user.password_must_change = check.new_hash, False
    ended = sessions.end_all(user, EndReason.PASSWORD_CHANGED)
    record_account_event(AccountTag.PASSWORD_CHANGE, actor=user, user=user, summary=f"{user.username} 修改了密码",
                         data={"ended": ended}, via=via, address=client.address)
    if current is None:
        return PasswordChanged(user, None, None)
    row, secret = sessions.start_session(user, client)
    return PasswordChanged(user, row, secret)


# ---- offices ----


def units_ordered() -> list[Unit]:
    """Offices, the city office first, then by code."""
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.parent_id.is_not(None), Unit.code)))


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))
