"""Cases, parties, the hash-chained audit log, the staff access log and number sequences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.accounts.models import IdType, Unit, User
from caseflow.core import clock
from caseflow.core.db import Model, UTCDateTime, bool_false, created_at, str_enum
from caseflow.core.enums import TitledStrEnum


class PartyRole(TitledStrEnum):
    CLAIMANT = "claimant", "请求人/投诉人"
    RESPONDENT = "respondent", "被请求人/被投诉人"
    AGENT = "agent", "代理人"


class Case(Model):
    """One matter handled under one procedure; its state belongs to the workflow engine alone."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.UniqueConstraint("unit_id", "procedure", "year", "seq", name="uq_cases_number_parts"),
        sa.Index("ix_cases_unit_state", "unit_id", "state"),
        sa.Index("ix_cases_procedure_state", "procedure", "state"),
        # Queues list an office's cases newest first and count them: both read this index alone.
        sa.Index("ix_cases_unit_received", "unit_id", "is_deleted", "received_at", "id"),
    )

    procedure: Mapped[str] = mapped_column(sa.String(16), comment="procedure code from workflows/, e.g. complaint")
    number: Mapped[str] = mapped_column(sa.String(64), unique=True, comment="e.g. 渝中知投〔2026〕12号")
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(comment="Beijing year of receipt, part of the number")
    seq: Mapped[int] = mapped_column(comment="gapless sequence per unit, procedure and year")
    state: Mapped[str] = mapped_column(sa.String(32), comment="validated against the procedure declaration")
    version: Mapped[int] = mapped_column(default=1, comment="optimistic lock counter, bumped by workflow actions only")
    kind: Mapped[str | None] = mapped_column(sa.String(32), comment="complaint kind, e.g. patent_infringement")
    ip_type: Mapped[str | None] = mapped_column(sa.String(32))
    right_number: Mapped[str | None] = mapped_column(sa.String(64), comment="patent/trademark/registration number")
    title: Mapped[str] = mapped_column(sa.String(200))
    facts: Mapped[str] = mapped_column(sa.Text, default="")
    claims: Mapped[str] = mapped_column(sa.Text, default="", comment="requests made to the office (请求事项)")
    asserted_claims: Mapped[str | None] = mapped_column(sa.String(200), comment="patent claims relied on (权利要求)")
    channel: Mapped[str] = mapped_column(sa.String(16), default="online")
    track: Mapped[str] = mapped_column(sa.String(16), default="standard", server_default="standard")
    data: Mapped[dict] = mapped_column(default=dict, comment="procedure-specific fields")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True,
                                                  comment="the case this one came from")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), comment="结案 time, set by a closing action")
    closing_action: Mapped[str | None] = mapped_column(sa.String(32))
    audit_head: Mapped[str] = mapped_column(sa.String(64), default="", comment="hash of the last audit event")
    audit_count: Mapped[int] = mapped_column(default=0, comment="number of audit events, to detect a removed last one")
    is_deleted: Mapped[bool_false]
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    parent: Mapped[Case | None] = relationship(remote_side="Case.id", back_populates="children")
    children: Mapped[list[Case]] = relationship(back_populates="parent", order_by="Case.id")
    parties: Mapped[list[Party]] = relationship(back_populates="case", order_by="Party.id",
                                                cascade="all, delete-orphan")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.seq")

    # The version is bumped by the workflow (services.touch), not by every UPDATE: custody events and
    # deadline recomputations append to the audit chain without making an officer's open form stale.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012 - SQLAlchemy types it per instance

    def remember(self, **values) -> None:
        """Keep ``values`` in the procedure data for later guards, pages and documents: always a new dict, as
        SQLAlchemy does not see a JSON value changed in place."""
        self.data = {**(self.data or {}), **values}

    def remember_entry(self, key: str, entry: Any, **values) -> None:
        """Append ``entry`` to the history kept under ``key`` (checks, filings, recusals …), with ``values`` in the
        same write."""
        self.remember(**{key: [*((self.data or {}).get(key) or []), entry]}, **values)


class Party(Model):
    """A person or organisation taking part in a case; party roles belong to the case, not the account."""

    __tablename__ = "parties"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    role: Mapped[PartyRole] = mapped_column(str_enum(PartyRole, 16))
    name: Mapped[str] = mapped_column(sa.String(200))
    id_type: Mapped[IdType | None] = mapped_column(str_enum(IdType, 16))
    id_number: Mapped[str | None] = mapped_column(sa.String(32))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True,
                                                comment="portal account acting as this party")

    case: Mapped[Case] = relationship(back_populates="parties")
    user: Mapped[User | None] = relationship()


class CaseEvent(Model):
    """An append-only audit event, hash-chained per case (nothing updates or deletes these rows)."""

    __tablename__ = "case_events"
    __table_args__ = (sa.UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),)

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(comment="1-based position in the case's chain")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    tag: Mapped[str] = mapped_column(sa.String(64), comment="taxonomy, e.g. case:state:accept")
    action: Mapped[str | None] = mapped_column(sa.String(32))
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    summary: Mapped[str] = mapped_column(sa.String(300))
    data: Mapped[dict] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class AccessLog(Model):
    """A staff member's view of a case (个人信息保护法); not chained, kept apart from the audit log."""

    __tablename__ = "access_logs"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    accessed_at: Mapped[created_at]
    what: Mapped[str] = mapped_column(sa.String(64))


class NumberSequence(Model):
    """The last number issued per scope (case type word or document type), office and year."""

    __tablename__ = "number_sequences"
    __table_args__ = (sa.UniqueConstraint("scope", "unit_id", "year", name="uq_number_sequences_scope_unit_year"),)

    scope: Mapped[str] = mapped_column(sa.String(32))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    year: Mapped[int]
    last_value: Mapped[int] = mapped_column(default=0)
