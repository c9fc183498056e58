"""Keeping the statistics rollups current, and the rights holders' satisfaction ratings.

The statistics domain's ``register(app)`` plugs ``mark_dirty`` into the case hooks: every new case and every
performed action queues the case in ``stats_dirty`` inside the changing transaction. ``refresh`` (run at the
start of every statistics request, by ``flask caseflow stats-refresh`` and by the generator) recomputes the
queued cases' facts from the committed data and adds the difference to the rollups, so the rollups always
equal a full rebuild (``rebuild``) of the facts as they were at the last refresh.
"""

from __future__ import annotations

import logging
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from caseflow import policy
from caseflow.accounts.models import User
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid, NotFound
from caseflow.stats.facts import add_contributions, compute_facts
from caseflow.stats.models import (
    ALL,
    ALL_UNITS,
    ANY_OFFICER,
    MEASURES,
    MEASURES_BY_MONTH,
    CaseFact,
    DirtyCase,
    Duration,
    OpenState,
    Rating,
    Rollup,
)

log = logging.getLogger(__name__)

FACTS = CaseFact.__table__
ROLLUP = Rollup.__table__
DURATIONS = Duration.__table__
OPEN_STATES = OpenState.__table__
DIRTY = DirtyCase.__table__
ROLLUP_KEY = ("ip_type", "channel", "officer_id", "unit_id", "month", "procedure")
DURATION_KEY = (*ROLLUP_KEY, "net_days")
OPEN_KEY = ("ip_type", "channel", "officer_id", "unit_id", "procedure", "state")
FACT_COLUMNS = [c.name for c in FACTS.columns if c.name != "id"]


# ---------------------------------------------------------------------------
# The hooks: queue the case in the changing transaction
# ---------------------------------------------------------------------------


def mark_dirty(case: Case, *_args) -> None:
    """Queue a case for the next refresh (create and action hook; same transaction as the change)."""
    if case.id is None:
        db.session.flush()
    db.session.execute(sa.insert(DIRTY).values(case_id=case.id, marked_at=clock.now()))


# ---------------------------------------------------------------------------
# Refresh: apply the difference of the queued cases' facts
# ---------------------------------------------------------------------------


def _dialect_insert(session, table):
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)


def _claim(session, batch: int) -> list[int]:
    pick = sa.select(DIRTY.c.id).order_by(DIRTY.c.id).limit(batch)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    # A write first: on SQLite it takes the write lock before anything is read (no stale snapshot).
    return list(session.scalars(sa.delete(DIRTY).where(DIRTY.c.id.in_(pick.scalar_subquery()))
                                .returning(DIRTY.c.case_id)))


def refresh(session=None, *, batch: int = 500, max_cases: int | None = None) -> int:
    """Apply the queued cases to the rollups; return how many queue entries were processed. Flushes only."""
    session = session or db.session
    done = 0
    while max_cases is None or done < max_cases:
        ids = _claim(session, batch)
        if not ids:
            break
        apply_cases(session, set(ids))
        done += len(ids)
    return done


def pending(session=None) -> int:
    """How many queue entries wait for a refresh."""
    session = session or db.session
    return session.scalar(sa.select(sa.func.count()).select_from(DIRTY)) or 0


def apply_cases(session, case_ids: set[int]) -> None:
    """Recompute the facts of these cases and add the difference to the rollups."""
    ids = sorted(case_ids)
    stmt = sa.select(FACTS).where(FACTS.c.case_id.in_(ids))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()  # two refreshes of one case apply their differences one after the other
    old = {row.case_id: dict(row._mapping) for row in session.execute(stmt)}
    new = compute_facts(session, ids)
    rollup: dict = {}
    durations: Counter = Counter()
    open_states: dict = {}
    for cid in ids:
        add_contributions(old.get(cid), -1, rollup, durations, open_states)
        add_contributions(new.get(cid), +1, rollup, durations, open_states)
    # Rows in key order: two refreshes that touch the same rollup rows lock them in the same order (no deadlock).
    _upsert(session, ROLLUP, ROLLUP_KEY, MEASURES,
            [dict(zip(ROLLUP_KEY, k, strict=True)) | {m: c.get(m, 0) for m in MEASURES}
             for k, c in sorted(rollup.items()) if any(c.values())])
    _upsert(session, DURATIONS, DURATION_KEY, ("n",),
            [dict(zip(DURATION_KEY, k, strict=True)) | {"n": n} for k, n in sorted(durations.items()) if n])
    _upsert(session, OPEN_STATES, OPEN_KEY, ("n", "n_closed"),
            [dict(zip(OPEN_KEY, k, strict=True)) | {"n": c["n"], "n_closed": c["n_closed"]}
             for k, c in sorted(open_states.items()) if any(c.values())])
    if old:
        session.execute(sa.delete(FACTS).where(FACTS.c.case_id.in_(list(old))))
    rows = [{k: f[k] for k in FACT_COLUMNS} for f in new.values() if f is not None]
    if rows:
        session.execute(sa.insert(FACTS), rows)


