"""The append-only, hash-chained audit log of a case (DESIGN.md §7)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from caseflow.cases.models import Case, CaseEvent
from caseflow.core import clock
from caseflow.core.db import db


def _canonical(event: CaseEvent) -> bytes:
    payload = {
        "case_id": event.case_id,
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "tag": event.tag,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "summary": event.summary,
        "data": event.data or {},
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(prev_hash: str, event: CaseEvent) -> str:
    """SHA-256 over the previous event's hash and this event's canonical JSON."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(event)).hexdigest()


def record_event(case: Case, *, tag: str, summary: str, actor=None, action: str | None = None,
                 from_state: str | None = None, to_state: str | None = None, data: dict | None = None) -> CaseEvent:
    """Append an event to the case's chain; the case row keeps the head hash and the count."""
    if case.id is None:
        db.session.flush()
    head, count = _locked_head(case)
    event = CaseEvent(
        case_id=case.id,
        seq=count + 1,
        occurred_at=clock.now(),
        actor_id=actor.id if actor is not None else None,
        tag=tag,
        action=action,
        from_state=from_state,
        to_state=to_state,
        summary=summary[:300],
        data=_jsonable(data or {}),
        prev_hash=head,
    )
    event.hash = event_hash(event.prev_hash, event)
    db.session.add(event)
    case.audit_head = event.hash
    case.audit_count = event.seq
    return event


def _locked_head(case: Case) -> tuple[str, int]:
    """Read the chain head with the case row locked, so concurrent appends queue instead of forking.

    Only the two columns are read, so the in-memory case keeps its pending changes. SQLite ignores
    FOR UPDATE because it serialises writers; a stale writer there fails with 'locked' (answered 409).
    """
    row = db.session.execute(
        sa.select(Case.audit_head, Case.audit_count).where(Case.id == case.id).with_for_update()
    ).one_or_none()
    mine = (case.audit_head or "", case.audit_count or 0)
    if row is None:
        return mine
    theirs = (row[0] or "", row[1] or 0)
    # Appended earlier in this transaction but not flushed yet: the object is ahead of the row.
    return mine if mine[1] > theirs[1] else theirs


def _jsonable(data: dict) -> dict:
    # Round-trip now so the stored JSON hashes the same when read back.
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


@dataclass
class AuditProblem:
    case_id: int
    case_number: str
    event_id: int | None
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"事件 #{self.seq}（id={self.event_id}）" if self.event_id else "案件记录"
        return f"案件 {self.case_number}（id={self.case_id}）{where}：{self.problem}"


def verify_case(case: Case) -> AuditProblem | None:
    """Return the first problem in a case's chain, or None when it is intact."""
    events = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    prev = ""
    for expected_seq, ev in enumerate(events, start=1):
        def bad(msg, ev=ev):
            return AuditProblem(case.id, case.number, ev.id, ev.seq, msg)

        if ev.seq != expected_seq:
            return bad(f"序号不连续（应为 {expected_seq}），可能有事件被删除")
        if ev.prev_hash != prev:
            return bad("前一事件哈希不符，链条断裂")
        if event_hash(prev, ev) != ev.hash:
            return bad("内容与哈希不符，事件已被修改")
        prev = ev.hash
    if case.audit_count != len(events):
        return AuditProblem(case.id, case.number, None, None,
                            f"记录的事件数为 {case.audit_count}，实际为 {len(events)}，末尾事件可能被删除")
    if case.audit_head != prev:
        return AuditProblem(case.id, case.number, None, None, "链头哈希不符")
    return None


def verify_all(batch: int = 500):
    """Yield the first problem of every case whose chain is broken."""
    last_id = 0
    while True:
        cases = db.session.scalars(sa.select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch)).all()
        if not cases:
            return
        for case in cases:
            problem = verify_case(case)
            if problem:
                yield problem
        last_id = cases[-1].id
        db.session.expunge_all()
