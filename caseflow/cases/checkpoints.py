"""Signed checkpoints of the audit chains, appended to a file outside the database.

A keyed chain shows an event rewritten by someone without the key, but not its last events deleted and the case's
head set back to an earlier (valid) event; nor a chain rewritten by someone who stole the key. So from time to time
(`audit-checkpoint`, `verify-audit`, the `remind` cron job) every case whose chain moved since the last checkpoint
is verified from where the last checkpoint left it, and its (event count, head hash) is appended as one JSON line to
`<CASEFLOW_AUDIT_CHECKPOINT_DIR>/audit-checkpoints-<key id>.jsonl`. Each line is signed with the audit key (HMAC)
and names the signature of the line before it, so lines cannot be forged, altered, reordered or dropped from the
middle without the key. `verify-audit` then requires each case's chain to still hold every pair ever recorded for it.

Put the directory where the database's users cannot write (another host, an append-only mount): the file is only
ever appended to.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from caseflow.cases.audit import AuditProblem, check_chain, current_key, key_id
from caseflow.cases.models import Case, CaseEvent
from caseflow.core import clock
from caseflow.core.db import db

BATCH = 2000


def directory(config) -> Path:
    return Path(config.get("AUDIT_CHECKPOINT_DIR") or Path(config["INSTANCE_DIR"]) / "audit-checkpoints")


def log_path(config, key: bytes) -> Path:
    return directory(config) / f"audit-checkpoints-{key_id(key)}.jsonl"


def _mac(key: bytes, body: dict) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


@dataclass
class Recorded:
    """What the checkpoint log says: every (count, head, case number) recorded per case, oldest first."""

    path: Path
    cases: dict[int, list[list]] = field(default_factory=dict)
    lines: int = 0
    last_mac: str = ""
    last_at: str | None = None
    problems: list[str] = field(default_factory=list)

    def latest(self, case_id: int) -> tuple[int, str] | None:
        pairs = self.cases.get(case_id)
        return (pairs[-1][0], pairs[-1][1]) if pairs else None


def read(config, key: bytes | None = None) -> Recorded:
    """Read and check the log of the current key: every line's signature and its link to the line before."""
    key = current_key() if key is None else key
    path = log_path(config, key)
    out = Recorded(path)
    try:
        fh = open(path, encoding="utf-8")  # noqa: SIM115 — closed below
    except FileNotFoundError:
        return out
    with fh:
        for number, text in enumerate(fh, start=1):
            try:
                line = json.loads(text)
                mac = line.pop("mac")
                if not isinstance(line.get("cases"), dict):
                    raise ValueError
            except (ValueError, KeyError, AttributeError):
                out.problems.append(f"检查点文件 {path} 第 {number} 行无法解析（文件被改动或写入中断）")
                break
            if not hmac.compare_digest(mac, _mac(key, line)):
                out.problems.append(f"检查点文件 {path} 第 {number} 行签名不符：检查点被改动或伪造")
                break
            if line.get("prev") != out.last_mac:
                out.problems.append(f"检查点文件 {path} 第 {number} 行与前一行不相接：有检查点被删除或调换")
                break
            for case_id, entry in line["cases"].items():
                out.cases.setdefault(int(case_id), []).append(entry)
            out.lines, out.last_mac, out.last_at = number, mac, line.get("at")
    return out


@dataclass
class CheckpointResult:
    path: Path
    written: int = 0  # cases recorded in the new line
    problems: list[AuditProblem | str] = field(default_factory=list)


def _cases() -> Iterator[tuple[int, str, int, str]]:
    last_id = 0
    while True:
        rows = db.session.execute(
            sa.select(Case.id, Case.number, Case.audit_count, Case.audit_head)
            .where(Case.id > last_id).order_by(Case.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            yield row[0], row[1], row[2] or 0, row[3] or ""
        last_id = rows[-1][0]


def _verify_since(case_id: int, number: str, since: tuple[int, str] | None, key: bytes) -> AuditProblem | None:
    """Verify a case's chain from the last recorded event on (or from the start)."""
    count, head = since or (0, "")
    query = sa.select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.seq >= max(count, 1))
    events = list(db.session.scalars(query.order_by(CaseEvent.seq)))
    if count:
        if not events or events[0].seq != count:
            return AuditProblem(case_id, number, None, None,
                                f"检查点记录本案已有 {count} 个事件，现在缺少第 {count} 个：事件已被删除")
        if events[0].hash != head:
            return AuditProblem(case_id, number, events[0].id, count,
                                "与检查点记录的哈希不符：审计链在检查点之后被改写并重新计算")
        db.session.expunge(events[0])
        events = events[1:]
    problem = check_chain(case_id, number, events, key=key, prev=head, first_seq=count + 1)
    for ev in events:
        db.session.expunge(ev)  # memory stays flat over a million cases; the caller's own objects stay attached
    return problem


def write(config, *, full: bool = False) -> CheckpointResult:
    """Append a checkpoint of every case whose chain moved since the last one (``full``: every case).

    Each such case is verified from its last recorded event first; a case that fails is reported and not
    recorded (its last good state stays the one that counts). Holds an exclusive lock on the log meanwhile.
    """
    key = current_key()
    path = log_path(config, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    result = CheckpointResult(path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        recorded = read(config, key)
        if recorded.problems:
            result.problems.extend(recorded.problems)
            return result
        entries: dict[str, list] = {}
        for case_id, number, count, head in _cases():
            latest = recorded.latest(case_id)
            if latest == (count, head) and not full:
                continue
            if latest is not None and count < latest[0]:
                result.problems.append(AuditProblem(
                    case_id, number, None, None,
                    f"检查点记录本案已有 {latest[0]} 个事件，现在只有 {count} 个：末尾事件已被删除"))
                continue
            problem = _verify_since(case_id, number, latest, key)
            if problem:
                result.problems.append(problem)
                continue
            entries[str(case_id)] = [count, head, number]
        if entries or recorded.lines == 0:
            body = {"n": recorded.lines + 1, "at": clock.now().isoformat(), "prev": recorded.last_mac,
                    "key_id": key_id(key), "cases": entries}
            body["mac"] = _mac(key, body)
            line = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
            data = memoryview(line.encode())
            while data:
                data = data[os.write(fd, data):]
            os.fsync(fd)
            result.written = len(entries)
    finally:
        os.close(fd)  # releases the lock
    return result
