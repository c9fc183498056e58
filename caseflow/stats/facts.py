"""What each case contributes to the statistics (docs/architecture.md, Statistics), computed from the committed data.

The definitions here are the ones the pages print under each figure (``caseflow.stats.definitions``);
a test recomputes every figure straight from cases, events, deadlines and ratings and compares.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

import workflows
from caseflow.cases.models import Case, CaseEvent
from caseflow.core import clock
from caseflow.deadlines.models import Deadline, DeadlineStatus
from caseflow.stats.models import ALL, ALL_UNITS, ANY_OFFICER, MEASURES, MEASURES_BY_MONTH, NO_OFFICER, Rating

#: Statutory handling limits (法定审限): an adjudication's 3 months from 立案 (局令81 art. 37), an ownership
#: mediation's 2 months (art. 70) and a penalty case's 90 days (行政处罚法 art. 60). A complaint's acceptance check
#: (受理审查期限) is a screening period, no 审限.
LIMIT_RULE_IDS = ("ADJ_CASE_LIMIT", "MED_OWNERSHIP_LIMIT", "PEN_DECISION")
#: The procedures whose cases carry a dispute (收案, 结案); an injunction or a referral is a step within the dispute
#: of the case it came from, counted by its own figures.
CARRIERS = ("complaint", "adjudication", "mediation")
#: Closings that hand the dispute on to the linked case they create, whose own closing ends it (a conversion).
HANDOVERS = frozenset({("complaint", "convert")})
#: A mediation's 不予受理 grounds that are a party's refusal to mediate (局令81 art. 66).
PARTY_REFUSALS = frozenset({"respondent_declined", "no_statement"})
#: The action that dockets (立案; a complaint's 受理) a case of each procedure.
DOCKET_ACTIONS = {"complaint": "accept", "adjudication": "docket", "mediation": "docket"}
DISPUTE_PROCEDURES = ("adjudication", "mediation")
#: The signatures that complete a mediation agreement: an agreement (an in-case settlement's too) takes effect, and
#: its case closes (结案), on the second party's signature (局令81 arts 35, 69), so these are the closing actions.
AGREEMENT_SIGNATURES = frozenset({"confirm_agreement", "record_signature"})
#: Closing (结案) actions that end a dispute by a mediation agreement.
MEDIATED_CLOSINGS = {(p, a) for p in ("adjudication", "mediation") for a in AGREEMENT_SIGNATURES}
#: Mediation categories whose agreements cannot be judicially confirmed (确权, 民诉法解释 art. 355).
CONFIRM_INELIGIBLE = frozenset({"ownership"})
POLICE_NOT_TRANSFERRED = frozenset({"drafted", "approved", "not_referred"})
POLICE_ACCEPTED = frozenset({"accepted_by_police", "handed_over"})
POLICE_DECLINED = frozenset({"closed"})  # a police referral closes only after a final refusal
EVENT_TAGS = ("case:state:accept", "case:state:docket", "case:state:propose_issue", "case:state:record_breach",
              "case:state:record_confirmation", "case:state:reject")

#: Grouping sets: (split by IP type, by channel, by officer, by office). Every set exists per office and for all
#: offices together (office 0), which is what the city office reads.
GRAINS = tuple((ip, ch, off, unit) for unit in (True, False) for ip, ch, off in (
    (False, False, False), (True, False, False), (False, True, False), (True, True, False), (False, False, True)))


def month_of(day: dt.date) -> int:
    """YYYYMM of a date."""
    return day.year * 100 + day.month


def compute_facts(session, case_ids: Iterable[int]) -> dict[int, dict | None]:
    """Return the facts row of each case (None for a deleted or missing case), in four queries."""
    ids = sorted(set(case_ids))
    out: dict[int, dict | None] = dict.fromkeys(ids)
    if not ids:
        return out
    cases = session.execute(
        sa.select(Case.id, Case.unit_id, Case.procedure, Case.ip_type, Case.channel, Case.assignee_id, Case.state,
                  Case.received_at, Case.closed_at, Case.closing_action, Case.data, Case.is_deleted, Case.parent_id)
        .where(Case.id.in_(ids))
    ).all()
    events: dict[int, dict[str, dt.datetime]] = {}
    for case_id, tag, at in session.execute(
        sa.select(CaseEvent.case_id, CaseEvent.tag, CaseEvent.occurred_at)
        .where(CaseEvent.case_id.in_(ids), CaseEvent.tag.in_(EVENT_TAGS)).order_by(CaseEvent.case_id, CaseEvent.seq)
    ):
        events.setdefault(case_id, {}).setdefault(tag, at)  # the first occurrence
    limits: dict[int, list[tuple[str, int]]] = {}
    for case_id, status, paused in session.execute(
        sa.select(Deadline.case_id, Deadline.status, Deadline.paused_days)
        .where(Deadline.case_id.in_(ids), Deadline.rule_id.in_(LIMIT_RULE_IDS))
    ):
        limits.setdefault(case_id, []).append((DeadlineStatus(status).value, paused or 0))
    ratings = dict(session.execute(sa.select(Rating.case_id, Rating.score).where(Rating.case_id.in_(ids))).all())
    for c in cases:
        if c.is_deleted:
            continue
        out[c.id] = facts_of(
            case_id=c.id, unit_id=c.unit_id, procedure=c.procedure, ip_type=c.ip_type, channel=c.channel,
            assignee_id=c.assignee_id, state=c.state, received_at=c.received_at, closed_at=c.closed_at,
            closing_action=c.closing_action, data=c.data or {}, events=events.get(c.id, {}),
            limits=limits.get(c.id, []), rating=ratings.get(c.id), parent_id=c.parent_id)
    return out


def refused_by_party(data: dict) -> bool:
    """A mediation's 不予受理 because the respondent would not mediate (declined, or let the statement period pass);
    cases refused before the ground was kept count by the respondent's recorded answer."""
    refusal = data.get("refusal") or {}
    if refusal:
        return refusal.get("ground") in PARTY_REFUSALS
    return (data.get("statement") or {}).get("agrees") == "no"


