"""The evidence list (证据清单) export and the evidence package for referrals (docs/procedures.md, referral;
docs/architecture.md, Evidence).

A package is a zip: `manifest.json` lists every other member with its SHA-256 and size; `files/` holds each
evidence file under a readable name; `case.json` is the case summary; `custody.json` the custody log (the
case's evidence:* audit events with their chain hashes); `evidence-list.csv` the 证据清单. The receiver checks it
with `flask --app wsgi caseflow verify-package FILE.zip` (or any sha256sum).
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import workflows
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.clock import fmt_beijing
from caseflow.core.validators import mask_id
from caseflow.evidence import checks
from caseflow.evidence.models import Evidence
from caseflow.evidence.storage import CHUNK, Storage, get_storage

FORMAT = "caseflow-evidence-package"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

LIST_COLUMNS = ["序号", "版本", "证据名称", "证据种类", "证明对象/说明", "提交人", "提交方", "提交方式", "收到时间",
                "原文件名", "大小（字节）", "文件类型", "SHA-256", "认定", "认定理由", "是否最新版本"]
SIDE_TITLES = {"applicant": "申请人/投诉人", "respondent": "被请求人", "staff": "办案机关"}


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def evidence_rows(items: list[Evidence]) -> list[list[object]]:
    rows: list[list[object]] = []
    for e in items:
        rows.append([
            e.number, e.version, e.title, e.kind.title, e.description, e.submitted_by.display_name,
            SIDE_TITLES.get(e.submitted_as, e.submitted_as), e.method.title, fmt_beijing(e.received_at),
            e.original_name, e.size, e.mime, e.sha256, e.admission.title, e.admission_reason or "",
            "是" if e.is_current else "否（已更正）",
        ])
    return rows


def evidence_list_csv(items: list[Evidence]) -> str:
    """The evidence list as CSV (UTF-8 with BOM so that spreadsheet programs read the Chinese right)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LIST_COLUMNS)
    for row in evidence_rows(items):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def evidence_entry(e: Evidence) -> dict:
    return {
        "id": e.id, "number": e.number, "version": e.version, "label": e.label, "title": e.title,
        "kind": e.kind.value, "kind_title": e.kind.title, "description": e.description,
        "method": e.method.value, "method_title": e.method.title,
        "submitted_by": e.submitted_by.display_name, "submitted_as": e.submitted_as,
        "received_at": e.received_at.isoformat(), "original_name": e.original_name,
        "sha256": e.sha256, "size": e.size, "mime": e.mime,
        "admission": e.admission.value, "admission_reason": e.admission_reason,
        "replaces_id": e.replaces_id, "current": e.is_current,
    }


def case_summary(case: Case, *, full_ids: bool = False) -> dict:
    proc = workflows.procedure(case.procedure)
    return {
        "id": case.id, "number": case.number, "procedure": case.procedure, "procedure_title": proc.title,
        "state": case.state, "state_title": proc.state_title(case.state, case.channel), "unit": case.unit.code,
        "unit_name": case.unit.name, "title": case.title, "kind": case.kind, "ip_type": case.ip_type,
        "right_number": case.right_number, "facts": case.facts, "claims": case.claims,
        "received_at": case.received_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "parties": [{"role": p.role.value, "role_title": p.role.title, "name": p.name,
                     "id_type": p.id_type.value if p.id_type else None,
                     "id_number": p.id_number if full_ids else mask_id(p.id_number), "address": p.address}
                    for p in case.parties],
    }


def custody_log(case: Case) -> list[dict]:
    from caseflow.evidence.services import custody_events

    return [{"seq": ev.seq, "occurred_at": ev.occurred_at.isoformat(), "tag": ev.tag, "summary": ev.summary,
             "actor": ev.actor.display_name if ev.actor else None, "data": ev.data,
             "prev_hash": ev.prev_hash, "hash": ev.hash} for ev in custody_events(case)]


def _member_name(e: Evidence, used: set[str]) -> str:
    safe = checks.safe_download_name(e.original_name)
    name = f"files/{e.number:03d}-v{e.version}-{safe}"
    n = 2
    while name in used:
        name = f"files/{e.number:03d}-v{e.version}-{n}-{safe}"
        n += 1
    used.add(name)
    return name


def build_package(case: Case, *, items: list[Evidence] | None = None, storage: Storage | None = None,
                  full_ids: bool = False, directory: str | Path | None = None) -> Path:
    """Write the case's evidence package to a new zip file and return its path (the caller removes it).

    Files are streamed from storage into the zip and hashed on the way, so a package of any size needs no
    more memory than one chunk; a stored file whose hash no longer matches its name aborts the build.
    """
    from caseflow.evidence.services import list_evidence

    storage = storage or get_storage()
    items = list_evidence(case) if items is None else items
    directory = Path(directory or storage.temp_dir)
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="package-", suffix=".zip", dir=directory)
    # Locked while it is being built, like an upload in progress: the temp clean-up leaves it alone.
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    path = Path(tmp)
    entries, used = [], {MANIFEST}
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for e in items:
                name = _member_name(e, used)
                info = zipfile.ZipInfo(name, date_time=_zip_time(e))
                # Media and office files are compressed already: store them as they are.
                info.compress_type = zipfile.ZIP_DEFLATED if checks.family_of(e.mime) == "text" else zipfile.ZIP_STORED
                h, size = hashlib.sha256(), 0
                body = storage.open(e.sha256)
                try:
                    with zf.open(info, "w", force_zip64=e.size > 2**31) as out:
                        while chunk := body.read(CHUNK):
                            h.update(chunk)
                            size += len(chunk)
                            out.write(chunk)
                finally:
                    body.close()
                if h.hexdigest() != e.sha256 or size != e.size:
                    raise PackageError(f"{e.label}的存储文件与登记的 SHA-256 不符，已停止打包，请先运行 fsck 检查")
                entries.append({"path": name, "sha256": e.sha256, "size": e.size, "evidence": evidence_entry(e)})
            documents = {
                "case.json": _json_bytes(case_summary(case, full_ids=full_ids)),
                "custody.json": _json_bytes(custody_log(case)),
                "evidence-list.csv": evidence_list_csv(items).encode("utf-8"),
            }
            for name, data in documents.items():
                zf.writestr(name, data)
                entries.append({"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})

            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION, "generator": "CaseFlow 案流",
                "generated_at": clock.now().isoformat(), "case": {"id": case.id, "number": case.number},
                "hash_algorithm": "sha256", "files": entries,
            }
            zf.writestr(MANIFEST, _json_bytes(manifest))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    return path


def _zip_time(e: Evidence):
    from caseflow.core.clock import BEIJING

    t = e.received_at.astimezone(BEIJING)
    return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)


