"""Scheduling hearings with conflict checks (rooms, panel members, parties), postponement, the record, calendars.

The workflow action ``schedule_hearing`` (guarded by the 3-working-day notice rule of 局令81 art. 26) calls
``schedule_from_action`` through its effect; a conflict raises and the whole action is rolled back.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from caseflow.accounts.models import Unit, User
from caseflow.accounts.services import display_names
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, PartyRole
from caseflow.core.clock import BEIJING
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid
from caseflow.hearings.models import Hearing, HearingRoom

DEFAULT_START = dt.time(9, 30)
DEFAULT_HOURS = 3
LIVE = ("scheduled",)


def rooms(unit: Unit, *, include_disabled: bool = False) -> list[HearingRoom]:
    stmt = sa.select(HearingRoom).where(HearingRoom.unit_id == unit.id)
    if not include_disabled:
        stmt = stmt.where(HearingRoom.is_disabled.is_(False))
    return list(db.session.scalars(stmt.order_by(HearingRoom.code)))


def add_room(unit: Unit, code: str, name: str, *, address: str | None = None) -> HearingRoom:
    code, name = (code or "").strip(), (name or "").strip()
    errors = {}
    if not code or len(code) > 32:
        errors["code"] = "请填写审理庭编号（不超过32字）"
    if not name or len(name) > 100:
        errors["name"] = "请填写审理庭名称（不超过100字）"
    if errors:
        raise Invalid("审理庭信息有误", fields=errors)
    if room_by_code(unit, code) is not None:
        raise Invalid("审理庭编号已存在", fields={"code": "本单位已有该编号的审理庭"})
    room = HearingRoom(unit_id=unit.id, code=code, name=name, address=address or None)
    db.session.add(room)
    db.session.flush()
    return room


def room_by_code(unit: Unit, code: str) -> HearingRoom | None:
    return db.session.scalar(sa.select(HearingRoom).where(HearingRoom.unit_id == unit.id, HearingRoom.code == code))


def party_keys(case: Case) -> list[str]:
    """Who appears at a hearing: claimants and respondents, by identity number or else by name."""
    keys = []
    for p in case.parties:
        if p.role in (PartyRole.CLAIMANT, PartyRole.RESPONDENT):
            keys.append(f"id:{p.id_number}" if p.id_number else f"name:{p.name.strip()}")
    return sorted(set(keys))


def _moment(day: dt.date, start: str | None) -> dt.datetime:
    if start:
        try:
            t = dt.time.fromisoformat(start.strip())
        except ValueError:
            raise Invalid("开始时间格式应为 HH:MM", fields={"start_time": "例如 09:30"}) from None
    else:
        t = DEFAULT_START
    return dt.datetime.combine(day, t, BEIJING)


def _overlapping(starts: dt.datetime, ends: dt.datetime, *, exclude_case: int | None = None) -> list[Hearing]:
    stmt = sa.select(Hearing).where(Hearing.status.in_(LIVE), Hearing.starts_at < ends, Hearing.ends_at > starts)
    if exclude_case is not None:
        stmt = stmt.where(Hearing.case_id != exclude_case)
    return list(db.session.scalars(stmt.order_by(Hearing.starts_at)))


def conflicts(*, starts: dt.datetime, ends: dt.datetime, room: HearingRoom | None, members: list[str],
              keys: list[str], case_id: int | None) -> list[str]:
    """Every reason the slot is taken: a booked room, a panel member or a party booked elsewhere."""
    reasons = []
    for h in _overlapping(starts, ends, exclude_case=case_id):
        when = f"{h.starts_at.astimezone(BEIJING):%Y-%m-%d %H:%M}—{h.ends_at.astimezone(BEIJING):%H:%M}"
        if room is not None and h.room_id == room.id:
            reasons.append(f"审理庭“{room.name}”在 {when} 已安排{h.case.number}的口头审理")
        busy = sorted(set(members) & set((h.panel or {}).get("members") or []))
        if busy:
            reasons.append(f"合议组成员 {'、'.join(busy)} 在 {when} 已参加{h.case.number}的口头审理")
        both = sorted(set(keys) & set((h.parties or {}).get("keys") or []))
        if both:
            names = "、".join(k.split(":", 1)[1] for k in both)
            reasons.append(f"当事人 {names} 在 {when} 已有{h.case.number}的口头审理")
    return list(dict.fromkeys(reasons))


def current(case: Case) -> Hearing | None:
    return db.session.scalar(sa.select(Hearing).where(Hearing.case_id == case.id, Hearing.status.in_(LIVE))
                             .order_by(Hearing.id.desc()).limit(1))


# Built once (the case as a bind parameter): the case pages read these on every view.
_OF_CASE = (sa.select(Hearing).where(Hearing.case_id == sa.bindparam("case_id"))
            .options(selectinload(Hearing.room)).order_by(Hearing.id))


def of_case(case: Case) -> list[Hearing]:
    return list(db.session.scalars(_OF_CASE, {"case_id": case.id}))


# What the case pages show of each hearing (or mediation session), as plain rows: built once, read on every view.
_ROWS_OF = (sa.select(Hearing.id, Hearing.case_id, Hearing.room_id, Hearing.mode, Hearing.link, Hearing.starts_at,
                      Hearing.status, Hearing.postponed_reason, Hearing.attendance, Hearing.record, Hearing.evidence,
                      HearingRoom.name.label("room_name"), HearingRoom.address.label("room_address"))
            .outerjoin(HearingRoom, HearingRoom.id == Hearing.room_id)
            .where(Hearing.case_id == sa.bindparam("case_id")).order_by(Hearing.id))


def rows_of(case: Case) -> list[sa.Row]:
    """The case's hearings, oldest first, as the case pages show them: plain rows, the room's name and address as
    ``room_name`` and ``room_address``."""
    return db.rows(_ROWS_OF, case_id=case.id)


def _date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise Invalid("口头审理日期无效", fields={"hearing_date": "请填写有效日期"}) from None


def schedule(case: Case, *, actor: User | None, day: dt.date, start_time: str | None = None,
             hours: int | None = None, mode: str | None = None, room_code: str | None = None,
             link: str | None = None) -> Hearing:
    mode = mode or ("remote" if link and not room_code else "in_person")
    if mode not in ("in_person", "remote"):
        raise Invalid("审理方式无效", fields={"mode": "请选择审理方式"})
    room = None
    link = (link or "").strip()
    # Parties open the link from the portal: only a web address, never another scheme (javascript:, data:).
    if (mode == "remote" or link) and not link.lower().startswith(("https://", "http://")):
        raise Invalid("远程审理应当填写以 https:// 开头的审理链接", fields={"link": "请填写 https:// 开头的链接"})
    if room_code:
        room = room_by_code(case.unit, room_code.strip())
        if room is None or room.is_disabled:
            raise Invalid("审理庭不存在", fields={"room": "请填写本单位审理庭的编号"})
    elif mode == "in_person" and rooms(case.unit):
        raise Invalid("现场审理应当选择审理庭", fields={"room": "请填写审理庭编号"})
    starts = _moment(day, start_time)
    ends = starts + dt.timedelta(hours=int(hours or DEFAULT_HOURS))
    members = list((case.data or {}).get("panel") or [])
    keys = party_keys(case)
    found = conflicts(starts=starts, ends=ends, room=room, members=members, keys=keys, case_id=case.id)
    if found:
        raise Conflict("口头审理时间冲突：" + "；".join(found), code="hearing_conflict")
    hearing = Hearing(case_id=case.id, unit_id=case.unit_id, room_id=room.id if room else None, mode=mode,
                      link=(link or "").strip() or None, starts_at=starts, ends_at=ends, status="scheduled",
                      panel={"members": members}, parties={"keys": keys}, attendance={},
                      created_by_id=actor.id if actor else None)
    db.session.add(hearing)
    db.session.flush()
    record_event(case, tag="case:hearing:schedule", actor=actor,
                 summary=f"安排口头审理：{starts:%Y-%m-%d %H:%M}，"
                         + (room.name if room else ("远程审理" if mode == "remote" else "审理地点待定")),
                 data={"hearing_id": hearing.id, "starts_at": starts.isoformat(), "room": room.code if room else None,
                       "mode": mode})
    return hearing


def schedule_from_action(case: Case, *, actor: User | None, data: dict) -> Hearing:
    return schedule(case, actor=actor, day=_date(data.get("hearing_date")), start_time=data.get("start_time"),
                    hours=data.get("hours"), mode=data.get("mode"), room_code=data.get("room"),
                    link=data.get("link"))


def postpone_from_action(case: Case, *, actor: User | None, data: dict) -> Hearing:
    """延期: the current hearing is marked postponed; the new one keeps its room, mode and link."""
    old = current(case)
    if old is not None:
        old.status, old.postponed_reason = "postponed", data.get("reason")
        db.session.flush()
    return schedule(case, actor=actor, day=_date(data.get("hearing_date")), start_time=data.get("start_time"),
                    hours=(int((old.ends_at - old.starts_at).total_seconds() // 3600) if old else None),
                    mode=old.mode if old else None, room_code=old.room.code if old and old.room else None,
                    link=old.link if old else None)


def hold_from_action(case: Case, *, actor: User | None, data: dict) -> Hearing | None:
    h = current(case)
    if h is None:
        return None
    h.status = "held"
    h.record = data.get("record")
    h.attendance = {k: data.get(k) for k in ("requester_attended", "respondent_attended") if data.get(k)}
    db.session.flush()
    return h


def calendar(unit: Unit, first: dt.date, last: dt.date) -> list[Hearing]:
    """An office's hearings from ``first`` to ``last`` (Beijing dates), postponed ones included."""
    start = dt.datetime.combine(first, dt.time(), BEIJING)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), BEIJING)
    return list(db.session.scalars(
        sa.select(Hearing).where(Hearing.unit_id == unit.id, Hearing.starts_at >= start, Hearing.starts_at < end)
        .order_by(Hearing.starts_at, Hearing.id)))


