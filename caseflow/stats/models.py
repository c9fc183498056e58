"""Statistics tables: satisfaction ratings, per-case facts and the rollups the pages read (docs/architecture.md,
Statistics).

How the figures stay fast at a million cases
--------------------------------------------
``stats_case_facts`` holds one narrow row per case: the dimensions the pages filter on (office, procedure,
IP type, channel, officer, state) and the case's contribution to every figure (0/1 flags and day counts),
computed from the case, its audit events, its statutory-limit deadlines and its rating by
``caseflow.stats.facts``. ``stats_rollup`` sums those contributions per office, month, procedure and five
grouping sets of the optional dimensions (all, by IP type, by channel, by both, by officer — ``*`` and 0
mean "all"; each set also exists with office 0 = all offices, for the city office), so a page sums at most a
few thousand rows whatever the filters. ``stats_durations`` is
the same cube for the histogram of handling days (medians are exact), ``stats_open_states`` the cube of
cases open now by state.

Every action and every new case marks the case in ``stats_dirty`` in the same transaction (hooks of
``caseflow.cases.services``); the next statistics request (or ``flask caseflow stats-refresh``) recomputes
the facts of the marked cases from the committed data and applies the difference to the rollups. The facts
are read after commit, so effects that run after the hooks (assignment, linked cases) are counted too.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.accounts.models import User
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import Model, UTCDateTime, created_at
from caseflow.deadlines.models import Deadline

ALL = "*"  #: the value of a rolled-up text dimension (IP type, channel) in the rollups
ANY_OFFICER = 0  #: the officer_id of rows that do not split by officer
NO_OFFICER = -1  #: the officer_id of unassigned cases
ALL_UNITS = 0  #: the unit_id of rows that sum every office (the city office's view)
#: Bumped whenever the rollups' layout or meaning changes (benchmark caches are keyed by it).
LAYOUT = 4

#: Measures counted in the month a case was received (收案).
RECEIVED_MEASURES = ("received", "ref_police", "ref_police_transferred", "ref_police_accepted",
                     "ref_police_declined", "ref_agency", "ref_court", "inj_requested", "inj_issued",
                     "inj_breached", "inj_refused")
#: Measures counted in the month a case was docketed (立案; a complaint's 受理).
DOCKETED_MEASURES = ("docketed",)
#: Measures counted in the month a case was closed (结案).
CLOSED_MEASURES = ("closed", "limit_total", "limit_met", "dispute_closed", "dispute_mediated", "med_closed",
                   "med_agreement", "confirm_eligible", "confirmed", "days_sum", "paused_sum", "paused_cases",
                   "rating_n", "rating_sum", "rating_1", "rating_2", "rating_3", "rating_4", "rating_5")
MEASURES_BY_MONTH = {"received_month": RECEIVED_MEASURES, "docketed_month": DOCKETED_MEASURES,
                     "closed_month": CLOSED_MEASURES}
MEASURES = RECEIVED_MEASURES + DOCKETED_MEASURES + CLOSED_MEASURES


class Rating(Model):
    """A rights holder's rating of the handling of a closed case (1–5, optional comment); one per case."""

    __tablename__ = "stats_ratings"
    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True, comment="the rights holder who rated")
    score: Mapped[int] = mapped_column(sa.SmallInteger, comment="1 (very dissatisfied) to 5 (very satisfied)")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    case: Mapped[Case] = relationship()
    user: Mapped[User] = relationship()


def _measure_columns():
    return [sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in MEASURES]