def _upsert(session, table, key: tuple, measures: tuple, rows: list[dict]) -> None:
    if not rows:
        return
    stmt = _dialect_insert(session, table)
    unique = next(c for c in table.constraints if isinstance(c, sa.UniqueConstraint))
    assert set(unique.columns.keys()) == set(key)
    stmt = stmt.on_conflict_do_update(index_elements=list(unique.columns.keys()),
                                      set_={m: table.c[m] + stmt.excluded[m] for m in measures})
    for start in range(0, len(rows), 1000):
        session.execute(stmt, rows[start:start + 1000])


# ---------------------------------------------------------------------------
# Rebuild: everything from the base tables (the generator, and repairs)
# ---------------------------------------------------------------------------


def rebuild(session=None, *, batch: int = 2000, progress=None) -> int:
    """Recompute every case's facts and rebuild the three rollups from them; return the number of cases."""
    session = session or db.session
    session.execute(sa.delete(DIRTY))
    session.execute(sa.delete(FACTS))
    last, count = 0, 0
    while True:
        ids = list(session.scalars(sa.select(Case.id).where(Case.id > last).order_by(Case.id).limit(batch)))
        if not ids:
            break
        rows = [{k: f[k] for k in FACT_COLUMNS} for f in compute_facts(session, ids).values() if f is not None]
        if rows:
            session.execute(sa.insert(FACTS), rows)
        last, count = ids[-1], count + len(ids)
        if progress:
            progress(count)
    rebuild_rollups(session)
    return count


def _grain_cols(grain):
    by_ip, by_channel, by_officer, by_unit = grain
    return [FACTS.c.ip_type if by_ip else sa.literal(ALL), FACTS.c.channel if by_channel else sa.literal(ALL),
            FACTS.c.officer_id if by_officer else sa.literal(ANY_OFFICER),
            FACTS.c.unit_id if by_unit else sa.literal(ALL_UNITS)]


def rebuild_rollups(session=None) -> None:
    """Rebuild the rollups from ``stats_case_facts``.

    Two grouping sets are summed from the facts (IP type × channel, and officer, per office); the coarser sets
    and the all-offices rows (office 0) are then summed from those rows, which are far fewer than the facts.
    """
    session = session or db.session
    for table in (ROLLUP, DURATIONS, OPEN_STATES):
        session.execute(sa.delete(table))
    finest, by_officer = (True, True, False, True), (False, False, True, True)
    for grain in (finest, by_officer):
        _rollups_from_facts(session, grain)
    for table, key, measures in ((ROLLUP, ROLLUP_KEY, MEASURES), (DURATIONS, DURATION_KEY, ("n",)),
                                 (OPEN_STATES, OPEN_KEY, ("n", "n_closed"))):
        base = [table.c.officer_id == ANY_OFFICER, table.c.ip_type != ALL, table.c.channel != ALL,
                table.c.unit_id != ALL_UNITS]
        for by_ip, by_channel in ((True, False), (False, True), (False, False)):
            _regroup(session, table, key, measures, base, ip=by_ip, channel=by_channel, unit=True)
        # Every per-office set, summed over the offices.
        _regroup(session, table, key, measures, [table.c.unit_id != ALL_UNITS], ip=True, channel=True, unit=False)


