"""Deadline rows driven by the procedure declarations, the holiday table, and reminders (docs/deadlines.md).

The deadlines domain's ``register(app)`` plugs ``on_create`` / ``on_action`` into the case hooks
(caseflow/cases/hooks.py): every case creation and every performed action goes through them, so no deadline
arithmetic lives anywhere else.
Services flush, never commit; the caller's transaction (a view's `transactional`, a CLI command) commits.

How a declaration's rule ids act on a case's rows
-------------------------------------------------
- ``starts`` (and ``Procedure.starts_on_create``): a new ``running`` row, computed from the action's
  Beijing date with the rule version in force that day for the case's office. Starting a rule that
  already has an open row on the case supersedes it (the old row is ``cancelled``, ``ended_by="restart"``),
  which is how the complaint's acceptance clock restarts when 补正 materials arrive.
- ``stops``: the act the period demands was done. A running or paused row becomes ``met`` when done on
  or before the due date (or time), ``missed`` when late (``met_at`` records the late act); a party's
  lapsed period closed by the office (答辩期满, 逾期未补正) stays ``missed`` without ``met_at``.
  Exception: when a *party* ends the case (withdrawal) or a party's action stops an office period,
  the office neither met nor missed it — the row is ``cancelled``.
- ``pauses`` / ``resumes``: an interval is opened / closed; resuming adds the paused natural days
  (resume date − pause date) to the unrolled due date before the rest-day roll (docs/deadlines.md). Each interval
  carries the action's ``pause_key`` (中止, 和解, 检验鉴定 …): a resume closes only its own kind, so a 中止
  during 和解 talks keeps the clock stopped until both ended, and a day covered twice counts once.
- ``extends``: the next step of the rule's extension policy (e.g. ADJ_CASE_LIMIT +1 month, then +2), counted
  from the expiry before it (``counting``); the action itself carries the approval, which the row records
  (who asked, who approved, the approval request). No step left, or the period already missed → 409. A step
  that ``excludes`` other rules (an applied-for 举证期限 extension, 局令81 art. 37) adds the extended interval to
  their excluded periods.
- ``cancels``: the period became moot (a suit filed makes the enforcement window pointless): cancelled.
- A rule with an ``anchor`` runs from the due date of the anchor's row on the case and follows it when that
  date moves; a rule with ``on_lapse`` starts its follower from its due date when it lapses unmet.
- A closing action (结案) cancels the open rows it did not stop or start itself; reaching a terminal
  state does the same. Periods started by the closing action (e.g. publication after the decision)
  keep running. A missed row still open at that point keeps status ``missed`` and is ended.
- ``missed``: a running row whose due date has passed. `mark_missed` persists it (the `remind` command
  and every action on the case run it); pages compute the same status on read without writing.

Only periods that bind the office count for urgency, due-soon/overdue badges, the API's ``overdue``
filter and reminders: a party's lapsed period (答辩期届满) lets the office proceed, it is not the
office's delay. Party periods are still shown, with their own countdown.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import selectinload

import workflows
from caseflow.accounts.models import User
from caseflow.cases import hooks
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.clock import BEIJING
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid
from caseflow.deadlines.calendar import Calendar
from caseflow.deadlines.counting import UNIT_LABELS, due_date
from caseflow.deadlines.models import LIVE_STATUSES, Deadline, DeadlineStatus, awaits_calendar
from caseflow.deadlines.office_calendar import calendar_version, current_calendar, session_calendar, year_bounds
from caseflow.deadlines.rules import DEFAULT_RULES, RULE_ALIASES, RULE_VARIANTS, Rule, dispatch_ids, rule_for

log = logging.getLogger(__name__)


#: Who is accountable for the periods that drive urgency, badges, the overdue filter and reminders.
ACCOUNTABLE_BINDS = ("office",)

APPROVERS = {
    "department_head": "本部门负责人",
    "superior_department": "上级主管部门",
    "panel": "合议组",
    "department": "办案部门",
    "court_president": "人民法院院长",
}


@dataclass(frozen=True)
class Computed:
    due: dt.date | dt.datetime
    provisional: bool
    explanation: str
    version: str


def unit_text(amount: int, unit: str) -> str:
    return f"{amount} {UNIT_LABELS[unit]}"


def compute(d: Deadline, cal: Calendar | None = None) -> Computed:
    """Compute a row's due date from its trigger, amount, closed pauses and approved extensions.

    Each approved extension runs from the expiry before it (民法典 arts 201-202), never from the trigger again.
    """
    cal = cal or current_calendar()
    extensions = [(int(e["amount"]), e["unit"]) for e in d.extensions or []]
    start = d.trigger_at if d.unit == "hours" and d.trigger_at is not None else d.trigger_date
    due = due_date(start, d.amount, d.unit, d.backward, calendar=cal, paused_days=d.paused_days or 0,
                   trigger_label=d.trigger_label, extensions=extensions)
    notes = []
    closed = [p for p in d.pauses or [] if p.get("to")]
    if closed:
        spans = "、".join(
            f"{p['from']} 至 {p['to']}（{(dt.date.fromisoformat(p['to']) - dt.date.fromisoformat(p['from'])).days} 日，"
            f"{p.get('reason') or '暂停'}）" for p in closed)
        overlap = sum(_span_days(p) for p in closed) - (d.paused_days or 0)
        notes.append(f"暂停期间 {spans} 不计入" + (f"（重叠的 {overlap} 日只计一次）" if overlap > 0 else ""))
    if extensions:
        added = "、".join(unit_text(a, u) for a, u in extensions)
        notes.append(f"法定期限 {unit_text(d.amount, d.unit)}，经批准延长 {added}")
    text = "；".join([*notes, due.explanation])
    open_pauses = [p for p in d.pauses or [] if not p.get("to")]
    if open_pauses:
        since = min(p["from"] for p in open_pauses)
        reasons = "、".join(dict.fromkeys(p.get("reason") or "暂停" for p in open_pauses))
        text += f"（自 {since} 起暂停：{reasons}；恢复后按暂停天数顺延）"
    last = due.due.astimezone(BEIJING).date() if isinstance(due.due, dt.datetime) else due.due
    return Computed(due.due, due.provisional, text, calendar_version(cal, d.trigger_date, last))


# ---- pause intervals: pure functions of a row's ``pauses`` list (the data generator shares them) ----


def _span_days(p: dict) -> int:
    return (dt.date.fromisoformat(p["to"]) - dt.date.fromisoformat(p["from"])).days


def paused_days_of(pauses) -> int:
    """Natural days covered by the closed intervals, a day covered by two overlapping intervals once."""
    spans = sorted((dt.date.fromisoformat(p["from"]), dt.date.fromisoformat(p["to"])) for p in pauses or []
                   if p.get("to"))
    total, reached = 0, None
    for begin, end in spans:
        first = reached if reached is not None and begin < reached else begin
        if end > first:
            total += (end - first).days
        reached = end if reached is None or end > reached else reached
    return total


def open_pause(pauses, on: dt.date, reason: str, key: str) -> list | None:
    """The intervals with one more open for ``key`` from ``on``; None when one of that kind is already open."""
    if any(not p.get("to") and p.get("key", "") == key for p in pauses or []):
        return None
    return [*(dict(p) for p in pauses or []), {"from": on.isoformat(), "to": None, "reason": reason, "key": key}]


def close_pauses(pauses, on: dt.date, key: str | None = None) -> list:
    """The intervals with the open ones of ``key`` (every open one when None) closed on ``on``."""
    out = []
    for interval in pauses or []:
        p = dict(interval)
        if not p.get("to") and (key is None or p.get("key", "") == key or not p.get("key")):
            p["to"] = max(on, dt.date.fromisoformat(p["from"])).isoformat()
        out.append(p)
    return out


def has_open_pause(pauses) -> bool:
    return any(not p.get("to") for p in pauses or [])


def _apply(d: Deadline, cal: Calendar | None = None) -> None:
    c = compute(d, cal)
    if isinstance(c.due, dt.datetime):
        d.due_at, d.due_date = c.due, c.due.astimezone(BEIJING).date()
    else:
        d.due_at, d.due_date = None, c.due
    d.provisional, d.explanation, d.calendar_version = c.provisional, c.explanation, c.version


def is_past_due(d: Deadline | sa.Row, moment: dt.datetime | None = None, on: dt.date | None = None) -> bool:
    """Whether the row's due date (or hour) is behind ``moment``; a row of its columns (due_at, due_date) will do.
    ``on``: the Beijing date of ``moment``, when the caller asks for many rows."""
    moment = moment or clock.now()
    if d.due_at is not None:
        return moment > d.due_at
    return (on or clock.beijing_date(moment)) > d.due_date


def recompute_for_years(years: Iterable[int], *, calendar: Calendar | None = None, actor: User | None = None,
                        reason: str) -> int:
    """Recompute every open deadline that was provisional or whose period touches one of ``years``, and every
    provisional one done late: a provisional date errs early, so the published calendar may show it done in time.

    Each change of a due date (or of its provisional mark) is audited on its case. Returns how many changed.
    """
    years = sorted(set(years))
    cal = calendar or current_calendar()
    touches = []
    for y in years:
        start, end = year_bounds(y)
        touches.append(sa.and_(Deadline.trigger_date <= end, Deadline.due_date >= start))
        touches.append(sa.and_(Deadline.due_date <= end, Deadline.trigger_date >= start))  # backward rules
    rows = db.session.scalars(
        sa.select(Deadline).where(Deadline.unit != "hours", sa.or_(
            sa.and_(Deadline.ended_at.is_(None), Deadline.status.in_(LIVE_STATUSES),
                    sa.or_(Deadline.provisional.is_(True), *touches)),
            sa.and_(Deadline.status == DeadlineStatus.MISSED, Deadline.met_at.is_not(None),
                    Deadline.provisional.is_(True))))
        .options(selectinload(Deadline.case)).order_by(Deadline.id)
    ).all()
    changed = 0
    for d in rows:
        if _refresh(d, cal, actor=actor, reason=reason):
            changed += 1
    db.session.flush()
    return changed


def _refresh(d: Deadline, cal: Calendar, *, actor: User | None, reason: str) -> bool:
    old_due, old_prov = d.due_date, d.provisional
    _apply(d, cal)
    if (d.due_date, d.provisional) == (old_due, old_prov):
        return False
    if d.due_date != old_due:
        d.provisional_confirmed_at = d.provisional_confirmed_by_id = None  # a confirmed date is no longer the date
    if d.status == DeadlineStatus.MISSED and d.met_at is None and not is_past_due(d):
        # The lapse was computed on a provisional calendar; the published one gives more time.
        d.status = DeadlineStatus.RUNNING
    elif d.status == DeadlineStatus.MISSED and d.met_at is not None and not is_past_due(d, d.met_at):
        d.status = DeadlineStatus.MET  # done after the provisional date but within the published one
    mark = "（暂定）"
    follow_anchor(d.case, d, actor=actor, cal=cal)
    record_event(
        d.case, tag="case:deadline:recompute", actor=actor,
        summary=(f"期限“{d.label}”重新计算：{old_due.isoformat()}{mark if old_prov else ''} → "
                 f"{d.due_date.isoformat()}{mark if d.provisional else ''}（{reason}）"),
        data={"deadline_id": d.id, "rule": d.rule_id, "old_due": old_due.isoformat(), "new_due": d.due_date.isoformat(),
              "old_provisional": old_prov, "new_provisional": d.provisional, "reason": reason,
              "explanation": d.explanation},
    )
    return True


def canonical_ids(case: Case, rule_ids: Iterable[str]) -> set[str]:
    """Resolve declared ids (aliases, kind-dependent generic ids) to the canonical ids stored on rows."""
    out: set[str] = set()
    for rid in rule_ids:
        # Stopping a generic id matches whatever the case started, even if its kind changed since.
        out.update(dispatch_ids(rid))
    return out


#: The case's deadline rows a page loaded already (case id, rows by id), while it asks its guards: nothing writes then.
_KNOWN: ContextVar[tuple[int, list[sa.Row]] | None] = ContextVar("caseflow_known_deadlines", default=None)


@contextmanager
def rows_known(case: Case, rows: list[sa.Row]) -> Iterator[None]:
    """While a page asks which actions the guards allow, let them read the case's deadline rows the page loaded
    (every row, oldest first, as reading.rows_of gives them: plain rows of the columns the guards read) instead of
    a query per guard. Only for reading: nothing may write inside."""
    token = _KNOWN.set((case.id, rows))
    try:
        yield
    finally:
        _KNOWN.reset(token)


def _open_rows(case: Case, ids: set[str] | None = None) -> list[Deadline]:
    stmt = sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.ended_at.is_(None),
                                     Deadline.status.in_(LIVE_STATUSES))
    if ids is not None:
        stmt = stmt.where(Deadline.rule_id.in_(sorted(ids)))
    return list(db.session.scalars(stmt.order_by(Deadline.id)))


def _open_to_read(case: Case, ids: set[str]) -> list[Deadline] | list[sa.Row]:
    """The open rows of ``ids`` for a guard: from the rows the page loaded (rows_known) when it did."""
    known = _KNOWN.get()
    if known is None or known[0] != case.id:
        return _open_rows(case, ids)
    return [d for d in known[1] if d.ended_at is None and d.status in LIVE_STATUSES and d.rule_id in ids]


def period_open(case: Case, rule_id: str) -> bool:
    """Whether the case's period of ``rule_id`` (an alias or generic id resolves) is still running."""
    return bool(_open_to_read(case, canonical_ids(case, (rule_id,))))


