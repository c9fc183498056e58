"""Read side of the statistics: sums over the rollups, medians from the histogram, live deadline lists.

Which table answers: the rollups hold five grouping sets (all, by IP type, by channel, by both, by officer),
so every combination of filters is an exact-key lookup over at most (offices × months × procedures) rows —
except the officer filter combined with IP type or channel, which reads ``stats_case_facts`` through its
officer index (one officer's cases). Due-soon and overdue lists depend on today and read the deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from caseflow.accounts.models import STAFF_ROLES, User
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines import lifecycle, reading
from caseflow.deadlines.models import Deadline, DeadlineStatus
from caseflow.stats.models import (
    ALL,
    ALL_UNITS,
    ANY_OFFICER,
    MEASURES,
    MEASURES_BY_MONTH,
    NO_OFFICER,
    CaseFact,
    Duration,
    OpenState,
    Rollup,
)

FACTS = CaseFact.__table__
ROLLUP = Rollup.__table__
DURATIONS = Duration.__table__
OPEN_STATES = OpenState.__table__


@dataclass(frozen=True)
class Filters:
    """The filters of a statistics request, already checked against the viewer's scope."""

    start: int  # YYYYMM, inclusive
    end: int  # YYYYMM, inclusive
    unit_ids: tuple[int, ...]
    procedure: str | None = None
    ip_type: str | None = None
    channel: str | None = None
    officer_id: int | None = None
    #: The scope is every office (the city office, no office filter): read the all-offices rows (office 0).
    all_units: bool = False
    labels: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def from_facts(self) -> bool:
        """The one combination no grouping set holds: an officer together with IP type or channel."""
        return self.officer_id is not None and (self.ip_type is not None or self.channel is not None)