def _json_bytes(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


class PackageError(RuntimeError):
    """The package cannot be built (a stored file is damaged)."""


# Reading a package someone sent is reading hostile input: a zip bomb turns a few megabytes into gigabytes. The
# manifest is read into memory, so it is capped; every other member is hashed as a stream (one chunk in memory),
# and the sizes the zip declares are checked before anything is expanded: how many members, how much in all, and
# how much each member expands (evidence is mostly compressed already; text compresses perhaps 10×).
MAX_MEMBERS = 10_000
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed size, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024


def _zip_limits(zf: zipfile.ZipFile, max_total: int) -> str | None:
    """Why the zip must not be expanded, judged from its directory alone; None when its sizes are plausible."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        return f"证据包中的文件过多（{len(infos)} 个，上限 {MAX_MEMBERS} 个），疑似压缩炸弹，未展开"
    total = sum(i.file_size for i in infos)
    if total > max_total:
        return (f"证据包展开后共 {checks.human_size(total)}，超过上限 {checks.human_size(max_total)}，"
                "疑似压缩炸弹，未展开")
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return (f"{i.filename}：压缩比异常（{checks.human_size(i.compress_size)} 展开为 "
                    f"{checks.human_size(i.file_size)}），疑似压缩炸弹，未展开")
    return None


def _read_manifest(zf: zipfile.ZipFile) -> bytes:
    """The manifest's bytes, never more than MAX_MANIFEST_BYTES of them (whatever its header claims)."""
    if zf.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
        raise ValueError(f"清单过大（超过 {checks.human_size(MAX_MANIFEST_BYTES)}）")
    with zf.open(MANIFEST) as fh:
        data = fh.read(MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise ValueError(f"清单过大（超过 {checks.human_size(MAX_MANIFEST_BYTES)}）")
    return data


@dataclass
class PackageReport:
    ok: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def max_package_bytes(config) -> int:
    """The most a package can hold: a case's EVIDENCE_MAX_PER_CASE files of EVIDENCE_MAX_BYTES, plus its lists."""
    return int(config["EVIDENCE_MAX_BYTES"]) * int(config["EVIDENCE_MAX_PER_CASE"]) + 64 * 1024 * 1024


def verify_package(path: str | Path, *, max_total: int | None = None) -> PackageReport:
    """Recompute every member's SHA-256 against the manifest; list every mismatch, missing or extra member.

    ``max_total``: the most bytes the whole package may expand to (default: what a case can hold).
    """
    if max_total is None:
        from flask import current_app

        max_total = max_package_bytes(current_app.config)
    report = PackageReport()
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        report.problems.append(f"无法打开证据包：{exc}")
        return report
    with zf:
        refused = _zip_limits(zf, max_total)
        if refused:
            report.problems.append(refused)
            return report
        try:
            manifest = json.loads(_read_manifest(zf))
        except KeyError:
            report.problems.append("证据包中没有 manifest.json")
            return report
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            report.problems.append(f"manifest.json 已损坏：{exc}")
            return report
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(
                manifest.get("files"), list):
            report.problems.append("manifest.json 不是 CaseFlow 证据包清单")
            return report
        members = {i.filename for i in zf.infolist() if not i.is_dir()}
        listed = set()
        for entry in manifest["files"]:
            name = entry.get("path") if isinstance(entry, dict) else None
            if not isinstance(name, str):
                report.problems.append("清单中有格式不正确的条目")
                continue
            listed.add(name)
            if name not in members:
                report.problems.append(f"{name}：清单中有，但证据包中缺少该文件")
                continue
            h, size = hashlib.sha256(), 0
            try:
                with zf.open(name) as fh:
                    while chunk := fh.read(CHUNK):
                        h.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                report.problems.append(f"{name}：文件已损坏（{exc}）")
                continue
            if h.hexdigest() != entry.get("sha256"):
                report.problems.append(f"{name}：SHA-256 不符（清单 {entry.get('sha256')}，实际 {h.hexdigest()}）")
            elif size != entry.get("size"):
                report.problems.append(f"{name}：大小不符（清单 {entry.get('size')} 字节，实际 {size} 字节）")
            else:
                report.ok.append(name)
        for extra in sorted(members - listed - {MANIFEST}):
            report.problems.append(f"{extra}：证据包中有，但清单中没有（可能是后来加入的文件）")
    return report