def _end(d: Deadline, status: DeadlineStatus | None, by: str, moment: dt.datetime) -> None:
    if status is not None:
        d.status = status
    d.ended_at, d.ended_by = moment, by[:32]


def _close_open_pause(d: Deadline, on: dt.date, key: str | None = None) -> None:
    d.pauses = close_pauses(d.pauses, on, key)
    d.paused_days = paused_days_of(d.pauses)


def awaits_delivery(rule: Rule) -> bool:
    # Party periods (and waiting periods such as 催告 → 强制执行) run from the recorded delivery (送达) date,
    # not the issue date; their trigger names a receipt.
    return rule.binds in ("party", "wait") and any(word in rule.trigger_label for word in ("收到", "送达"))


def start_deadline(case: Case, rule_id: str, *, actor: User | None = None, started_by: str,
                   at: dt.date | dt.datetime | None = None, trigger_label: str | None = None,
                   estimated: bool = False, calendar: Calendar | None = None,
                   amount: int | None = None) -> Deadline | None:
    """Start a rule's period on a case from ``at`` (now by default); supersede its open row if any.

    Returns None (with a log warning and an audit note) when no version of the rule applies, so that a
    gap in the rule table never blocks an office's action.
    """
    moment = at if at is not None else clock.now()
    trigger_date = clock.beijing_date(moment) if isinstance(moment, dt.datetime) else moment
    try:
        rule = rule_for(rule_id, trigger_date, case.unit.code, kind=case.kind, channel=case.channel)
    except LookupError as exc:
        log.warning("deadline rule %s not started on case %s: %s", rule_id, case.number, exc)
        record_event(case, tag="case:deadline:unavailable", actor=actor, summary=f"未能开始计算期限：{exc}",
                     data={"rule": rule_id})
        return None
    if not rule.governs(case.kind):
        return None  # not this kind's rule (the 90-day penalty limit on a dispute): nothing is missing
    for configure in hooks.current().rule_configs:
        # Office configuration may set a rule's amount and unit (先行禁令) or say it does not run at all (None).
        rule = configure(rule, case)
        if rule is None:
            return None
    if rule.anchor:
        anchor = latest_period(case, rule.anchor)
        if anchor is None:
            log.warning("deadline rule %s not started on case %s: no %s row", rule.id, case.number, rule.anchor)
            return None
        # The period runs from the anchor's last day (e.g. the end of the period to sue) and follows it.
        trigger_date, estimated = anchor.due_date, anchor.trigger_estimated
        trigger_label = f"{rule.trigger_label}（{anchor.label}届满日）"
    ended = clock.now()
    for old in _open_rows(case, {rule.id}):
        _end(old, DeadlineStatus.CANCELLED if old.status != DeadlineStatus.MISSED else None, "restart", ended)
    d = Deadline(
        case=case, rule_id=rule.id, label=rule.label, basis=rule.basis, binds=rule.binds,
        # An amount the action set: a floor for a minimum rule (举证期限), else the period the office chose (补正).
        amount=rule.amount if amount is None else (max(rule.amount, amount) if rule.minimum else amount),
        unit=rule.unit, backward=rule.backward, trigger_event=rule.trigger,
        trigger_label=(trigger_label or rule.trigger_label)[:200], trigger_date=trigger_date,
        trigger_at=moment if rule.unit == "hours" and isinstance(moment, dt.datetime) else None,
        trigger_estimated=estimated, started_by=started_by[:32], status=DeadlineStatus.RUNNING,
        pauses=[], paused_days=0, extensions=[],
    )
    if rule.unit == "hours" and d.trigger_at is None:
        # An hours period needs a moment; a bare date means the start of that Beijing day.
        d.trigger_at = dt.datetime.combine(trigger_date, dt.time(), BEIJING)
    _apply(d, calendar)
    db.session.add(d)
    db.session.flush()  # a rule anchored on this one (started next) finds it
    return d