def member_names(hearings: list[Hearing]) -> dict[str, str]:
    """The names of the hearings' panel members, by username, as the calendar shows them (one query)."""
    return display_names(u for h in hearings for u in (h.panel or {}).get("members") or [])


def fast_track_targets(case: Case, deadlines: list | None = None) -> list[dict]:
    """快速裁决: the internal targets beside the statutory dates of the case's open office deadlines (``deadlines``:
    the case's rows, when already loaded).

    Only office periods have targets; a party's period is never shortened (docs/procedures.md, adjudication).
    """
    if case.procedure != "adjudication" or case.track != "fast":
        return []
    from caseflow.deadlines import due_date
    from caseflow.deadlines.reading import rows_of
    from workflows.adjudication import FAST_TRACK_TARGETS

    out = []
    for d in rows_of(case) if deadlines is None else deadlines:
        target = FAST_TRACK_TARGETS.get(d.rule_id)
        if target is None or d.ended_at is not None or d.binds != "office":
            continue
        amount, unit, label = target
        due = due_date(d.trigger_date, amount, unit, paused_days=d.paused_days or 0).due
        out.append({"rule_id": d.rule_id, "label": label, "statutory": d.due_date, "target": due})
    return out


# ---- the record (笔录) and audio/video of a hearing, uploaded as evidence and linked to the hearing ----


