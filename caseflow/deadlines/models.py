"""Deadline rows per case, their reminders, and the administrator-maintained holiday table (docs/deadlines.md)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.accounts.models import User
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import Model, UTCDateTime, bool_false, created_at, str_enum
from caseflow.core.enums import TitledStrEnum

# Lists of small dicts (pause intervals, extensions, recipients); JSONB on PostgreSQL like the other JSON columns.
JSON_LIST = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class DayKind(TitledStrEnum):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class DeadlineStatus(TitledStrEnum):
    RUNNING = "running", "计时中"
    PAUSED = "paused", "已暂停"
    MET = "met", "已按期完成"
    MISSED = "missed", "已超期"
    CANCELLED = "cancelled", "已取消"


#: Statuses whose clock may still matter (recomputed when the calendar changes, shown as live).
LIVE_STATUSES = (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED, DeadlineStatus.MISSED)


class ReminderThreshold(TitledStrEnum):
    DUE_SOON = "due_soon", "即将到期"
    MISSED = "missed", "已超期"


class CalendarYear(Model):
    """A year of the override table; only published years change the official calendar."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(unique=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), comment="None while the administrator is still entering the year (draft)")
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(sa.String(200), default="", comment="e.g. the notice or the imported file")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    published_by: Mapped[User | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CalendarDay(Model):
    """One holiday or make-up workday (调休) of a year the chinesecalendar package does not cover (yet)."""

    __tablename__ = "calendar_days"

    date: Mapped[dt.date] = mapped_column(sa.Date, unique=True)
    kind: Mapped[DayKind] = mapped_column(str_enum(DayKind, 16))
    name: Mapped[str] = mapped_column(sa.String(40), default="", comment="holiday name, e.g. 国庆节")
    source: Mapped[str] = mapped_column(sa.String(200), default="", comment="imported file name, or 管理员录入")
    imported_at: Mapped[created_at]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class Deadline(Model):
    """One statutory period of a case: how it was triggered, computed, paused, extended and ended."""

    __tablename__ = "deadlines"
    __table_args__ = (
        # Queues, reminders and the overdue filter ask "which live deadlines fall due by D".
        sa.Index("ix_deadlines_status_due_date", "status", "due_date"),
        sa.Index("ix_deadlines_case_status", "case_id", "status"),
    )

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    rule_id: Mapped[str] = mapped_column(sa.String(64), comment="canonical rule id, e.g. ADJ_CASE_LIMIT")
    label: Mapped[str] = mapped_column(sa.String(200))
    basis: Mapped[str] = mapped_column(sa.Text, comment="legal basis (citation text) of the rule version applied")
    binds: Mapped[str] = mapped_column(sa.String(16), comment="office, party or external")
    amount: Mapped[int]
    unit: Mapped[str] = mapped_column(sa.String(16), comment="working_days, days, months, years or hours")
    backward: Mapped[bool_false]
    trigger_event: Mapped[str] = mapped_column(sa.String(64), comment="rule trigger, e.g. docketed")
    trigger_label: Mapped[str] = mapped_column(sa.String(200), comment="how the explanation names the start day")
    trigger_date: Mapped[dt.date] = mapped_column(sa.Date, comment="Beijing date of the trigger")
    trigger_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), comment="exact trigger time (hours rules)")
    trigger_estimated: Mapped[bool_false] = mapped_column(
        comment="started from the action date because the delivery (送达) date is not recorded yet")
    started_by: Mapped[str] = mapped_column(sa.String(32), comment="action name, create or delivery")
    due_date: Mapped[dt.date] = mapped_column(sa.Date, comment="Beijing due date (the date of due_at for hours)")
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), comment="exact due time (hours rules)")
    status: Mapped[DeadlineStatus] = mapped_column(str_enum(DeadlineStatus, 16), default=DeadlineStatus.RUNNING)
    provisional: Mapped[bool_false] = mapped_column(comment="a year consulted has no published holiday schedule")
    pauses: Mapped[list] = mapped_column(JSON_LIST, default=list,
                                         comment='[{"from": date, "to": date|null, "reason": text}]')
    paused_days: Mapped[int] = mapped_column(default=0, comment="natural days of closed pause intervals")
    extensions: Mapped[list] = mapped_column(JSON_LIST, default=list,
                                             comment='approved: [{"amount", "unit", "approver", "on", "by"}]')
    explanation: Mapped[str] = mapped_column(sa.Text, comment="plain Chinese account of the computation")
    calendar_version: Mapped[str] = mapped_column(sa.String(200), default="", comment="calendar sources consulted")
    provisional_confirmed_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), comment="when a staff member confirmed the provisional due date")
    provisional_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    met_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), comment="when the required act was done")
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), comment="when tracking ended")
    ended_by: Mapped[str | None] = mapped_column(sa.String(32), comment="action name, or close/restart")
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    case: Mapped[Case] = relationship()
    provisional_confirmed_by: Mapped[User | None] = relationship()
    reminders: Mapped[list[DeadlineReminder]] = relationship(back_populates="deadline",
                                                             order_by="DeadlineReminder.id")

    @property
    def awaits_calendar(self) -> bool:
        return awaits_calendar(self)

    @property
    def is_open(self) -> bool:
        """Still tracked: running, paused, or missed with the act not yet done."""
        return self.ended_at is None and self.status in LIVE_STATUSES


def awaits_calendar(d) -> bool:
    """A party's (or waiting) period whose provisional due date nobody confirmed: not to be treated as run out
    until the year's holiday schedule is published or a staff member confirms the date (``d``: a Deadline, or a row
    of its columns provisional, binds and provisional_confirmed_at)."""
    return bool(d.provisional) and d.binds in ("party", "wait") and d.provisional_confirmed_at is None


class DeadlineReminder(Model):
    """A reminder sent for a deadline; one per deadline and threshold, so `remind` never repeats itself."""

    __tablename__ = "deadline_reminders"
    __table_args__ = (
        sa.UniqueConstraint("deadline_id", "threshold", name="uq_deadline_reminders_deadline_threshold"),
    )

    deadline_id: Mapped[int] = mapped_column(sa.ForeignKey("deadlines.id"))
    threshold: Mapped[ReminderThreshold] = mapped_column(str_enum(ReminderThreshold, 16))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)
    recipients: Mapped[list] = mapped_column(JSON_LIST, default=list, comment="usernames notified")
    channel: Mapped[str] = mapped_column(sa.String(16), comment="email or log")

    deadline: Mapped[Deadline] = relationship(back_populates="reminders")