#: anchor rule id → the rules that run from its due date (``Rule.anchor``).
ANCHORED: dict[str, set[str]] = {}
#: rule id → the rule its lapse starts (``Rule.on_lapse``).
ON_LAPSE: dict[str, str] = {}
for _r in DEFAULT_RULES:
    if _r.anchor:
        ANCHORED.setdefault(_r.anchor, set()).add(_r.id)
    if _r.on_lapse:
        ON_LAPSE[_r.id] = _r.on_lapse
del _r


def _anchored_on(rule_id: str) -> set[str]:
    """The rules that run from a row of ``rule_id``: an anchor names its rule or a prefix of it, as latest_period
    finds it (the enforcement window follows the period to sue a varied order as it follows the decision's)."""
    return {r for anchor, rules in ANCHORED.items() if rule_id.startswith(anchor) for r in rules}


def follow_anchor(case: Case, anchor: Deadline, *, actor: User | None, cal: Calendar | None = None) -> list[Deadline]:
    """Re-base the open rows that run from ``anchor``'s due date after it moved (a delivery, a new calendar)."""
    followers = [d for d in _open_rows(case, _anchored_on(anchor.rule_id))
                 if (d.trigger_date, d.trigger_estimated) != (anchor.due_date, anchor.trigger_estimated)]
    for d in followers:
        old_due = d.due_date
        d.trigger_date, d.trigger_estimated = anchor.due_date, anchor.trigger_estimated
        _apply(d, cal)
        if d.status == DeadlineStatus.MISSED and d.met_at is None and not is_past_due(d):
            d.status = DeadlineStatus.RUNNING
        record_event(case, tag="case:deadline:follow", actor=actor,
                     summary=f"“{anchor.label}”届满日为 {anchor.due_date.isoformat()}：“{d.label}”届满日 "
                             f"{old_due.isoformat()} → {d.due_date.isoformat()}",
                     data={"deadline_id": d.id, "rule": d.rule_id, "anchor_id": anchor.id,
                           "old_due": old_due.isoformat(), "new_due": d.due_date.isoformat()})
    return followers