def link_evidence(hearing: Hearing, evidence, *, role: str, actor: User | None) -> None:
    """Link an evidence record (the 笔录, a recording) to the hearing it documents; audited on the case."""
    from caseflow.hearings.models import EVIDENCE_ROLES

    if role not in EVIDENCE_ROLES:
        raise Invalid("请选择材料类型（笔录、录音或录像）", fields={"role": "请选择材料类型"})
    if evidence.case_id != hearing.case_id:
        raise Invalid("证据不属于本案", fields={"file": "证据不属于本案"})
    items = [i for i in hearing.evidence_items if i.get("id") != evidence.id]
    items.append({"id": evidence.id, "role": role})
    hearing.evidence = {"items": items}
    db.session.flush()
    when = f"{hearing.starts_at.astimezone(BEIJING):%Y-%m-%d %H:%M}"
    record_event(hearing.case, tag="case:hearing:evidence", actor=actor,
                 summary=f"{when} 口头审理的{EVIDENCE_ROLES[role]}作为{evidence.label}《{evidence.title}》附卷",
                 data={"hearing_id": hearing.id, "evidence_id": evidence.id, "role": role})


def hearing_evidence(hearing: sa.Row, evidence: list[sa.Row]) -> list[tuple[str, str, sa.Row]]:
    """(role title, label, evidence row) for the files linked to the hearing, in the order they were linked
    (``evidence``: the case's rows, every version, as evidence.services.rows_of gives them)."""
    from caseflow.evidence.models import label_of
    from caseflow.evidence.services import successors
    from caseflow.hearings.models import EVIDENCE_ROLES, evidence_items_of

    items = evidence_items_of(hearing.evidence)
    if not items:
        return []
    by_id = {e.id: e for e in evidence}
    replaced = successors(evidence)
    out = []
    for item in items:
        ev = by_id.get(item.get("id") or 0)
        if ev is not None and ev.case_id == hearing.case_id:
            # The latest version stands for a corrected file.
            while ev.id in replaced:
                ev = replaced[ev.id]
            role = item.get("role", "")
            out.append((EVIDENCE_ROLES.get(role, role), label_of(ev.number, ev.version), ev))
    return out