def _regroup(session, table, key, measures, where, *, ip: bool, channel: bool, unit: bool) -> None:
    cols = {"ip_type": table.c.ip_type if ip else sa.literal(ALL),
            "channel": table.c.channel if channel else sa.literal(ALL),
            "unit_id": table.c.unit_id if unit else sa.literal(ALL_UNITS)}
    dims = [cols.get(k, table.c[k]).label(k) for k in key]
    stmt = sa.select(*dims, *[sa.func.sum(table.c[m]) for m in measures]).where(*where).group_by(*dims)
    session.execute(sa.insert(table).from_select([*key, *measures], stmt))


def _rollups_from_facts(session, grain) -> None:
    names = ("ip_type", "channel", "officer_id", "unit_id")
    dims = [c.label(n) for c, n in zip(_grain_cols(grain), names, strict=True)]
    parts = []
    for month_field, measures in MEASURES_BY_MONTH.items():
        cols = [FACTS.c[m] if m in measures else sa.literal(0) for m in MEASURES]
        parts.append(sa.select(*dims, FACTS.c[month_field].label("month"), FACTS.c.procedure,
                               *[c.label(m) for c, m in zip(cols, MEASURES, strict=True)])
                     .where(FACTS.c[month_field].is_not(None)))
    u = sa.union_all(*parts).subquery()
    grouped = sa.select(*[u.c[k] for k in ROLLUP_KEY], *[sa.func.sum(u.c[m]) for m in MEASURES]) \
        .group_by(*[u.c[k] for k in ROLLUP_KEY])
    session.execute(sa.insert(ROLLUP).from_select([*ROLLUP_KEY, *MEASURES], grouped))
    dim_cols = _grain_cols(grain)
    dur = sa.select(*dim_cols, FACTS.c.closed_month, FACTS.c.procedure, FACTS.c.net_days, sa.func.count()) \
        .where(FACTS.c.closed_month.is_not(None), FACTS.c.net_days.is_not(None)) \
        .group_by(*dim_cols, FACTS.c.closed_month, FACTS.c.procedure, FACTS.c.net_days)
    session.execute(sa.insert(DURATIONS).from_select([*DURATION_KEY, "n"], dur))
    closed_n = sa.func.sum(sa.case((FACTS.c.closed_month.is_not(None), 1), else_=0))
    opened = sa.select(*dim_cols, FACTS.c.procedure, FACTS.c.state, sa.func.count(), closed_n) \
        .where(FACTS.c.is_open == 1) \
        .group_by(*dim_cols, FACTS.c.procedure, FACTS.c.state)
    session.execute(sa.insert(OPEN_STATES).from_select([*OPEN_KEY, "n", "n_closed"], opened))


# ---------------------------------------------------------------------------
# Satisfaction ratings (rights holders, after 结案)
# ---------------------------------------------------------------------------


def rating_box(case: Case, viewer: User) -> dict | None:
    """The rights holder's rating card on the portal case page (none for staff)."""
    if not getattr(viewer, "is_authenticated", False) or viewer.is_staff:
        return None
    return {"can_rate": policy.can_rate_case(viewer, case), "rating": rating_of(case)}


def rating_of(case: Case) -> Rating | None:
    """The case's rating, if any."""
    return db.session.scalar(sa.select(Rating).where(Rating.case_id == case.id))


def rate_case(case: Case, *, actor: User, score: int, comment: str = "") -> Rating:
    """Record (or change) the rights holder's rating of a closed case; flushes, never commits."""
    if not policy.can_view_case(actor, case):
        raise NotFound("案件不存在")
    if not policy.can_rate_case(actor, case):
        raise Conflict("案件办结后，权利人方可评价办理情况", code="conflict_state")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise Invalid("评分应为 1 至 5 分", fields={"score": "请选择 1 至 5 分"})
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise Invalid("评价意见不超过 1000 字", fields={"comment": "不超过 1000 字"})
    rating = rating_of(case)
    if rating is None:
        rating = Rating(case=case, user=actor, score=score, comment=comment)
        db.session.add(rating)
    else:
        rating.user, rating.score, rating.comment = actor, score, comment
    db.session.flush()
    mark_dirty(case)
    return rating