def start_party_deadline(case: Case, rule_id: str, delivered_on: dt.date | dt.datetime,
                         actor: User | None) -> Deadline | None:
    """Start (or re-base) a party's period from the recorded delivery (送达) date.

    The notices domain calls this when it records delivery. A period the action started provisionally
    from its own date (``trigger_estimated``) is re-based on the delivery date and audited; otherwise a
    new period starts.
    """
    delivered = clock.beijing_date(delivered_on) if isinstance(delivered_on, dt.datetime) else delivered_on
    if delivered > clock.today():
        raise Invalid("送达日期不能晚于今天", fields={"delivered_on": "送达日期不能晚于今天"})
    rule_id = _variant_in_use(case, rule_id)
    try:
        rule = rule_for(rule_id, delivered, case.unit.code, kind=case.kind, channel=case.channel)
    except LookupError as exc:
        raise Invalid(str(exc)) from None
    estimated = [d for d in _open_rows(case, {rule.id}) if d.trigger_estimated]
    if estimated:
        d = estimated[-1]
        old_due = d.due_date
        d.trigger_date, d.trigger_label, d.trigger_estimated = delivered, rule.trigger_label, False
        _apply(d)
        if d.status == DeadlineStatus.MISSED and not is_past_due(d):
            d.status = DeadlineStatus.RUNNING
    else:
        old_due = None
        started = start_deadline(case, rule_id, actor=actor, started_by="delivery", at=delivered)
        if started is None:  # pragma: no cover - rule_for succeeded above
            return None
        d = started
    db.session.flush()
    record_event(
        case, tag="case:deadline:delivery", actor=actor,
        summary=(f"登记送达日期 {delivered.isoformat()}：“{d.label}”届满日 "
                 + (f"{old_due.isoformat()} → " if old_due else "") + d.due_date.isoformat()),
        data={"deadline_id": d.id, "rule": d.rule_id, "delivered_on": delivered.isoformat(),
              "old_due": old_due.isoformat() if old_due else None, "new_due": d.due_date.isoformat()},
    )
    follow_anchor(case, d, actor=actor)
    return d