def months_between(start: int, end: int) -> list[int]:
    """Every YYYYMM from start to end inclusive."""
    out, y, m = [], start // 100, start % 100
    while y * 100 + m <= end:
        out.append(y * 100 + m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_label(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def ratio(num: int, den: int) -> float | None:
    """num ÷ den, or None when there is nothing to divide by."""
    return num / den if den else None


# ---------------------------------------------------------------------------
# Sums of the measures
# ---------------------------------------------------------------------------


def _cube_conds(f: Filters, table, *, by_officer: bool = False) -> list:
    conds = [table.c.ip_type == (f.ip_type or ALL), table.c.channel == (f.channel or ALL),
             table.c.unit_id == ALL_UNITS if f.all_units else table.c.unit_id.in_(f.unit_ids)]
    if by_officer:
        # An IN list (the scope's officers and "unassigned") lets the index seek each officer's month range.
        ids = [f.officer_id] if f.officer_id is not None else [NO_OFFICER, *staff_ids()]
        conds.append(table.c.officer_id.in_(ids))
    else:
        conds.append(table.c.officer_id == (f.officer_id if f.officer_id is not None else ANY_OFFICER))
    if f.procedure:
        conds.append(table.c.procedure == f.procedure)
    return conds


def plan_for_values() -> None:
    """On PostgreSQL, plan every statistics query of this transaction for its own values.

    The driver prepares a statement after a few executions, and PostgreSQL may then switch to one generic plan for
    all values. The rollup's rows are skewed (a month range of one office against all years of the city), and a
    generic plan of the workload page took 570 ms at a million cases where its own plan takes 40 ms.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))


def staff_ids() -> list[int]:
    """Ids of every staff account (any office: an assignee may have moved office since)."""
    return list(db.session.scalars(sa.select(User.id).where(User.role.in_(STAFF_ROLES)).order_by(User.id)))


def _fact_conds(f: Filters) -> list:
    conds = [] if f.all_units else [FACTS.c.unit_id.in_(f.unit_ids)]
    for name in ("procedure", "ip_type", "channel", "officer_id"):
        value = getattr(f, name)
        if value is not None:
            conds.append(FACTS.c[name] == value)
    return conds


def aggregate(f: Filters, by: str | None = "month", measures: tuple[str, ...] = MEASURES) -> dict:
    """Sum the measures (every one unless named) over the period, grouped by ``month``, ``procedure``,
    ``officer_id`` or nothing (None).

    Returns {group value: Counter(measure → sum)} ({None: …} when not grouped).
    """
    out: dict = {}
    if not f.unit_ids:
        return out
    by_officer = by == "officer_id"
    if f.from_facts or (by_officer and (f.ip_type is not None or f.channel is not None)):
        return _aggregate_facts(f, by, measures)
    group = [ROLLUP.c[by]] if by else []
    # Each summed column costs per row: over all years a city's rows per officer number in the tens of thousands.
    stmt = (sa.select(*group, *[sa.func.sum(ROLLUP.c[m]) for m in measures])
            .where(*_cube_conds(f, ROLLUP, by_officer=by_officer), ROLLUP.c.month.between(f.start, f.end)))
    if group:
        stmt = stmt.group_by(*group)
    for row in db.session.execute(stmt):
        key = row[0] if by else None
        values = row[1:] if by else row
        out[key] = Counter({m: int(v or 0) for m, v in zip(measures, values, strict=True)})
    return out


def _aggregate_facts(f: Filters, by: str | None, wanted: tuple[str, ...]) -> dict:
    out: dict = {}
    for month_field, of_month in MEASURES_BY_MONTH.items():
        measures = [m for m in of_month if m in wanted]
        if not measures:
            continue
        col = FACTS.c[month_field]
        group = [col if by == "month" else FACTS.c[by]] if by else []
        stmt = (sa.select(*group, *[sa.func.sum(FACTS.c[m]) for m in measures])
                .where(*_fact_conds(f), col.between(f.start, f.end)))
        if group:
            stmt = stmt.group_by(*group)
        for row in db.session.execute(stmt):
            key = row[0] if by else None
            values = row[1:] if by else row
            c = out.setdefault(key, Counter())
            for m, v in zip(measures, values, strict=True):
                c[m] += int(v or 0)
    return out


def totals(f: Filters) -> Counter:
    """Every measure summed over the period."""
    return aggregate(f, None).get(None, Counter())


def before(f: Filters) -> Filters:
    """The same filters over every month before the period (for 旧存, the disputes carried into it)."""
    import dataclasses

    y, m = divmod(f.start, 100)
    return dataclasses.replace(f, start=0, end=(y - 1) * 100 + 12 if m == 1 else f.start - 1)


def carried_over(sums: Counter) -> int:
    """旧存 from the sums of every month before the period: each dispute is received once and closed once."""
    return sums.get("received", 0) - sums.get("closed", 0)


def duration_histogram(f: Filters) -> list[tuple[int, int]]:
    """[(net handling days, cases)] of the cases closed in the period, sorted by days."""
    if not f.unit_ids:
        return []
    if f.from_facts:
        stmt = (sa.select(FACTS.c.net_days, sa.func.count())
                .where(*_fact_conds(f), FACTS.c.closed_month.between(f.start, f.end), FACTS.c.net_days.is_not(None))
                .group_by(FACTS.c.net_days))
    else:
        stmt = (sa.select(DURATIONS.c.net_days, sa.func.sum(DURATIONS.c.n))
                .where(*_cube_conds(f, DURATIONS), DURATIONS.c.month.between(f.start, f.end))
                .group_by(DURATIONS.c.net_days))
    return sorted((int(d), int(n)) for d, n in db.session.execute(stmt) if n)


def duration_histograms(f: Filters) -> dict[str, list[tuple[int, int]]]:
    """{procedure: [(net handling days, cases)]} of the cases closed in the period, in one query."""
    if not f.unit_ids:
        return {}
    if f.from_facts:
        stmt = (sa.select(FACTS.c.procedure, FACTS.c.net_days, sa.func.count())
                .where(*_fact_conds(f), FACTS.c.closed_month.between(f.start, f.end), FACTS.c.net_days.is_not(None))
                .group_by(FACTS.c.procedure, FACTS.c.net_days))
    else:
        stmt = (sa.select(DURATIONS.c.procedure, DURATIONS.c.net_days, sa.func.sum(DURATIONS.c.n))
                .where(*_cube_conds(f, DURATIONS), DURATIONS.c.month.between(f.start, f.end))
                .group_by(DURATIONS.c.procedure, DURATIONS.c.net_days))
    out: dict[str, list[tuple[int, int]]] = {}
    for p, d, n in db.session.execute(stmt):
        if n:
            out.setdefault(p, []).append((int(d), int(n)))
    return {p: sorted(h) for p, h in out.items()}


def merge_histograms(histograms) -> list[tuple[int, int]]:
    """Add histograms given as [(value, count)] into one, sorted by value."""
    total: Counter = Counter()
    for h in histograms:
        for d, n in h:
            total[d] += n
    return sorted(total.items())


def median(histogram: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, count), sorted by value; the mean of the middle two when even."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    lo_rank, hi_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle value(s)
    lo: int | None = None
    hi: int | None = None
    seen = 0
    for value, n in histogram:
        if lo is None and seen + n > lo_rank:
            lo = value
        if seen + n > hi_rank:
            hi = value
            break
        seen += n
    assert lo is not None and hi is not None  # both ranks lie below `total`
    return (lo + hi) / 2


def open_states(f: Filters) -> list[tuple[str, str, int, int]]:
    """[(procedure, state, cases, of which closed)] of the cases in a non-terminal state now."""
    if not f.unit_ids:
        return []
    if f.from_facts:
        closed = sa.func.sum(sa.case((FACTS.c.closed_month.is_not(None), 1), else_=0))
        stmt = (sa.select(FACTS.c.procedure, FACTS.c.state, sa.func.count(), closed)
                .where(*_fact_conds(f), FACTS.c.is_open == 1).group_by(FACTS.c.procedure, FACTS.c.state))
    else:
        stmt = (sa.select(OPEN_STATES.c.procedure, OPEN_STATES.c.state, sa.func.sum(OPEN_STATES.c.n),
                          sa.func.sum(OPEN_STATES.c.n_closed))
                .where(*_cube_conds(f, OPEN_STATES)).group_by(OPEN_STATES.c.procedure, OPEN_STATES.c.state))
    return [(p, s, int(n), int(c or 0)) for p, s, n, c in db.session.execute(stmt) if n]


def open_by_officer(f: Filters) -> dict[int, tuple[int, int]]:
    """{officer id: (cases open now, of which closed)} (-1 = unassigned)."""
    if not f.unit_ids:
        return {}
    if f.ip_type is not None or f.channel is not None:
        closed = sa.func.sum(sa.case((FACTS.c.closed_month.is_not(None), 1), else_=0))
        stmt = (sa.select(FACTS.c.officer_id, sa.func.count(), closed)
                .where(*_fact_conds(f), FACTS.c.is_open == 1).group_by(FACTS.c.officer_id))
    else:
        stmt = (sa.select(OPEN_STATES.c.officer_id, sa.func.sum(OPEN_STATES.c.n), sa.func.sum(OPEN_STATES.c.n_closed))
                .where(*_cube_conds(f, OPEN_STATES, by_officer=True)).group_by(OPEN_STATES.c.officer_id))
    return {int(o): (int(n), int(c or 0)) for o, n, c in db.session.execute(stmt) if n}


# ---------------------------------------------------------------------------
# Live deadlines: overdue and due soon (today decides, so no rollup)
# ---------------------------------------------------------------------------


def _deadline_conds(f: Filters, which: str, today: dt.date, cutoff: dt.date) -> list:
    # The filters read the case's facts row (narrow, and present only for cases not deleted), not the cases table.
    conds: list[sa.ColumnElement[bool]] = [Deadline.ended_at.is_(None), Deadline.binds.in_(lifecycle.ACCOUNTABLE_BINDS)]
    if which == "overdue":
        conds.append(sa.or_(Deadline.status == DeadlineStatus.MISSED,
                            sa.and_(Deadline.status == DeadlineStatus.RUNNING, Deadline.due_date < today)))
    else:
        conds += [Deadline.status == DeadlineStatus.RUNNING, Deadline.due_date.between(today, cutoff)]
    return conds + _fact_conds(f)


def _with_facts(stmt):
    return stmt.join(FACTS, FACTS.c.case_id == Deadline.case_id)


def day_bounds() -> tuple[dt.date, dt.date]:
    """Today (Beijing) and the last day that counts as due soon."""
    today = clock.today()
    return today, reading.soon_cutoff(today)


def deadline_list(f: Filters, which: str, limit: int | None = None):
    """A statement listing the overdue or due-soon office deadlines in scope, most urgent first.

    The most urgent rows are picked through the covering index first; only those rows are read whole.
    """
    today, cutoff = day_bounds()
    pick = _with_facts(sa.select(Deadline.id.label("id"), Deadline.case_id, Deadline.due_date, Deadline.status,
                                 FACTS.c.procedure, FACTS.c.state, FACTS.c.channel, FACTS.c.officer_id)) \
        .where(*_deadline_conds(f, which, today, cutoff)).order_by(Deadline.due_date, Deadline.id)
    if limit is not None:
        pick = pick.limit(limit)
    pick = pick.subquery()
    return (sa.select(pick.c.id, pick.c.case_id, Deadline.label, pick.c.due_date, pick.c.status, pick.c.procedure,
                      pick.c.state, pick.c.channel, pick.c.officer_id)
            .join(Deadline, Deadline.id == pick.c.id).order_by(pick.c.due_date, pick.c.id))


def case_numbers(case_ids) -> dict[int, str]:
    """{case id: number} for a page of listed cases."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Case.id, Case.number).where(Case.id.in_(ids))).all())


def deadline_counts(f: Filters) -> dict[str, tuple[int, int]]:
    """{"overdue"|"due_soon": (deadlines, distinct cases)}."""
    if not f.unit_ids:
        return {"overdue": (0, 0), "due_soon": (0, 0)}
    today, cutoff = day_bounds()
    out = {}
    for which in ("overdue", "due_soon"):
        stmt = _with_facts(sa.select(sa.func.count(), sa.func.count(sa.distinct(Deadline.case_id)))
                           .select_from(Deadline)).where(*_deadline_conds(f, which, today, cutoff))
        n, cases = db.session.execute(stmt).one()
        out[which] = (int(n), int(cases))
    return out


def overdue_by_officer(f: Filters) -> dict[int, int]:
    """{officer id: cases with an overdue office deadline now} (-1 = unassigned)."""
    if not f.unit_ids:
        return {}
    today, cutoff = day_bounds()
    stmt = _with_facts(sa.select(FACTS.c.officer_id, sa.func.count(sa.distinct(Deadline.case_id)))
                       .select_from(Deadline)).where(*_deadline_conds(f, "overdue", today, cutoff)) \
        .group_by(FACTS.c.officer_id)
    return {int(o): int(n) for o, n in db.session.execute(stmt)}


def by_unit(f: Filters) -> dict[int, Counter]:
    """Every measure summed over the period for each office in scope, side by side: one grouped query over the
    offices' own rollup rows (never the all-offices row), so the cost does not grow with the number of cases."""
    import dataclasses

    return aggregate(dataclasses.replace(f, all_units=False), "unit_id")


def overdue_by_unit(f: Filters) -> dict[int, int]:
    """{office id: cases with an overdue office deadline now}, in one grouped query."""
    if not f.unit_ids:
        return {}
    today, cutoff = day_bounds()
    stmt = _with_facts(sa.select(FACTS.c.unit_id, sa.func.count(sa.distinct(Deadline.case_id)))
                       .select_from(Deadline)).where(*_deadline_conds(f, "overdue", today, cutoff)) \
        .group_by(FACTS.c.unit_id)
    return {int(u): int(n) for u, n in db.session.execute(stmt)}


def users_by_id(ids) -> dict[int, sa.Row]:
    """{user id: (id, username, display_name)}: the names a table shows."""
    ids = [i for i in set(ids) if i and i > 0]
    if not ids:
        return {}
    return {u.id: u for u in db.session.execute(sa.select(User.id, User.username, User.display_name)
                                                .where(User.id.in_(ids)))}