def facts_of(*, case_id, unit_id, procedure, ip_type, channel, assignee_id, state, received_at, closed_at,
             closing_action, data, events, limits, rating, parent_id=None) -> dict:
    """One case's facts: dimensions, months and its 0/1 (or day-count) contribution to each measure.

    One dispute counts once in 收案 and 结案 across its linked cases: it is received with the case that brought it
    (no parent) and closed by the closing that ends it, never by a conversion that hands it on; injunctions and
    referrals are counted by their own figures only. Every measure of the closing month follows that closing."""
    proc = workflows.procedure(procedure)
    st = proc.states.get(state)
    f: dict[str, Any] = dict.fromkeys(MEASURES, 0)  # the facts row: measures, then dimensions and months
    received_on = clock.beijing_date(received_at)
    docket_at = events.get(f"case:state:{DOCKET_ACTIONS[procedure]}") if procedure in DOCKET_ACTIONS else None
    if closed_at is None and procedure == "adjudication" and state == "not_docketed":
        # 不予立案 is no 结案 of the procedure, yet it ends the dispute here: counted so, on its day, it is not
        # carried over (旧存) for ever.
        closed_at = events.get("case:state:reject")
    closed_on = clock.beijing_date(closed_at) if closed_at is not None else None
    f.update(case_id=case_id, unit_id=unit_id, procedure=procedure, ip_type=ip_type or "", channel=channel or "",
             officer_id=assignee_id if assignee_id is not None else NO_OFFICER, state=state,
             is_open=0 if (st is not None and st.terminal) else 1, received_month=month_of(received_on),
             docketed_month=month_of(clock.beijing_date(docket_at)) if docket_at else None,
             closed_month=month_of(closed_on) if closed_on else None, net_days=None)
    carrier = procedure in CARRIERS
    f["received"] = int(carrier and parent_id is None)
    f["docketed"] = 1 if docket_at else 0
    if procedure == "referral":
        kind = data.get("referral_kind") or "court"
        if kind == "police":
            f["ref_police"] = 1
            f["ref_police_transferred"] = int(state not in POLICE_NOT_TRANSFERRED)
            f["ref_police_accepted"] = int(state in POLICE_ACCEPTED)
            f["ref_police_declined"] = int(state in POLICE_DECLINED)
        elif kind == "agency":
            f["ref_agency"] = 1
        else:
            f["ref_court"] = 1
    elif procedure == "injunction":
        f["inj_requested"] = 1
        f["inj_issued"] = int("case:state:propose_issue" in events)
        f["inj_breached"] = int("case:state:record_breach" in events)
        f["inj_refused"] = int(state == "refused")
    if closed_on is None or not carrier or (procedure, closing_action) in HANDOVERS:
        return f
    f["closed"] = 1
    verdicts = [s for s, _ in limits if s in (DeadlineStatus.MET.value, DeadlineStatus.MISSED.value)]
    if verdicts:
        f["limit_total"] = 1
        f["limit_met"] = int(DeadlineStatus.MISSED.value not in verdicts)
    paused = sum(p for _, p in limits)
    days = (closed_on - received_on).days
    f["days_sum"], f["paused_sum"], f["paused_cases"] = days, paused, int(paused > 0)
    f["net_days"] = max(days - paused, 0)
    # 调解率: the disputes the office took up (立案) and those a party's refusal to mediate ended, in every
    # procedure alike; a request the office did not take up, or withdrawn before 立案, could not be mediated.
    if procedure in DISPUTE_PROCEDURES and (
            docket_at or (procedure == "mediation" and closing_action == "refuse" and refused_by_party(data))):
        f["dispute_closed"] = 1
        f["dispute_mediated"] = int((procedure, closing_action) in MEDIATED_CLOSINGS)
    if procedure == "mediation":
        agreement = closing_action in AGREEMENT_SIGNATURES
        f["med_closed"] = f["docketed"]
        f["med_agreement"] = int(agreement and bool(f["docketed"]))
        f["confirm_eligible"] = int(agreement and data.get("category") not in CONFIRM_INELIGIBLE)
        # A confirmed agreement may since have been performed or enforced: the ruling's event counts.
        f["confirmed"] = int(bool(f["confirm_eligible"]) and (state == "confirmed"
                                                              or "case:state:record_confirmation" in events))
    if rating is not None:
        f["rating_n"], f["rating_sum"], f[f"rating_{int(rating)}"] = 1, int(rating), 1
    return f