def _variant_in_use(case: Case, rule_id: str) -> str:
    """The variant of ``rule_id`` the case's open rows run (e.g. the 30-day answer period without domicile)."""
    canonical = RULE_ALIASES.get(rule_id, rule_id)
    variants = RULE_VARIANTS.get(canonical, ())
    if variants and not _open_rows(case, {canonical}):
        open_variants = _open_rows(case, set(variants))
        if open_variants:
            return open_variants[-1].rule_id
    return rule_id


def latest_notice_day(unit_code: str | None, rule_id: str, event_day: dt.date) -> dt.date:
    """The last day a notice may go out before ``event_day`` under a backward rule (e.g. ADJ_HEARING_NOTICE).

    Counted on the office's published calendar as this session sees it (admin overrides included), with the
    rule version in force for the office (``None``: the national rule).
    """
    rule = rule_for(rule_id, clock.today(), unit_code)
    # "3个工作日前", read cautiously: three whole working days lie between the notice and the event, so the last day
    # to give it is one working day earlier than a plain backward count of three.
    clear = current_app.config.get("HEARING_NOTICE_CLEAR_DAYS", True) if has_app_context() else True
    return rule.due(event_day, calendar=session_calendar(), amount=rule.amount + 1 if clear else None).due


def _party_ended(decl, actor: User | None) -> bool:
    return bool(decl.closes) and actor is not None and not actor.is_staff and not decl.completes_office_task


def stop_deadlines(case: Case, rule_ids: Iterable[str], *, action, actor: User | None,
                   done_on: dt.date | None = None) -> list[Deadline]:
    """Mark the open rows of ``rule_ids`` met (on time) or missed (late); cancelled when a party ended it.

    ``done_on``: the day the act was done when the action records it afterwards (a 送达 date); else now.
    """
    moment = clock.now()
    if done_on is not None:
        moment = min(moment, dt.datetime.combine(done_on, dt.time(23, 59, 59), BEIJING))
    rows = _open_rows(case, canonical_ids(case, rule_ids))
    for d in rows:
        by_party = actor is not None and not actor.is_staff and not action.completes_office_task
        if _party_ended(action, actor) or (by_party and d.binds in ACCOUNTABLE_BINDS):
            _cancel([d], action.name, moment)
            continue
        if d.status == DeadlineStatus.PAUSED:
            # Done while the clock stood still: on time by definition.
            _close_open_pause(d, clock.beijing_date(moment))
            _apply(d)
            d.status = DeadlineStatus.MET
        elif d.status == DeadlineStatus.RUNNING and not is_past_due(d, moment):
            d.status = DeadlineStatus.MET
        elif done_on is not None and d.status == DeadlineStatus.MISSED and not is_past_due(d, moment):
            d.status = DeadlineStatus.MET  # done in time, recorded after the row lapsed
        else:
            d.status = DeadlineStatus.MISSED
        # A party's lapsed period closed by the office (答辩期满, 逾期未补正): the party never acted.
        lapsed_party = d.status == DeadlineStatus.MISSED and d.binds == "party" and not by_party
        d.met_at = None if lapsed_party else moment
        _end(d, None, action.name, moment)
    return rows


def stop_on_delivery(case: Case, rule_ids: Iterable[str], delivered: dt.date, *, actor: User | None,
                     what: str) -> list[Deadline]:
    """End the office's service periods (局令81 arts 22, 65) on the day the document reached its addressees.

    Met when served by the due date, missed when later; a delivery recorded after the row was marked missed but
    made in time makes it met (the service, not its recording, is what the law times).
    """
    moment = dt.datetime.combine(delivered, dt.time(), BEIJING)
    rows = _open_rows(case, canonical_ids(case, rule_ids))
    for d in rows:
        if d.status == DeadlineStatus.PAUSED:
            _close_open_pause(d, delivered)
            _apply(d)
        d.status = DeadlineStatus.MET if delivered <= d.due_date else DeadlineStatus.MISSED
        d.met_at = moment
        _end(d, None, "delivery", clock.now())
        verdict = "按期完成" if d.status == DeadlineStatus.MET else "逾期完成"
        record_event(case, tag="case:deadline:served", actor=actor,
                     summary=f"{what}于 {delivered.isoformat()} 送达完毕：“{d.label}”{verdict}（届满日 "
                             f"{d.due_date.isoformat()}）",
                     data={"deadline_id": d.id, "rule": d.rule_id, "delivered_on": delivered.isoformat(),
                           "status": d.status.value})
    return rows


def pause_reason(action, data: dict) -> str:
    """How a pause interval names its cause: the action, and its chosen reason or excluded period."""
    for name in ("reason", "period"):
        value = (data or {}).get(name)
        spec = action.fields.get(name) if action.fields else None
        choices = getattr(spec, "choices", None) or {}
        if value:
            return f"{action.label}：{choices.get(value, value)}"
    return action.label


def pause_deadlines(case: Case, rule_ids: Iterable[str], *, action, data: dict) -> list[Deadline]:
    """Open a pause interval of the action's kind (``pause_key``) on the open rows of ``rule_ids``."""
    on = clock.today()
    key = getattr(action, "pause_key", "") or ""
    rows = []
    for d in _open_rows(case, canonical_ids(case, rule_ids)):
        if d.status not in (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED) or d.unit == "hours":
            continue
        pauses = open_pause(d.pauses, on, pause_reason(action, data), key)
        if pauses is None:
            continue  # already stopped for this reason
        d.pauses, d.status = pauses, DeadlineStatus.PAUSED
        _apply(d)
        rows.append(d)
    return rows


