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
  (resume date − pause date) to the unrolled due date before the rest-day roll (docs/deadlines.md).
- ``extends``: the next step of the rule's extension policy (e.g. ADJ_CASE_LIMIT +1 month, then +2);
  the action itself carries the approval. No step left, or the period already missed → 409.
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
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
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
from caseflow.deadlines.models import LIVE_STATUSES, Deadline, DeadlineStatus
from caseflow.deadlines.office_calendar import calendar_version, current_calendar, session_calendar, year_bounds
from caseflow.deadlines.rules import KIND_DISPATCH, RULE_ALIASES, RULE_VARIANTS, Rule, rule_for

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
    """Compute a row's due date from its trigger, amount, closed pauses and approved extensions."""
    cal = cal or current_calendar()
    same = [e for e in d.extensions or [] if e["unit"] == d.unit]
    other = [e for e in d.extensions or [] if e["unit"] != d.unit]
    amount = d.amount + sum(int(e["amount"]) for e in same)
    start = d.trigger_at if d.unit == "hours" and d.trigger_at is not None else d.trigger_date
    due = due_date(start, amount, d.unit, d.backward, calendar=cal, paused_days=d.paused_days or 0,
                   trigger_label=d.trigger_label)
    notes = []
    closed = [p for p in d.pauses or [] if p.get("to")]
    if closed:
        spans = "、".join(
            f"{p['from']} 至 {p['to']}（{(dt.date.fromisoformat(p['to']) - dt.date.fromisoformat(p['from'])).days} 日，"
            f"{p.get('reason') or '暂停'}）" for p in closed)
        notes.append(f"暂停期间 {spans} 不计入")
    if same:
        added = sum(int(e["amount"]) for e in same)
        notes.append(f"法定期限 {unit_text(d.amount, d.unit)}，经批准延长 {unit_text(added, d.unit)}")
    text = "；".join([*notes, due.explanation])
    result, provisional = due.due, due.provisional
    for e in other:
        nxt = due_date(result, int(e["amount"]), e["unit"], calendar=cal, trigger_label="原届满日")
        text += f"；经批准延长：{nxt.explanation}"
        result, provisional = nxt.due, provisional or nxt.provisional
    open_pause = next((p for p in d.pauses or [] if not p.get("to")), None)
    if open_pause:
        text += f"（自 {open_pause['from']} 起暂停：{open_pause.get('reason') or '暂停'}；恢复后按暂停天数顺延）"
    last = result.astimezone(BEIJING).date() if isinstance(result, dt.datetime) else result
    return Computed(result, provisional, text, calendar_version(cal, d.trigger_date, last))


def _apply(d: Deadline, cal: Calendar | None = None) -> None:
    c = compute(d, cal)
    if isinstance(c.due, dt.datetime):
        d.due_at, d.due_date = c.due, c.due.astimezone(BEIJING).date()
    else:
        d.due_at, d.due_date = None, c.due
    d.provisional, d.explanation, d.calendar_version = c.provisional, c.explanation, c.version


def is_past_due(d: Deadline, moment: dt.datetime | None = None) -> bool:
    moment = moment or clock.now()
    if d.due_at is not None:
        return moment > d.due_at
    return clock.beijing_date(moment) > d.due_date


