"""The append-only, keyed hash chain of a case's audit log (docs/architecture.md, The audit chain).

Each event's hash is an HMAC-SHA256, under a key kept outside the database (CASEFLOW_AUDIT_KEY or
CASEFLOW_AUDIT_KEY_FILE; development and tests generate one per instance), over the previous event's hash and the
event's canonical JSON. Someone who can write to the database but does not hold the key cannot rewrite an event and
re-hash the chain. What a key alone cannot show — the last events deleted and the head reset to an earlier event —
the signed checkpoints outside the database do (caseflow/cases/checkpoints.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from caseflow.cases.models import Case, CaseEvent
from caseflow.core import clock
from caseflow.core.auditkey import key_id, load_key
from caseflow.core.db import db

__all__ = ["key_id"]  # re-exported for the checkpoints

def current_key() -> bytes:
    """The application's audit key (read once per application)."""
    from flask import current_app

    key = current_app.extensions.get("caseflow_audit_key")
    if key is None:
        key = current_app.extensions["caseflow_audit_key"] = load_key(current_app.config)
    return key


def _canonical(event) -> bytes:
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


def event_hash(prev_hash: str, event, key: bytes | None = None) -> str:
    """HMAC-SHA256, under the audit key, of the previous event's hash and this event's canonical JSON."""
    return hmac.new(current_key() if key is None else key, prev_hash.encode() + b"\n" + _canonical(event),
                    hashlib.sha256).hexdigest()


def unkeyed_hash(prev_hash: str, event) -> str:
    """The plain SHA-256 chain of the versions before the key (read only by `audit-rekey` and in messages)."""
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


def check_chain(case_id: int, number: str, events, *, key: bytes, prev: str = "", first_seq: int = 1,
                legacy_hint: bool = True) -> AuditProblem | None:
    """The first broken link among ``events`` (in order), starting after the event whose hash is ``prev``.

    ``legacy_hint``: say so when a hash is of the unkeyed kind of earlier versions (a database not converted yet —
    or an attacker without the key; never said for a case a checkpoint recorded, which was keyed by then).
    """
    for expected_seq, ev in enumerate(events, start=first_seq):
        def bad(msg, ev=ev):
            return AuditProblem(case_id, number, ev.id, ev.seq, msg)

        if ev.seq != expected_seq:
            return bad(f"序号不连续（应为 {expected_seq}），可能有事件被删除")
        if ev.prev_hash != prev:
            return bad("前一事件哈希不符，链条断裂")
        if event_hash(prev, ev, key) != ev.hash:
            if legacy_hint and unkeyed_hash(prev, ev) == ev.hash:
                return bad("哈希为未使用密钥的旧格式：数据库若从旧版本升级而来，请运行 flask caseflow audit-rekey "
                           "转换；否则事件已被改写")
            return bad("内容与哈希不符，事件已被修改")
        prev = ev.hash
    return None


def verify_case(case: Case, *, key: bytes | None = None,
                recorded: Sequence[tuple[int, str]] = ()) -> AuditProblem | None:
    """Return the first problem in a case's chain, or None when it is intact.

    ``recorded`` are the (event count, head hash) pairs signed in the checkpoints: the chain must still hold
    each of them, which a deletion of the last events, or a chain rewritten and re-hashed, cannot.
    """
    key = current_key() if key is None else key
    events = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    problem = check_chain(case.id, case.number, events, key=key, legacy_hint=not recorded)
    if problem:
        return problem
    prev = events[-1].hash if events else ""
    if case.audit_count != len(events):
        return AuditProblem(case.id, case.number, None, None,
                            f"记录的事件数为 {case.audit_count}，实际为 {len(events)}，末尾事件可能被删除")
    if case.audit_head != prev:
        return AuditProblem(case.id, case.number, None, None, "链头哈希不符")
    for count, head in recorded:
        if count > len(events):
            return AuditProblem(case.id, case.number, None, None,
                                f"检查点记录本案已有 {count} 个事件，现在只有 {len(events)} 个：末尾事件已被删除")
        ev = events[count - 1]
        if ev.hash != head:
            return AuditProblem(case.id, case.number, ev.id, ev.seq,
                                "与检查点记录的哈希不符：审计链在检查点之后被改写并重新计算")
    return None