def resume_deadlines(case: Case, rule_ids: Iterable[str], *, key: str = "") -> list[Deadline]:
    """Close the open pause interval of ``key`` (every open one for ``""``); the clock runs again once no
    interval is open, the due date moved by the paused natural days before the roll."""
    on = clock.today()
    rows = [d for d in _open_rows(case, canonical_ids(case, rule_ids)) if d.status == DeadlineStatus.PAUSED]
    for d in rows:
        _close_open_pause(d, on, key or None)
        if not has_open_pause(d.pauses):
            d.status = DeadlineStatus.RUNNING
        _apply(d)
    return rows


def exclude_interval(case: Case, rule_ids: Iterable[str], start: dt.date, end: dt.date, *, reason: str, key: str,
                     actor: User | None) -> list[Deadline]:
    """Exclude a known interval (e.g. an extended 举证期限, a 公告送达's 30 days) from the open rows of ``rule_ids``.

    The due date moves by the days not already excluded; a row that had lapsed runs again if that gives time.
    """
    if end <= start:
        return []
    rows = []
    for d in _open_rows(case, canonical_ids(case, rule_ids)):
        if d.unit == "hours" or d.backward:
            continue
        old_due = d.due_date
        d.pauses = [*(dict(p) for p in d.pauses or []),
                    {"from": start.isoformat(), "to": end.isoformat(), "reason": reason, "key": key}]
        d.paused_days = paused_days_of(d.pauses)
        _apply(d)
        if d.status == DeadlineStatus.MISSED and d.met_at is None and not is_past_due(d):
            d.status = DeadlineStatus.RUNNING
        record_event(case, tag="case:deadline:exclude", actor=actor,
                     summary=(f"期限“{d.label}”不计入 {start.isoformat()} 至 {end.isoformat()}（{reason}）："
                              f"{old_due.isoformat()} → {d.due_date.isoformat()}"),
                     data={"deadline_id": d.id, "rule": d.rule_id, "from": start.isoformat(), "to": end.isoformat(),
                           "old_due": old_due.isoformat(), "new_due": d.due_date.isoformat(), "key": key})
        rows.append(d)
    return rows


def exclude_pausable(case: Case, kind: str, start: dt.date, end: dt.date, *, reason: str, key: str,
                     actor: User | None) -> list[Deadline]:
    """Exclude an interval from the case's open rows whose rule lists ``kind`` among its excluded periods
    (``Rule.pausable``; e.g. 局令81 art. 37's 公告 for the 30 days of a 公告送达)."""
    ids = set()
    for d in _open_rows(case):
        rule = _rule_or_none(case, d.rule_id, d.trigger_date)
        if rule is not None and kind in rule.pausable:
            ids.add(d.rule_id)
    return exclude_interval(case, ids, start, end, reason=reason, key=key, actor=actor) if ids else []


def approval_record(case: Case, action_name: str, actor: User | None) -> dict:
    """Who asked for and who approved the action that just ran (its audit event names the approval request)."""
    from caseflow.approvals.services import approval_behind

    request = approval_behind(case, action_name)
    if request is not None:
        return {"by": request.requested_by.username, "approved_by": getattr(request.decided_by, "username", None),
                "approval_id": request.id}
    # Done directly by someone who may (a supervisor, or an officer where the office needs no approval).
    who = actor.username if actor else None
    return {"by": who, "approved_by": who, "approval_id": None}


def extension_step(rule: Rule | None, used: int):
    """The next step of a rule's extension policy after ``used`` approved ones, or None when none is left."""
    steps = rule.extensions if rule else ()
    if used < len(steps):
        return steps[used]
    if steps and steps[-1].repeatable:
        return steps[-1]
    return None


def extension_refused(case: Case, prefix: str, data: dict | None = None) -> str | None:
    """Why the period ``prefix`` cannot be extended now (None: it can), for the guards."""
    rows = _open_to_read(case, canonical_ids(case, (prefix,)))
    live = [d for d in rows if d.status in (DeadlineStatus.PAUSED, DeadlineStatus.RUNNING) and not is_past_due(d)]
    if not live:
        return "期限已经届满，不能再延长" if rows else "没有正在计时的该项期限"
    for d in live:
        step = extension_step(_rule_or_none(case, d.rule_id, d.trigger_date), len(d.extensions or []))
        if step is None:
            return f"“{d.label}”已无可批准的延长" if d.extensions else f"“{d.label}”依法不能延长"
        if step.amount is None and not step.amount_field:
            return f"“{d.label}”的延长期间须由{APPROVERS.get(step.approver, step.approver)}确定，暂不能在此延长"
    return None