def recompute_for_years(years: Iterable[int], *, calendar: Calendar | None = None, actor: User | None = None,
                        reason: str) -> int:
    """Recompute every open deadline that was provisional or whose period touches one of ``years``.

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
        sa.select(Deadline).where(Deadline.ended_at.is_(None), Deadline.status.in_(LIVE_STATUSES),
                                  Deadline.unit != "hours", sa.or_(Deadline.provisional.is_(True), *touches))
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
    if d.status == DeadlineStatus.MISSED and d.met_at is None and not is_past_due(d):
        # The lapse was computed on a provisional calendar; the published one gives more time.
        d.status = DeadlineStatus.RUNNING
    mark = "（暂定）"
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
        if rid in KIND_DISPATCH:
            by_kind = KIND_DISPATCH[rid]
            # Stopping matches whatever the case started, even if its kind changed since.
            out.update(by_kind.values())
        else:
            out.add(RULE_ALIASES.get(rid, rid))
    return out


def _open_rows(case: Case, ids: set[str] | None = None) -> list[Deadline]:
    stmt = sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.ended_at.is_(None),
                                     Deadline.status.in_(LIVE_STATUSES))
    if ids is not None:
        stmt = stmt.where(Deadline.rule_id.in_(sorted(ids)))
    return list(db.session.scalars(stmt.order_by(Deadline.id)))


def _end(d: Deadline, status: DeadlineStatus | None, by: str, moment: dt.datetime) -> None:
    if status is not None:
        d.status = status
    d.ended_at, d.ended_by = moment, by[:32]


def _close_open_pause(d: Deadline, on: dt.date) -> int:
    pauses = [dict(p) for p in d.pauses or []]
    added = 0
    for p in pauses:
        if not p.get("to"):
            p["to"] = on.isoformat()
            added += (on - dt.date.fromisoformat(p["from"])).days
    d.pauses = pauses
    d.paused_days = (d.paused_days or 0) + added
    return added


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
        rule = rule_for(rule_id, trigger_date, case.unit.code, kind=case.kind)
    except LookupError as exc:
        log.warning("deadline rule %s not started on case %s: %s", rule_id, case.number, exc)
        record_event(case, tag="case:deadline:unavailable", actor=actor, summary=f"未能开始计算期限：{exc}",
                     data={"rule": rule_id})
        return None
    for configure in hooks.current().rule_configs:
        # Office configuration may set a rule's amount and unit (先行禁令) or say it does not run at all (None).
        rule = configure(rule, case)
        if rule is None:
            return None
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
    return d


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
        rule = rule_for(rule_id, delivered, case.unit.code, kind=case.kind)
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
    return rule.due(event_day, calendar=session_calendar()).due


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
            if d.status == DeadlineStatus.PAUSED:
                _close_open_pause(d, clock.beijing_date(moment))
            _end(d, DeadlineStatus.CANCELLED if d.status != DeadlineStatus.MISSED else None, action.name, moment)
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


def _reason_text(action, data: dict) -> str:
    reason = (data or {}).get("reason")
    spec = action.fields.get("reason") if action.fields else None
    choices = getattr(spec, "choices", None) or {}
    if reason and reason in choices:
        reason = choices[reason]
    return f"{action.label}：{reason}" if reason else action.label


def pause_deadlines(case: Case, rule_ids: Iterable[str], *, action, data: dict) -> list[Deadline]:
    """Open a pause interval on the running rows of ``rule_ids`` (中止, 调解 …)."""
    on = clock.today()
    rows = [d for d in _open_rows(case, canonical_ids(case, rule_ids))
            if d.status == DeadlineStatus.RUNNING and d.unit != "hours"]
    for d in rows:
        d.pauses = [*(d.pauses or []), {"from": on.isoformat(), "to": None, "reason": _reason_text(action, data)}]
        d.status = DeadlineStatus.PAUSED
        _apply(d)
    return rows


def resume_deadlines(case: Case, rule_ids: Iterable[str]) -> list[Deadline]:
    """Close the open pause interval; the due date moves by the paused natural days before the roll."""
    on = clock.today()
    rows = [d for d in _open_rows(case, canonical_ids(case, rule_ids)) if d.status == DeadlineStatus.PAUSED]
    for d in rows:
        _close_open_pause(d, on)
        d.status = DeadlineStatus.RUNNING
        _apply(d)
    return rows


def extend_deadlines(case: Case, rule_ids: Iterable[str], *, action, actor: User | None,
                     data: dict) -> list[Deadline]:
    """Apply the next step of each rule's extension policy (the action carries the approval)."""
    rows = _open_rows(case, canonical_ids(case, rule_ids))
    live = [d for d in rows if d.status in (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED)]
    if rows and not live:
        raise Conflict("期限已经届满，不能再延长")
    for d in live:
        try:
            rule = rule_for(d.rule_id, d.trigger_date, case.unit.code)
        except LookupError:
            rule = None
        steps = rule.extensions if rule else ()
        used = len(d.extensions or [])
        if used >= len(steps):
            raise Conflict(f"“{d.label}”已无可批准的延长" if steps else f"“{d.label}”依法不能延长")
        step = steps[used]
        approver = APPROVERS.get(step.approver, step.approver)
        if step.amount is None:
            # No fixed amount (e.g. the panel decides the answer period): nothing to compute from here.
            raise Conflict(f"“{d.label}”的延长期间须由{approver}确定，暂不能在此延长")
        old = d.due_date
        d.extensions = [*(d.extensions or []), {
            "amount": step.amount, "unit": step.unit, "approver": step.approver, "on": clock.today().isoformat(),
            "by": actor.username if actor else None, "reason": (data or {}).get("reason") or step.condition,
        }]
        _apply(d)
        record_event(
            case, tag="case:deadline:extend", actor=actor,
            summary=(f"期限“{d.label}”延长 {unit_text(step.amount, step.unit)}（{approver}批准）："
                     f"{old.isoformat()} → {d.due_date.isoformat()}"),
            data={"deadline_id": d.id, "rule": d.rule_id, "old_due": old.isoformat(),
                  "new_due": d.due_date.isoformat(), "amount": step.amount, "unit": step.unit,
                  "approver": step.approver},
        )
    return live


