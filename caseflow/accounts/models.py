"""Offices (units), users, API tokens and login attempts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.core.db import Model, UTCDateTime, bool_false, created_at, str_enum
from caseflow.core.enums import TitledStrEnum


class Role(TitledStrEnum):
    APPLICANT = "applicant"
    RESPONDENT = "respondent"
    OFFICER = "officer"
    MEDIATOR = "mediator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    __titles__: ClassVar[Mapping[str, str]] = {
        "applicant": "权利人/申请人",
        "respondent": "被请求人",
        "officer": "执法人员",
        "mediator": "调解员",
        "supervisor": "负责人",
        "admin": "系统管理员",
    }


STAFF_ROLES = frozenset({Role.OFFICER, Role.MEDIATOR, Role.SUPERVISOR, Role.ADMIN})
PUBLIC_ROLES = frozenset({Role.APPLICANT, Role.RESPONDENT})


class IdType(TitledStrEnum):
    USCC = "uscc"
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    OTHER = "other"

    __titles__: ClassVar[Mapping[str, str]] = {"uscc": "统一社会信用代码", "resident_id": "居民身份证",
                                               "passport": "护照", "other": "其他证件"}


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
    created_at: Mapped[created_at]

    unit: Mapped[Unit | None] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:  # flask-login
        return not self.is_disabled

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class ApiToken(Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class LoginAttempt(Model):
    """A failed login, kept to throttle guessing per username and per address."""

    __tablename__ = "login_attempts"
    __table_args__ = (sa.Index("ix_login_attempts_username_at", "username", "attempted_at"),)

    username: Mapped[str] = mapped_column(sa.String(64))
    address: Mapped[str] = mapped_column(sa.String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