def extend_deadlines(case: Case, rule_ids: Iterable[str], *, action, actor: User | None,
                     data: dict) -> list[Deadline]:
    """Apply the next step of each rule's extension policy (the action carries the approval, recorded here)."""
    rows = _open_rows(case, canonical_ids(case, rule_ids))
    live = [d for d in rows if d.status in (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED)]
    if rows and not live:
        raise Conflict("期限已经届满，不能再延长")
    for d in live:
        rule = _rule_or_none(case, d.rule_id, d.trigger_date)
        step = extension_step(rule, len(d.extensions or []))
        if step is None:
            raise Conflict(f"“{d.label}”已无可批准的延长" if rule and rule.extensions else f"“{d.label}”依法不能延长")
        approver = APPROVERS.get(step.approver, step.approver)
        amount = step.amount
        if amount is None and step.amount_field:
            try:
                amount = int((data or {}).get(step.amount_field) or 0)
            except (TypeError, ValueError):
                amount = 0
            if amount <= 0:
                raise Invalid("请填写延长的期间", fields={step.amount_field: "请填写延长的期间"})
        if amount is None:
            # No fixed amount (e.g. the panel decides the answer period): nothing to compute from here.
            raise Conflict(f"“{d.label}”的延长期间须由{approver}确定，暂不能在此延长")
        old = d.due_date
        d.extensions = [*(d.extensions or []), {
            "amount": amount, "unit": step.unit, "approver": step.approver, "on": clock.today().isoformat(),
            "reason": (data or {}).get("reason") or step.condition, **approval_record(case, action.name, actor),
        }]
        _apply(d)
        record_event(
            case, tag="case:deadline:extend", actor=actor,
            summary=(f"期限“{d.label}”延长 {unit_text(amount, step.unit)}（{approver}批准）："
                     f"{old.isoformat()} → {d.due_date.isoformat()}"),
            data={"deadline_id": d.id, "rule": d.rule_id, "old_due": old.isoformat(),
                  "new_due": d.due_date.isoformat(), "amount": amount, "unit": step.unit,
                  "approver": step.approver, "approved_by": d.extensions[-1]["approved_by"],
                  "approval_id": d.extensions[-1]["approval_id"]},
        )
        if step.excludes and d.due_date > old:
            # 局令81 art. 37: the time the party was given on its application is not counted on the case clock.
            exclude_interval(case, step.excludes, old, d.due_date, reason=f"当事人申请延长{d.label}",
                             key=f"extension:{d.rule_id}", actor=actor)
    return live


def cancel_deadlines(case: Case, rule_ids: Iterable[str], *, by: str) -> list[Deadline]:
    """End the open rows of ``rule_ids`` that became moot (neither met nor missed by anyone)."""
    return _cancel(_open_rows(case, canonical_ids(case, rule_ids)), by)


def cancel_open(case: Case, *, by: str, keep: Iterable[Deadline] = ()) -> list[Deadline]:
    """End every open row of a case except ``keep`` (the case closed)."""
    kept = {id(d) for d in keep}
    return _cancel([d for d in _open_rows(case) if id(d) not in kept], by)


def _cancel(rows: list[Deadline], by: str, moment: dt.datetime | None = None) -> list[Deadline]:
    """End ``rows`` that became moot: running or paused ones are cancelled, a missed one stays missed."""
    moment = moment or clock.now()
    for d in rows:
        if d.status == DeadlineStatus.PAUSED:
            _close_open_pause(d, clock.beijing_date(moment))
        _end(d, DeadlineStatus.CANCELLED if d.status != DeadlineStatus.MISSED else None, by, moment)
    return rows


def mark_missed(case: Case | None = None, *, actor: User | None = None) -> list[Deadline]:
    """Persist ``missed`` on running rows whose due date (or time) has passed; audit each on its case."""
    moment = clock.now()
    stmt = sa.select(Deadline).where(
        Deadline.status == DeadlineStatus.RUNNING, Deadline.ended_at.is_(None),
        sa.or_(sa.and_(Deadline.due_at.is_(None), Deadline.due_date < clock.beijing_date(moment)),
              Deadline.due_at < moment),
    )
    if case is not None:
        stmt = stmt.where(Deadline.case_id == case.id)
    rows = list(db.session.scalars(stmt.options(selectinload(Deadline.case)).order_by(Deadline.id)))
    for d in rows:
        d.status = DeadlineStatus.MISSED
        what = "已超期" if d.binds in ACCOUNTABLE_BINDS else ("等待期已满" if d.binds == "wait" else "已届满")
        record_event(d.case, tag="case:deadline:missed", actor=actor,
                     summary=f"期限{what}：{d.label}（届满日 {d.due_date.isoformat()}）",
                     data={"deadline_id": d.id, "rule": d.rule_id, "due": d.due_date.isoformat()})
        if d.rule_id in ON_LAPSE:
            # E.g. the office's enforcement window lapsed: the right holder's own 6 months run from its last day.
            start_deadline(d.case, ON_LAPSE[d.rule_id], actor=actor, started_by="lapse", at=d.due_date)
    return rows


def latest_period(case: Case, prefix: str) -> Deadline | sa.Row | None:
    """The case's latest (not cancelled) row of the period whose rule id starts with ``prefix``, or None."""
    ids = canonical_ids(case, (prefix,))
    known = _KNOWN.get()
    if known is not None and known[0] == case.id:
        rows: Iterable[Deadline | sa.Row] = (d for d in reversed(known[1]) if d.status != DeadlineStatus.CANCELLED)
    else:
        rows = db.session.scalars(
            sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.status != DeadlineStatus.CANCELLED)
            .order_by(Deadline.id.desc())
        )
    return next((d for d in rows if d.rule_id in ids or d.rule_id.startswith(prefix)), None)


def has_run_out(d: Deadline | sa.Row | None) -> bool:
    """Tell whether a period has run out now (missed, or running past its due day or hour).

    A party's period whose due date is provisional (a year without a published holiday schedule) has not run out
    until the year is published or a staff member confirms the date: the party may have more time.
    """
    if d is None or (d.binds == "wait" and d.trigger_estimated):
        return False  # a waiting period runs from the recorded delivery only
    if awaits_calendar(d):
        return False
    if d.status == DeadlineStatus.MISSED:
        return True
    return d.status == DeadlineStatus.RUNNING and is_past_due(d)