def cancel_open(case: Case, *, by: str, keep: Iterable[Deadline] = ()) -> list[Deadline]:
    """End every open row of a case except ``keep`` (the case closed); running or paused ones are cancelled."""
    moment = clock.now()
    kept = {id(d) for d in keep}
    rows = [d for d in _open_rows(case) if id(d) not in kept]
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
    return rows


def latest_period(case: Case, prefix: str) -> Deadline | None:
    """The case's latest (not cancelled) row of the period whose rule id starts with ``prefix``, or None."""
    ids = canonical_ids(case, (prefix,))
    rows = db.session.scalars(
        sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.status != DeadlineStatus.CANCELLED)
        .order_by(Deadline.id.desc())
    )
    return next((d for d in rows if d.rule_id in ids or d.rule_id.startswith(prefix)), None)


def has_run_out(d: Deadline | None) -> bool:
    """Tell whether a period has run out now (missed, or running past its due day or hour)."""
    if d is None or (d.binds == "wait" and d.trigger_estimated):
        return False  # a waiting period runs from the recorded delivery only
    if d.status == DeadlineStatus.MISSED:
        return True
    return d.status == DeadlineStatus.RUNNING and is_past_due(d)


def deadline_passed(case: Case, prefix: str) -> bool:
    """Tell whether the case's latest period whose rule id starts with ``prefix`` has run out."""
    return has_run_out(latest_period(case, prefix))


def on_create(case: Case, actor: User | None) -> None:
    """Start the procedure's creation deadlines (the complaint's acceptance period by kind, ADJ_DOCKET …)."""
    # create_case stamps received_at with the current time, so "now" is the day the request was received.
    for rule_id in workflows.procedure(case.procedure).starts_on_create:
        start_deadline(case, rule_id, actor=actor, started_by="create")
    db.session.flush()


def on_action(case: Case, fired, actor: User | None, data: dict) -> None:
    """Apply an action's declared stops, pauses, resumes, extends and starts; end what closing leaves."""
    decl = fired.action
    # Lapses first, audited as such, so a stop after the due date reads "missed, then done late".
    mark_missed(case, actor=None)
    if decl.stops:
        stop_deadlines(case, decl.stops, action=decl, actor=actor, done_on=_done_on(decl, data))
    if decl.pauses:
        pause_deadlines(case, decl.pauses, action=decl, data=data)
    if decl.resumes:
        resume_deadlines(case, decl.resumes)
    if decl.extends:
        extend_deadlines(case, decl.extends, action=decl, actor=actor, data=data)
    started = []
    for rule_id in decl.starts:
        rule = _rule_or_none(case, rule_id)
        if rule is not None and awaits_delivery(rule):
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
        raise Invalid("日期不能晚于今天", fields={decl.done_on: "送达日期不能晚于今天"})
    return day


def _amount_from(rule: Rule, data: dict) -> int | None:
    """The amount an action set for a rule (举证期限 ``days``, 补正期限 ``due_in_days``), if any."""
    if not rule.amount_field:
        return None
    try:
        return int((data or {}).get(rule.amount_field) or 0) or None
    except (TypeError, ValueError):
        return None


def _rule_or_none(case: Case, rule_id: str) -> Rule | None:
    try:
        return rule_for(rule_id, clock.today(), case.unit.code, kind=case.kind)
    except LookupError:
        return None

