"""Offices (units), users, sign-in sessions, API tokens, login attempts and account events."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.core.db import Model, UTCDateTime, bool_false, created_at, str_enum
from caseflow.core.enums import TitledStrEnum


class Role(TitledStrEnum):
    APPLICANT = "applicant", "权利人/申请人"
    RESPONDENT = "respondent", "被请求人"
    OFFICER = "officer", "执法人员"
    MEDIATOR = "mediator", "调解员"
    SUPERVISOR = "supervisor", "负责人"
    ADMIN = "admin", "系统管理员"


STAFF_ROLES = frozenset({Role.OFFICER, Role.MEDIATOR, Role.SUPERVISOR, Role.ADMIN})


class IdType(TitledStrEnum):
    USCC = "uscc", "统一社会信用代码"
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    OTHER = "other", "其他证件"


class Unit(Model):
    """An IP office, identified by its GB/T 2260 administrative-division code."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(sa.String(6), unique=True, comment="GB/T 2260 division code, e.g. 500103")
    name: Mapped[str] = mapped_column(sa.String(120))
    area: Mapped[str] = mapped_column(sa.String(40), comment="district or county name, e.g. 渝中区")
    prefix: Mapped[str] = mapped_column(sa.String(16),
                                        comment="case-number prefix set by the administrator, e.g. 渝中知")
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    users: Mapped[list[User]] = relationship(back_populates="unit")


class User(UserMixin, Model):
    """An account: a member of the public (applicant, respondent) or staff of one office."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    id_type: Mapped[IdType | None] = mapped_column(str_enum(IdType, 16))
    id_number: Mapped[str | None] = mapped_column(sa.String(32), comment="ID or credit code, validated on registration")
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    email: Mapped[str | None] = mapped_column(sa.String(255))
    is_disabled: Mapped[bool_false]
    password_must_change: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false(), nullable=False,
        comment="set by an administrator's reset: every page leads to the password change until it is done")
    created_at: Mapped[created_at]

    unit: Mapped[Unit | None] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:  # flask-login
        return not self.is_disabled

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class EndReason(TitledStrEnum):
    """Why a sign-in session or an API token stopped working before it expired."""

    LOGOUT = "logout", "已退出登录"
    ENDED_BY_USER = "ended_by_user", "由本人结束"
    ENDED_BY_ADMIN = "ended_by_admin", "由管理员结束"
    PASSWORD_CHANGED = "password_changed", "密码已修改"
    PASSWORD_RESET = "password_reset", "管理员重置了密码"
    DISABLED = "disabled", "账号已停用"
    ROLE_CHANGED = "role_changed", "角色已变更"
    UNIT_CHANGED = "unit_changed", "所属单位已变更"


class SignInSession(Model):
    """A browser's signed-in session: the signed cookie carries only its random secret (stored here as SHA-256), so
    every worker checks it against this row on every request and ending the row ends the session everywhere."""

    __tablename__ = "sign_in_sessions"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, comment="SHA-256 of the cookie's secret")
    created_at: Mapped[created_at]
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), comment="updated at most once a minute")
    address: Mapped[str] = mapped_column(sa.String(64), comment="client address at sign-in")
    user_agent: Mapped[str] = mapped_column(sa.String(255))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[EndReason | None] = mapped_column(str_enum(EndReason, 32))

    user: Mapped[User] = relationship()


class ApiToken(Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="updated at most once a minute")
    address: Mapped[str | None] = mapped_column(sa.String(64), comment="client address that obtained the token")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="revoked at")
    end_reason: Mapped[EndReason | None] = mapped_column(str_enum(EndReason, 32))

    user: Mapped[User] = relationship()


class LoginAttempt(Model):
    """One login attempt (page, API or the current-password check of a password change): throttling counts the
    failures of a username since its last success (see caseflow/accounts/throttle.py)."""

    __tablename__ = "login_attempts"
    __table_args__ = (sa.Index("ix_login_attempts_username_at", "username", "attempted_at"),
                      sa.Index("ix_login_attempts_address_at", "address", "attempted_at"))

    username: Mapped[str] = mapped_column(sa.String(64))  # lower-cased, as typed (the account may not exist)
    address: Mapped[str] = mapped_column(sa.String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    succeeded: Mapped[bool_false]
    device: Mapped[str | None] = mapped_column(
        sa.String(32), comment="the browser's device id when it had signed in to this username before")


class RegistrationAttempt(Model):
    """A registration that created an account or found the name taken: at most so many per address and hour."""

    __tablename__ = "registration_attempts"
    __table_args__ = (sa.Index("ix_registration_attempts_address_at", "address", "attempted_at"),)

    address: Mapped[str] = mapped_column(sa.String(64))
    username: Mapped[str] = mapped_column(sa.String(64))
    created: Mapped[bool] = mapped_column(comment="false: the name was taken")
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AccountTag(TitledStrEnum):
    """What an account event records (Warehouse-style tags: realm:object:verb)."""

    CREATE = "account:create", "开设账号"
    DISABLE = "account:disable", "停用账号"
    ENABLE = "account:enable", "启用账号"
    PASSWORD_CHANGE = "account:password:change", "修改密码"
    PASSWORD_RESET = "account:password:reset", "重置密码"
    ROLE = "account:role", "变更角色"
    UNIT = "account:unit", "变更所属单位"
    SESSIONS_END = "account:sessions:end", "结束登录会话"
    OFFICE_EDIT = "office:edit", "修改单位信息"


class AccountEvent(Model):
    """Append-only record of changes to accounts and offices: who did what to whom, when and from where."""

    __tablename__ = "account_events"

    occurred_at: Mapped[created_at]
    tag: Mapped[AccountTag] = mapped_column(str_enum(AccountTag, 32))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True,
                                                 comment="null: a command run on the server")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True, comment="the account changed")
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True, comment="the office changed")
    summary: Mapped[str] = mapped_column(sa.String(255))
    data: Mapped[dict] = mapped_column(default=dict, comment='what changed: {"field": [old, new]}')
    via: Mapped[str] = mapped_column(sa.String(16), comment="web, api, cli, register or access_code")
    address: Mapped[str | None] = mapped_column(sa.String(64))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    unit: Mapped[Unit | None] = relationship()