def load_hearing(hearing_id: int) -> Hearing | None:
    return db.session.get(Hearing, hearing_id) if 0 < hearing_id < 2**31 else None


# ---- the case clock (局令81 art. 37), explained for the case page ----


def case_clock(case: Case, deadlines: list | None = None) -> SimpleNamespace | None:
    """How the 3-month limit of an adjudication stands: its start, the periods not counted, the approved
    extensions and the resulting due date (the last row of ADJ_CASE_LIMIT; ``deadlines``: the case's rows, when
    already loaded)."""
    if case.procedure != "adjudication":
        return None
    from caseflow.deadlines.lifecycle import APPROVERS
    from caseflow.deadlines.models import DeadlineStatus
    from caseflow.deadlines.reading import rows_of, view_of

    limits = [d for d in (rows_of(case) if deadlines is None else deadlines)
              if d.rule_id == "ADJ_CASE_LIMIT" and d.status != DeadlineStatus.CANCELLED]
    row = max(limits, key=lambda d: d.id) if limits else None
    if row is None:
        return None
    pauses = []
    for p in row.pauses or []:
        start, end = p.get("from"), p.get("to")
        days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days if end else None
        pauses.append({"reason": p.get("reason") or "暂停", "from": start, "to": end, "days": days})
    extensions = [{"amount": e.get("amount"), "unit": "个月" if e.get("unit") == "months" else e.get("unit"),
                   "approver": APPROVERS.get(e.get("approver"), e.get("approver")), "on": e.get("on"),
                   "reason": e.get("reason")} for e in row.extensions or []]
    view = view_of(row)
    # Attributes, not a dict: the case page's template reads each by name (see cases.page._attrs).
    return SimpleNamespace(row=row, view=view, docketed=row.trigger_date, pauses=pauses, extensions=extensions,
                           paused_days=row.paused_days or 0, steps_left=2 - len(extensions))


# ---- the card on the case pages ----


def case_card(case: Case, *, staff: bool, evidence: list[sa.Row], deadlines: list[sa.Row],
              parties: list[sa.Row]) -> dict | None:
    """What the case pages show of an adjudication's hearings, loaded up front as plain rows (``evidence``: the
    case's rows, every version, as evidence.services.rows_of gives them; ``deadlines``: the case's deadline rows, as
    deadlines.reading.rows_of gives them; ``parties``: the case's parties with their access codes, as
    cases.page reads them)."""
    if case.procedure != "adjudication":
        return None
    from caseflow.hearings import access, filings
    from caseflow.hearings.models import EVIDENCE_ROLES

    hearings = rows_of(case)
    if not staff:
        return {"hearings": [h for h in hearings if h.status in ("scheduled", "held")]}
    return {
        "hearings": [(h, hearing_evidence(h, evidence)) for h in hearings],
        "targets": fast_track_targets(case, deadlines),
        "lates": filings.late_filings(case),
        "clock": case_clock(case, deadlines),
        "codes": access.codes_shown(parties),
        "roles": EVIDENCE_ROLES,
    }