def unconfirmed_lapse(case: Case, prefix: str) -> str | None:
    """Why the period ``prefix`` may not be treated as run out although its provisional due date has passed."""
    d = latest_period(case, prefix)
    if d is None or not awaits_calendar(d) or d.status not in (DeadlineStatus.RUNNING, DeadlineStatus.MISSED) \
            or not is_past_due(d):
        return None
    return (f"“{d.label}”的届满日 {d.due_date.isoformat()} 为暂定日期（所涉年度的放假安排尚未发布）：待管理员发布"
            "该年度放假安排，或工作人员核实后在“法定期限”中确认届满日，方可按期限届满办理")


def confirm_provisional(d: Deadline, *, actor: User) -> Deadline:
    """A staff member checked the published schedule (or the calendar) and confirms a provisional due date."""
    if not d.provisional:
        raise Conflict("该期限的届满日不是暂定日期，无需确认")
    if d.provisional_confirmed_at is not None:
        raise Conflict("该期限的暂定届满日已经确认")
    if not d.is_open:
        raise Conflict("该期限已经结束")
    d.provisional_confirmed_at, d.provisional_confirmed_by = clock.now(), actor
    record_event(d.case, tag="case:deadline:confirm", actor=actor,
                 summary=f"确认期限“{d.label}”的暂定届满日 {d.due_date.isoformat()}（经核实）",
                 data={"deadline_id": d.id, "rule": d.rule_id, "due": d.due_date.isoformat()})
    db.session.flush()
    return d


def deadline_passed(case: Case, prefix: str) -> bool:
    """Tell whether the case's latest period whose rule id starts with ``prefix`` has run out."""
    return has_run_out(latest_period(case, prefix))


def on_create(case: Case, actor: User | None) -> None:
    """Start the procedure's creation deadlines (the complaint's acceptance period by kind, ADJ_DOCKET …).

    They run from the day the request was received: today for a new filing, the complaint's day for an
    adjudication converted from one (局令81 art. 20: one 立案 period per request, not a new one at conversion).
    """
    for rule_id in workflows.procedure(case.procedure).starts_on_create:
        start_deadline(case, rule_id, actor=actor, started_by="create", at=case.received_at or clock.now())
    db.session.flush()


def on_action(case: Case, fired, actor: User | None, data: dict) -> None:
    """Apply an action's declared stops, pauses, resumes, extends and starts; end what closing leaves."""
    decl = fired.action
    # Lapses first, audited as such, so a stop after the due date reads "missed, then done late".
    mark_missed(case, actor=None)
    if decl.stops:
        stop_deadlines(case, decl.stops, action=decl, actor=actor, done_on=_done_on(decl, data))
    if decl.cancels:
        cancel_deadlines(case, decl.cancels, by=decl.name)
    if decl.pauses:
        pause_deadlines(case, decl.pauses, action=decl, data=data)
    if decl.resumes:
        resume_deadlines(case, decl.resumes, key=decl.pause_key)
    if decl.extends:
        extend_deadlines(case, decl.extends, action=decl, actor=actor, data=data)
    started = []
    # An act recorded afterwards (a judgment received) starts its periods from the day it names.
    done = _done_on(decl, data) if decl.starts else None
    for rule_id in decl.starts:
        rule = _rule_or_none(case, rule_id, done)
        if done is not None:
            d = start_deadline(case, rule_id, actor=actor, started_by=decl.name, at=done)
        elif rule is not None and awaits_delivery(rule):
            # TODO(notices): the notices domain records the delivery (送达) date and calls
            # start_party_deadline(), which re-bases this row. Until then the party's period runs from
            # the action's date, and the row and its explanation say so (trigger_estimated).
            label = f"“{decl.label}”之日（送达日期尚未登记，暂代{rule.trigger_label}）"
            d = start_deadline(case, rule_id, actor=actor, started_by=decl.name, trigger_label=label, estimated=True,
                               amount=_amount_from(rule, data))
        else:
            d = start_deadline(case, rule_id, actor=actor, started_by=decl.name,
                               amount=_amount_from(rule, data) if rule is not None else None)
        if d is not None:
            started.append(d)
    db.session.flush()
    proc = workflows.procedure(case.procedure)
    state = proc.states.get(fired.to_state)
    if state is not None and state.terminal:
        cancel_open(case, by="terminal", keep=started)
    elif decl.closes:
        cancel_open(case, by="close", keep=started)
    db.session.flush()


def _done_on(decl, data: dict) -> dt.date | None:
    """The day an action says its act was done (``Action.done_on``), checked: not in the future."""
    if not decl.done_on:
        return None
    raw = (data or {}).get(decl.done_on)
    try:
        day = dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise Invalid("日期无效", fields={decl.done_on: "请填写有效日期"}) from None
    if day > clock.today():
        what = "送达日期" if decl.done_on == "delivered_on" else "日期"
        raise Invalid("日期不能晚于今天", fields={decl.done_on: f"{what}不能晚于今天"})
    return day


def _amount_from(rule: Rule, data: dict) -> int | None:
    """The amount an action set for a rule (举证期限 ``days``, 补正期限 ``due_in_days``), if any."""
    if not rule.amount_field:
        return None
    try:
        return int((data or {}).get(rule.amount_field) or 0) or None
    except (TypeError, ValueError):
        return None


def _rule_or_none(case: Case, rule_id: str, on: dt.date | None = None) -> Rule | None:
    try:
        return rule_for(rule_id, on or clock.today(), case.unit.code, kind=case.kind, channel=case.channel)
    except LookupError:
        return None