# ---------------------------------------------------------------------------
# Contributions to the rollups (the same sums the SQL rebuild computes)
# ---------------------------------------------------------------------------


def grain_dims(f: dict, grain) -> tuple[str, str, int, int]:
    by_ip, by_channel, by_officer, by_unit = grain
    return (f["ip_type"] if by_ip else ALL, f["channel"] if by_channel else ALL,
            f["officer_id"] if by_officer else ANY_OFFICER, f["unit_id"] if by_unit else ALL_UNITS)


def add_contributions(f: dict | None, sign: int, rollup: dict, durations: Counter, open_states: dict) -> None:
    """Add (sign=+1) or remove (-1) a case's facts to/from delta accumulators of the three rollups."""
    if f is None:
        return
    for grain in GRAINS:
        ip, ch, off, unit = grain_dims(f, grain)
        for month_field, measures in MEASURES_BY_MONTH.items():
            month = f[month_field]
            if month is None:
                continue
            row = rollup.setdefault((ip, ch, off, unit, month, f["procedure"]), Counter())
            for m in measures:
                if f[m]:
                    row[m] += sign * f[m]
        if f["closed_month"] is not None and f["net_days"] is not None:
            durations[(ip, ch, off, unit, f["closed_month"], f["procedure"], f["net_days"])] += sign
        if f["is_open"]:
            row = open_states.setdefault((ip, ch, off, unit, f["procedure"], f["state"]), Counter())
            row["n"] += sign
            row["n_closed"] += sign * int(f["closed_month"] is not None)