def verify_all(batch: int = 500, *, checkpoints: dict[int, list] | None = None):
    """Yield the first problem of every case whose chain is broken, or which lost what a checkpoint recorded."""
    key = current_key()
    recorded = checkpoints or {}
    seen: set[int] = set()
    last_id = 0
    while True:
        cases = db.session.scalars(sa.select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch)).all()
        if not cases:
            break
        for case in cases:
            seen.add(case.id)
            pairs = [(entry[0], entry[1]) for entry in recorded.get(case.id, [])]
            problem = verify_case(case, key=key, recorded=pairs)
            if problem:
                yield problem
        last_id = cases[-1].id
        db.session.expunge_all()
    for case_id in sorted(set(recorded) - seen):
        number = recorded[case_id][-1][2] if len(recorded[case_id][-1]) > 2 else "?"
        yield AuditProblem(case_id, number, None, None, "检查点记录了该案件，但数据库中已没有它：案件记录已被删除")


def rekey_case(case: Case, *, key: bytes, old_key: bytes | None = None,
               recorded: Sequence[tuple[int, str]] = ()) -> AuditProblem | None:
    """Re-hash one case's chain under ``key`` after checking it under the old scheme (flushes; the caller commits).

    The old scheme is the unkeyed SHA-256 of earlier versions, or ``old_key`` when rotating keys. Events appended
    under ``key`` already (after an upgrade, before this ran) are accepted as they are. A chain that does not
    verify is left untouched and reported: re-hashing it would launder the tampering. So is one that no longer
    holds what a checkpoint ``recorded`` (an unkeyed chain written by someone without the key, for one).
    """
    events = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)).all()
    prev = ""
    for expected_seq, ev in enumerate(events, start=1):
        old = unkeyed_hash(prev, ev) if old_key is None else event_hash(prev, ev, old_key)
        if ev.seq != expected_seq or ev.prev_hash != prev or ev.hash not in (old, event_hash(prev, ev, key)):
            return AuditProblem(case.id, case.number, ev.id, ev.seq, "按原有方式校验不通过，未转换（事件可能已被修改）")
        prev = ev.hash
    if case.audit_count != len(events) or case.audit_head != prev:
        return AuditProblem(case.id, case.number, None, None, "案件记录的事件数或链头与事件不符，未转换")
    for count, head in recorded:
        if count > len(events) or events[count - 1].hash != head:
            return AuditProblem(case.id, case.number, None, None, "与检查点记录的不符，未转换（审计链已被改动）")
    prev = ""
    for ev in events:
        new = event_hash(prev, ev, key)
        if ev.prev_hash != prev or ev.hash != new:
            # Plain UPDATEs: the chain changes form, not content, so the case's version (its optimistic lock) stays.
            db.session.execute(sa.update(CaseEvent).where(CaseEvent.id == ev.id).values(prev_hash=prev, hash=new))
        prev = new
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(audit_head=prev))
    return None


def rekey_all(*, old_key: bytes | None = None, recorded: dict[int, list] | None = None, batch: int = 200):
    """Re-hash every chain under the current key, committing per batch; yield the cases left untouched.

    ``recorded``: the (count, head, …) entries of the checkpoints made under the old and the current key.
    """
    key = current_key()
    recorded = recorded or {}
    last_id = 0
    while True:
        cases = db.session.scalars(sa.select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch)).all()
        if not cases:
            return
        last_id = cases[-1].id
        for case in cases:
            pairs = [(entry[0], entry[1]) for entry in recorded.get(case.id, [])]
            problem = rekey_case(case, key=key, old_key=old_key, recorded=pairs)
            if problem:
                yield problem
        db.commit()
        db.session.expunge_all()
