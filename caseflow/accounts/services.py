"""Account services: registration, login with throttling, API tokens, staff accounts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from caseflow.accounts.models import ApiToken, LoginAttempt, Role, Unit, User
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import DomainError, Invalid
from caseflow.core.security import hash_password, new_token, token_digest, verify_password

# Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = hash_password("caseflow-timing-equaliser")


class Throttled(DomainError):
    status, code = 429, "throttled"


def create_user(*, username: str, password: str, role: Role | str, display_name: str | None = None,
                unit: Unit | None = None, id_type=None, id_number=None, phone=None, email=None) -> User:
    """Create an account; staff must belong to a unit."""
    role = Role(role)
    username = username.strip()
    if not username or len(username) > 64:
        raise Invalid("用户名不能为空且不超过64个字符", fields={"username": "用户名无效"})
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower())):
        raise Invalid("该用户名已被使用", fields={"username": "该用户名已被使用"})
    if len(password) < 8:
        raise Invalid("密码至少8位", fields={"password": "密码至少8位"})
    if role not in (Role.APPLICANT, Role.RESPONDENT) and unit is None:
        raise Invalid("工作人员账号必须属于一个单位", fields={"unit": "请指定单位"})
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                role=role, unit=unit, id_type=id_type, id_number=id_number, phone=phone, email=email)
    db.session.add(user)
    db.session.flush()
    return user


def _recent_failures(username: str, address: str) -> int:
    since = clock.now() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt).where(
            LoginAttempt.attempted_at >= since,
            sa.or_(LoginAttempt.username == username.lower(), LoginAttempt.address == address),
        )
    ) or 0


def authenticate(username: str, password: str, *, address: str) -> User | None:
    """Return the user for valid credentials; record failures and refuse after too many."""
    username = (username or "").strip()[:64]
    if _recent_failures(username, address) >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise Throttled("登录失败次数过多，请15分钟后再试")
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower()))
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not ok or user.is_disabled:
        db.session.add(LoginAttempt(username=username.lower(), address=address[:64], attempted_at=clock.now()))
        db.session.flush()
        return None
    return user


class IssuedToken(NamedTuple):
    token: str
    expires_at: datetime


def issue_token(user: User) -> IssuedToken:
    """Create an API token for the user; return it with its expiry (only its hash is stored)."""
    token, digest = new_token()
    expires_at = clock.now() + timedelta(hours=current_app.config["API_TOKEN_HOURS"])
    db.session.add(ApiToken(user=user, token_hash=digest, expires_at=expires_at))
    db.session.flush()
    return IssuedToken(token, expires_at)


def user_for_token(token: str) -> User | None:
    """Resolve a bearer token to its active user."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or row.expires_at < clock.now() or row.user.is_disabled:
        return None
    return row.user


def units_ordered() -> list[Unit]:
    """Offices, the city office first, then by code."""
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.parent_id.is_not(None), Unit.code)))


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))