class CaseFact(Model):
    """One case's dimensions and its contribution to every figure, as last applied to the rollups."""

    __tablename__ = "stats_case_facts"
    __table_args__ = (
        # The officer filter combined with IP type or channel is answered from this table.
        sa.Index("ix_stats_case_facts_officer_closed", "officer_id", "closed_month"),
        sa.Index("ix_stats_case_facts_officer_received", "officer_id", "received_month"),
    )

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(comment="office (no foreign key: a denormalised copy of cases.unit_id)")
    procedure: Mapped[str] = mapped_column(sa.String(16))
    ip_type: Mapped[str] = mapped_column(sa.String(32), comment="'' when the case has none")
    channel: Mapped[str] = mapped_column(sa.String(16))
    officer_id: Mapped[int] = mapped_column(comment="assignee's user id, -1 when unassigned")
    state: Mapped[str] = mapped_column(sa.String(32))
    is_open: Mapped[int] = mapped_column(sa.SmallInteger, comment="1 while the state is not terminal")
    received_month: Mapped[int] = mapped_column(comment="YYYYMM of the Beijing date of receipt")
    docketed_month: Mapped[int | None] = mapped_column(comment="YYYYMM of 立案/受理, if any")
    closed_month: Mapped[int | None] = mapped_column(comment="YYYYMM of 结案, if closed")
    net_days: Mapped[int | None] = mapped_column(comment="handling days less paused days, if closed")
    # One integer column per measure (the names in MEASURES), added to the class namespace.
    for _c in _measure_columns():
        locals()[_c.name] = _c
    del _c


class Rollup(Model):
    """Sums of the facts per office, month, procedure and grouping set (see the module docstring)."""

    __tablename__ = "stats_rollup"
    __table_args__ = (
        sa.UniqueConstraint("ip_type", "channel", "unit_id", "officer_id", "month", "procedure",
                            name="uq_stats_rollup_key"),
    )

    ip_type: Mapped[str] = mapped_column(sa.String(32), comment="'*' = all IP types")
    channel: Mapped[str] = mapped_column(sa.String(16), comment="'*' = all channels")
    officer_id: Mapped[int] = mapped_column(comment="0 = all officers, -1 = unassigned")
    unit_id: Mapped[int] = mapped_column(comment="0 = all offices")
    month: Mapped[int] = mapped_column(comment="YYYYMM")
    procedure: Mapped[str] = mapped_column(sa.String(16))
    # One integer column per measure (the names in MEASURES), added to the class namespace.
    for _c in _measure_columns():
        locals()[_c.name] = _c
    del _c


class Duration(Model):
    """How many cases closed in a month took ``net_days`` handling days (for exact medians)."""

    __tablename__ = "stats_durations"
    __table_args__ = (
        sa.UniqueConstraint("ip_type", "channel", "unit_id", "officer_id", "month", "procedure", "net_days",
                            name="uq_stats_durations_key"),
    )

    ip_type: Mapped[str] = mapped_column(sa.String(32))
    channel: Mapped[str] = mapped_column(sa.String(16))
    officer_id: Mapped[int]
    unit_id: Mapped[int]
    month: Mapped[int] = mapped_column(comment="YYYYMM of 结案")
    procedure: Mapped[str] = mapped_column(sa.String(16))
    net_days: Mapped[int] = mapped_column(comment="handling days less paused days")
    n: Mapped[int] = mapped_column(server_default="0")


class OpenState(Model):
    """Cases in a non-terminal state now, per office, procedure, state and grouping set."""

    __tablename__ = "stats_open_states"
    __table_args__ = (
        sa.UniqueConstraint("ip_type", "channel", "unit_id", "officer_id", "procedure", "state",
                            name="uq_stats_open_states_key"),
    )

    ip_type: Mapped[str] = mapped_column(sa.String(32))
    channel: Mapped[str] = mapped_column(sa.String(16))
    officer_id: Mapped[int]
    unit_id: Mapped[int]
    procedure: Mapped[str] = mapped_column(sa.String(16))
    state: Mapped[str] = mapped_column(sa.String(32))
    n: Mapped[int] = mapped_column(server_default="0", comment="cases in the state")
    n_closed: Mapped[int] = mapped_column(server_default="0", comment="of which already closed (结案后跟进)")


class DirtyCase(Model):
    """A case whose facts must be recomputed; written by the hooks in the changing transaction."""

    __tablename__ = "stats_dirty"

    case_id: Mapped[int] = mapped_column(comment="no foreign key: a queue entry may outlive nothing, cheaply")
    marked_at: Mapped[created_at]


#: The statistics' due-soon and overdue lists and counts ask for the *open* rows of a status by due date, and need
#: only who is bound and the case: a covering index, so they never read the (wide) deadline rows. The deadlines
#: domain's (status, due_date) index also walks every ended missed row. Declared here, with the statistics.
_d = Deadline.__table__.c
sa.Index("ix_deadlines_status_ended_at_due_date", _d.status, _d.ended_at, _d.due_date, _d.binds, _d.case_id)
del _d
