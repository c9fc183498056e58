"""Hearing rooms and hearings (口头审理)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.accounts.models import Unit
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import Model, UTCDateTime

MODES = {"in_person": "现场审理", "remote": "远程审理（在线）"}
STATUSES = {"scheduled": "已排期", "postponed": "已延期", "held": "已审理", "cancelled": "已取消"}
#: What a file linked to a hearing is: the 笔录, or its audio or video recording.
EVIDENCE_ROLES = {"record": "口头审理笔录", "audio": "录音", "video": "录像"}


class HearingRoom(Model):
    """One of an office's hearing rooms (审理庭)."""

    __tablename__ = "hearing_rooms"
    __table_args__ = (sa.UniqueConstraint("unit_id", "code", name="uq_hearing_rooms_unit_code"),)

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32), comment="short code used in forms, e.g. T1")
    name: Mapped[str] = mapped_column(sa.String(100))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    is_disabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    unit: Mapped[Unit] = relationship()


class Hearing(Model):
    """One scheduled 口头审理 of a case; a postponement ends the row and schedules a new one."""

    __tablename__ = "hearings"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hearing_rooms.id"), index=True)
    mode: Mapped[str] = mapped_column(sa.String(16), default="in_person", comment="in_person or remote")
    link: Mapped[str | None] = mapped_column(sa.String(300), comment="remote hearing link")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(16), default="scheduled",
                                        comment="scheduled/postponed/held/cancelled")
    panel: Mapped[dict] = mapped_column(default=dict, comment='{"members": [usernames]} at scheduling')
    parties: Mapped[dict] = mapped_column(default=dict, comment='{"keys": [party identity keys]} for conflict checks')
    attendance: Mapped[dict] = mapped_column(default=dict)
    record: Mapped[str | None] = mapped_column(sa.Text,
                                               comment="笔录 summary; the full record and audio/video are evidence")
    postponed_reason: Mapped[str | None] = mapped_column(sa.Text)
    evidence: Mapped[dict | None] = mapped_column(
        comment='{"items": [{"id": evidence id, "role": record|audio|video}]}')
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    room: Mapped[HearingRoom | None] = relationship()

    @property
    def evidence_items(self) -> list[dict]:
        return evidence_items_of(self.evidence)

    @property
    def mode_title(self) -> str:
        return MODES.get(self.mode, self.mode)

    @property
    def status_title(self) -> str:
        return STATUSES.get(self.status, self.status)


def evidence_items_of(evidence: dict | None) -> list[dict]:
    """The files linked to a hearing (its ``evidence`` column): [{"id": evidence id, "role": …}] in linking order."""
    return list((evidence or {}).get("items") or [])


class RespondentAccess(Model):
    """The access code that serving the request gives a respondent party: claiming it links the party to a
    respondent's portal account, for that one case only. The plain code is kept (for the officer to send with the
    答辩通知书) until it is claimed; lookups go by its SHA-256."""

    __tablename__ = "respondent_access_codes"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), unique=True)
    code: Mapped[str | None] = mapped_column(sa.String(16), comment="plain code until claimed, then cleared")
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case: Mapped[Case] = relationship()
