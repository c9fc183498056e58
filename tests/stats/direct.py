"""Figures counted straight from cases, events, deadlines and ratings, written from the definitions alone
(docs/architecture.md, Statistics).

Nothing here uses caseflow.stats: the tests compare these counts with what the pages and the API show.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import workflows
from caseflow.cases.models import Case, CaseEvent
from caseflow.deadlines.models import Deadline
from caseflow.stats.models import Rating

BJ = ZoneInfo("Asia/Shanghai")
#: The second signature closes an agreement's case (written out here, not imported: this recomputes independently).
SIGNATURES = ("confirm_agreement", "record_signature")
DOCKET = {"complaint": "case:state:accept", "adjudication": "case:state:docket", "mediation": "case:state:docket"}
#: 法定审限: adjudication (局令81 art. 37), ownership mediation (art. 70) and a penalty case (行政处罚法 art. 60).
LIMITS = ("ADJ_CASE_LIMIT", "MED_OWNERSHIP_LIMIT", "PEN_DECISION")
#: Cases of these procedures carry a dispute; an injunction or referral belongs to the dispute of its parent.
CARRIERS = ("complaint", "adjudication", "mediation")


def receives(c) -> bool:
    """收案: the case that brought the dispute (no parent)."""
    return c.procedure in CARRIERS and c.parent_id is None


def end_of(c, first: dict):
    """When the case ended its dispute (结案), or None: its closing, unless a conversion handed the dispute on to
    the linked case; an adjudication not docketed ends it on the day of 不予立案."""
    if c.procedure not in CARRIERS or c.closing_action == "convert":
        return None
    if c.closed_at is None and c.procedure == "adjudication" and c.state == "not_docketed":
        return first.get((c.id, "case:state:reject"))
    return c.closed_at


def party_refused(c) -> bool:
    """A mediation refused because the respondent would not mediate (局令81 art. 66)."""
    d = c.data or {}
    if d.get("refusal"):
        return d["refusal"].get("ground") in ("respondent_declined", "no_statement")
    return (d.get("statement") or {}).get("agrees") == "no"


def ym(moment) -> int:
    d = moment.astimezone(BJ)
    return d.year * 100 + d.month


def bj(moment):
    return moment.astimezone(BJ).date()


@dataclass
class Data:
    cases: list
    first: dict
    limits: dict
    ratings: dict
    deadlines: list


def load(session) -> Data:
    cases = session.execute(sa.select(
        Case.id, Case.unit_id, Case.procedure, Case.ip_type, Case.channel, Case.assignee_id, Case.state,
        Case.received_at, Case.closed_at, Case.closing_action, Case.data, Case.is_deleted, Case.parent_id)).all()
    first = {}
    for cid, tag, at in session.execute(sa.select(CaseEvent.case_id, CaseEvent.tag, CaseEvent.occurred_at)
                                        .order_by(CaseEvent.case_id, CaseEvent.seq)):
        first.setdefault((cid, tag), at)
    limits = defaultdict(list)
    deadlines = []
    for cid, rule, raw_status, paused, binds, ended, due in session.execute(sa.select(
            Deadline.case_id, Deadline.rule_id, Deadline.status, Deadline.paused_days, Deadline.binds,
            Deadline.ended_at, Deadline.due_date)):
        status = getattr(raw_status, "value", raw_status)
        if rule in LIMITS:
            limits[cid].append((status, paused or 0))
        deadlines.append((cid, rule, status, binds, ended, due))
    ratings = dict(session.execute(sa.select(Rating.case_id, Rating.score)).all())
    return Data(cases, first, limits, ratings, deadlines)


def selected(data: Data, *, unit_ids, procedure=None, ip_type=None, channel=None, officer_id=None):
    for c in data.cases:
        if c.is_deleted or c.unit_id not in unit_ids:
            continue
        if (procedure and c.procedure != procedure) or (ip_type and c.ip_type != ip_type):
            continue
        if channel and c.channel != channel:
            continue
        if officer_id is not None and c.assignee_id != officer_id:
            continue
        yield c


def ratio(a, b):
    return a / b if b else None


def figures(data: Data, *, start: int, end: int, today=None, **filters) -> dict:
    """The headline figures of the summary API, counted directly."""
    def inp(m):
        return start <= m <= end
    out = defaultdict(int)
    net_days, days, paused_all = [], [], []
    for c in selected(data, **filters):
        data_ = c.data or {}
        if inp(ym(c.received_at)):
            out["received"] += receives(c)
            if c.procedure == "referral":
                kind = data_.get("referral_kind") or "court"
                if kind == "police":
                    out["police"] += 1
                    out["police_transferred"] += c.state not in ("drafted", "approved", "not_referred")
                    out["police_accepted"] += c.state in ("accepted_by_police", "handed_over")
                    out["police_declined"] += c.state == "closed"
                else:
                    out[kind] += 1
            if c.procedure == "injunction":
                out["inj_requested"] += 1
                out["inj_issued"] += (c.id, "case:state:propose_issue") in data.first
                out["inj_breached"] += (c.id, "case:state:record_breach") in data.first
                out["inj_refused"] += c.state == "refused"
        docket = data.first.get((c.id, DOCKET.get(c.procedure, "-")))
        if docket is not None and inp(ym(docket)):
            out["docketed"] += 1
        st = workflows.procedure(c.procedure).states[c.state]
        if not st.terminal:
            out["open" if c.closed_at is None else "followup"] += 1
        ended = end_of(c, data.first)
        if ended is None or not inp(ym(ended)):
            continue
        out["closed"] += 1
        verdicts = [s for s, _ in data.limits.get(c.id, []) if s in ("met", "missed")]
        if verdicts:
            out["limit_total"] += 1
            out["limit_met"] += "missed" not in verdicts
        if c.procedure in ("adjudication", "mediation") and (
                docket is not None or (c.closing_action == "refuse" and party_refused(c))):
            out["dispute_closed"] += 1
            # An agreement closes its case on the second party's signature (局令81 arts 35, 69).
            out["dispute_mediated"] += c.closing_action in SIGNATURES
        if c.procedure == "mediation":
            if docket is not None:
                out["med_closed"] += 1
                out["med_agreement"] += c.closing_action in SIGNATURES
            if c.closing_action in SIGNATURES and data_.get("category") != "ownership":
                out["confirm_eligible"] += 1
                out["confirmed"] += c.state == "confirmed" or (c.id, "case:state:record_confirmation") in data.first
        d = (bj(ended) - bj(c.received_at)).days
        p = sum(x for _, x in data.limits.get(c.id, []))
        days.append(d)
        paused_all.append(p)
        net_days.append(max(d - p, 0))
        if c.id in data.ratings:
            out["rating_n"] += 1
            out["rating_sum"] += data.ratings[c.id]
    carried = sum(1 for c in selected(data, **filters) if receives(c) and ym(c.received_at) < start) - sum(
        1 for c in selected(data, **filters) if (e := end_of(c, data.first)) is not None and ym(e) < start)
    return {
        "received": out["received"], "docketed": out["docketed"], "closed": out["closed"],
        "close_rate": (out["closed"], carried + out["received"]),
        "limit_rate": (out["limit_met"], out["limit_total"]),
        "mediation_rate": (out["dispute_mediated"], out["dispute_closed"]),
        "mediation_success_rate": (out["med_agreement"], out["med_closed"]),
        "confirmation_rate": (out["confirmed"], out["confirm_eligible"]),
        "average": ratio(sum(days), len(days)), "average_paused": ratio(sum(paused_all), len(paused_all)),
        "cases_paused": sum(1 for p in paused_all if p > 0),
        "average_net": ratio(sum(net_days), len(net_days)),
        "median_net": statistics.median(net_days) if net_days else None,
        "open": out["open"], "followup": out["followup"],
        "ratings": (out["rating_n"], ratio(out["rating_sum"], out["rating_n"])),
        "referrals": {"police": out["police"], "police_transferred": out["police_transferred"],
                      "police_accepted": out["police_accepted"], "police_declined": out["police_declined"],
                      "agency": out["agency"], "court": out["court"]},
        "injunctions": {"requested": out["inj_requested"], "issued": out["inj_issued"],
                        "breached": out["inj_breached"], "refused": out["inj_refused"]},
    }


def by_month(data: Data, *, start: int, end: int, **filters) -> dict[int, tuple[int, int, int]]:
    """{YYYYMM: (received, docketed, closed)}."""
    out = defaultdict(lambda: [0, 0, 0])
    for c in selected(data, **filters):
        m = ym(c.received_at)
        if start <= m <= end and receives(c):
            out[m][0] += 1
        docket = data.first.get((c.id, DOCKET.get(c.procedure, "-")))
        if docket is not None and start <= ym(docket) <= end:
            out[ym(docket)][1] += 1
        ended = end_of(c, data.first)
        if ended is not None and start <= ym(ended) <= end:
            out[ym(ended)][2] += 1
    return {m: tuple(v) for m, v in out.items()}


def overdue(data: Data, today, **filters) -> tuple[int, int]:
    """(office deadlines overdue now, distinct cases) for the filtered cases."""
    ids = {c.id for c in selected(data, **filters)}
    rows = [d for d in data.deadlines if d[0] in ids and d[4] is None and d[3] == "office"
            and (d[2] == "missed" or (d[2] == "running" and d[5] < today))]
    return len(rows), len({d[0] for d in rows})
