"""Evidence services: receive and check uploads, store them, add records, and append custody events.

Services flush and never commit (docs/architecture.md, Conventions of the code). The order of an upload is fixed:
stream to a temporary file while hashing → fsync → check → move into content-addressed storage → add the row and its
custody event → the view commits. A crash at any point leaves at most a temporary file or a stored file without a
row; never a row without its file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import MultiPartParser

from caseflow import policy
from caseflow.accounts.models import User
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case
from caseflow.core import clock, guard
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Forbidden, Invalid, NotFound
from caseflow.evidence import checks
from caseflow.evidence.models import Admission, Evidence, EvidenceKind, SubmissionMethod, successors
from caseflow.evidence.storage import FileTooLarge, Storage, TempUpload, get_storage

# Title, description and the other text parts of an upload form. Werkzeug applies this limit to its parser's
# whole buffer (a 64 KiB read plus what is left of the previous one), so it must stay well above 64 KiB.
MAX_FIELD_BYTES = 1024 * 1024
MULTIPART_OVERHEAD = 1024 * 1024
STAFF_ONLY_METHODS = {SubmissionMethod.ONSITE_COLLECTION}


def methods_for(user: User) -> list[SubmissionMethod]:
    return [m for m in SubmissionMethod if user.is_staff or m not in STAFF_ONLY_METHODS]


# --- reading ----------------------------------------------------------------------------------------------

def load_evidence(case: Case, evidence_id: int) -> Evidence:
    """An evidence record of a case the caller may already see, else 404."""
    ev = db.session.get(Evidence, evidence_id) if 0 < evidence_id < 2**31 else None
    if ev is None or ev.case_id != case.id:
        raise NotFound("证据不存在")
    return ev


_LIST = (sa.select(Evidence).where(Evidence.case_id == sa.bindparam("case_id"))
         .options(selectinload(Evidence.submitted_by), selectinload(Evidence.replaced_by),
                  selectinload(Evidence.admission_by))
         .order_by(Evidence.number, Evidence.version))  # built once: the case pages read it on every view


def list_evidence(case: Case, *, current_only: bool = False) -> list[Evidence]:
    """The case's evidence in list order (number, then version)."""
    rows = db.session.scalars(_LIST, {"case_id": case.id}).all()
    return [e for e in rows if e.is_current] if current_only else list(rows)


# What the case pages show of each record, as plain rows (statement built once: read on every case page).
_ROWS = (sa.select(Evidence.id, Evidence.case_id, Evidence.number, Evidence.version, Evidence.replaces_id,
                   Evidence.kind, Evidence.title, Evidence.admission, Evidence.original_name, Evidence.size,
                   Evidence.mime, Evidence.sha256, Evidence.received_at, User.display_name.label("submitted_by_name"))
         .join(User, User.id == Evidence.submitted_by_id).where(Evidence.case_id == sa.bindparam("case_id"))
         .order_by(Evidence.number, Evidence.version))


def rows_of(case: Case) -> list[sa.Row]:
    """The case's evidence in list order (number, then version), every version, as the case pages read it: plain
    rows, the submitter's name as ``submitted_by_name``."""
    return db.rows(_ROWS, case_id=case.id)


def versions_of(evidence: Evidence) -> list[Evidence]:
    return list(db.session.scalars(
        sa.select(Evidence).where(Evidence.case_id == evidence.case_id, Evidence.number == evidence.number)
        .order_by(Evidence.version)))


def custody_events(case: Case, evidence: Evidence | None = None):
    """The case's custody events (tags evidence:*), optionally those naming one evidence record."""
    from caseflow.cases.models import CaseEvent

    events = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.tag.like("evidence:%"))
        .options(selectinload(CaseEvent.actor)).order_by(CaseEvent.seq)).all()
    if evidence is None:
        return list(events)
    return [e for e in events if evidence.id in _ids_in(e.data or {})]


def _ids_in(data: dict) -> set[int]:
    ids = set(data.get("evidence_ids") or [])
    if data.get("evidence_id") is not None:
        ids.add(data["evidence_id"])
    return ids


def count_for_case(case: Case) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Evidence).where(Evidence.case_id == case.id)) or 0


# --- receiving ----------------------------------------------------------------------------------------------

@dataclass
class Received:
    """A parsed upload request: its text fields and its files (temporary, hashed, fsynced)."""

    form: MultiDict
    files: list[tuple[str, TempUpload]] = field(default_factory=list)

    def discard(self) -> None:
        for _name, up in self.files:
            up.discard()

    def __enter__(self) -> Received:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()


def settings() -> dict:
    cfg = current_app.config
    return {
        "max_bytes": int(cfg.get("EVIDENCE_MAX_BYTES") or 500 * 1024 * 1024),
        "max_per_case": int(cfg.get("EVIDENCE_MAX_PER_CASE") or 500),
        "allow_archives": bool(cfg.get("EVIDENCE_ALLOW_ARCHIVES")),
        "allow_executables": bool(cfg.get("EVIDENCE_ALLOW_EXECUTABLES")),
    }


def request_limit(max_files: int) -> int:
    """The largest request body an upload of max_files files may have."""
    return settings()["max_bytes"] * max_files + MULTIPART_OVERHEAD


def receive_multipart(stream, *, mimetype: str, options: dict, content_length: int | None, max_files: int,
                      storage: Storage | None = None) -> Received:
    """Parse a multipart body, streaming each file part into a temporary file while hashing it.

    Never holds a file in memory: Werkzeug's parser hands each chunk (64 KiB) to the TempUpload, which writes,
    hashes and counts it, and stops the upload as soon as it passes the size limit.
    """
    if mimetype != "multipart/form-data" or not options.get("boundary"):
        raise Invalid("请以 multipart/form-data 格式上传文件", fields={"file": "缺少文件"})
    storage = storage or get_storage()
    max_bytes = settings()["max_bytes"]
    uploads: list[TempUpload] = []

    def stream_factory(total_content_length=None, content_type=None, filename=None, content_length=None):
        if len(uploads) >= max_files:
            raise Invalid(f"一次最多上传 {max_files} 个文件", fields={"file": "文件过多"})
        up = storage.new_temp(max_bytes, filename=filename, content_type=content_type)
        uploads.append(up)
        return up

    parser = MultiPartParser(stream_factory=stream_factory, max_form_memory_size=MAX_FIELD_BYTES,
                             max_form_parts=max_files + 20)
    try:
        form, files = parser.parse(stream, options["boundary"].encode("latin-1"), content_length)
    except FileTooLarge:
        _discard(uploads)
        raise checks.too_large(max_bytes) from None
    except RequestEntityTooLarge:
        # The form's text parts, or the request as a whole (when sent without a Content-Length), are too long.
        _discard(uploads)
        raise Invalid(f"上传内容超过限制：单个文件不超过 {checks.human_size(max_bytes)}，文字说明不超过 1 MB",
                      status=413, code="too_large") from None
    except ValueError:
        _discard(uploads)
        raise Invalid("上传数据格式不正确（multipart 解析失败），请重新上传", code="bad_request") from None
    except BaseException:
        _discard(uploads)
        raise
    try:
        guard.check_texts([*form.items(multi=True), *((n, fs.filename or "") for n, fs in files.items(multi=True))])
    except guard.BadInput:
        _discard(uploads)
        raise
    received = Received(form)
    by_container = {id(up): up for up in uploads}
    for name, fs in files.items(multi=True):
        up = by_container.get(id(fs.stream))
        if up is not None:
            up.finish()
            up.filename = fs.filename
            received.files.append((name, up))
    listed = {id(up) for _n, up in received.files}
    _discard([up for up in uploads if id(up) not in listed])  # a part the parser did not finish
    return received


def _discard(uploads: Iterable[TempUpload]) -> None:
    for up in uploads:
        up.discard()


# --- checking and storing -----------------------------------------------------------------------------------

@dataclass
class StoredUpload:
    """An upload that passed the checks and whose bytes are in storage (the row comes next)."""

    sha256: str
    size: int
    mime: str
    original_name: str
    newly_stored: bool


def clean_fields(data: MultiDict | dict, *, actor: User, require_title: bool = True,
                 default_title: str | None = None, partial: bool = False) -> dict:
    """Validate the text fields of an upload: title, kind, description, method (Chinese messages)."""
    get = data.get
    errors: dict[str, str] = {}
    out: dict = {}
    title = (get("title") or "").strip()
    if not title and default_title:
        title = default_title
    if not title:
        if require_title and not partial:
            errors["title"] = "请填写证据名称"
    elif len(title) > 200:
        errors["title"] = "证据名称最多 200 个字"
    if title:
        out["title"] = title
    kind = (get("kind") or "").strip()
    if kind:
        try:
            out["kind"] = EvidenceKind(kind)
        except ValueError:
            errors["kind"] = "证据种类无效，应为：" + "、".join(f"{k.value}（{k.title}）" for k in EvidenceKind)
    elif not partial:
        errors["kind"] = "请选择证据种类"
    description = get("description")
    if description is not None:
        description = str(description).strip()
        if len(description) > 5000:
            errors["description"] = "说明最多 5000 个字"
        out["description"] = description
    method = (get("method") or "").strip()
    if method:
        try:
            m = SubmissionMethod(method)
        except ValueError:
            errors["method"] = "提交方式无效，应为：" + "、".join(f"{x.value}（{x.title}）" for x in SubmissionMethod)
        else:
            if m not in methods_for(actor):
                errors["method"] = f"“{m.title}”只能由办案人员登记"
            out["method"] = m
    elif not partial:
        out["method"] = SubmissionMethod.PARTY_UPLOAD
    if errors:
        raise Invalid("；".join(errors.values()), fields=errors)
    return out


def check_and_store(upload: TempUpload, *, storage: Storage | None = None) -> StoredUpload:
    """Run every check on a received file, then move it into content-addressed storage.

    Whatever happens, the temporary file is gone afterwards; a refused file leaves nothing behind.
    """
    storage = storage or get_storage()
    s = settings()
    try:
        raw_name = upload.filename
        if raw_name in (None, "") and upload.size == 0:
            raise Invalid("请选择要上传的文件", fields={"file": "未选择文件"})
        name = checks.check_name(raw_name)
        upload.finish()
        sniffed = checks.check_content(upload.head(checks.SNIFF_BYTES), upload.size, name,
                                       max_bytes=s["max_bytes"], allow_archives=s["allow_archives"],
                                       allow_executables=s["allow_executables"])
        sha, size = upload.sha256, upload.size
        newly = storage.put(upload)
        return StoredUpload(sha, size, sniffed.mime, name, newly)
    finally:
        upload.discard()


def check_room(case: Case, extra: int = 1) -> None:
    """Refuse when the case already holds the configured number of evidence records."""
    limit = settings()["max_per_case"]
    if count_for_case(case) + extra > limit:
        raise Conflict(f"本案证据已达上限（{limit} 份），如需继续提交请联系办案人员", code="evidence_limit")


def create_evidence(case: Case, stored: StoredUpload, *, actor: User, fields: dict,
                    replaces: Evidence | None = None, via: str = "web") -> Evidence:
    """Add the record of stored bytes and its custody event (flushes; the caller commits)."""
    # Queue behind the case's other writers and read its latest state (PostgreSQL locks the row; SQLite's writer
    # holds the database lock since BEGIN): the number, the room left and the chain head are read after this.
    db.session.execute(sa.select(Case).where(Case.id == case.id).with_for_update()
                       .execution_options(populate_existing=True))
    role = policy.evidence_role(actor, case)
    if role is None:
        raise NotFound("案件不存在")
    check_room(case)  # versions are records too
    if replaces is not None:
        if replaces.replaced_by is not None:
            raise Conflict("该证据已有更新的版本，请在最新版本上更正", code="conflict_state")
        number, version = replaces.number, replaces.version + 1
        merged = {"title": replaces.title, "kind": replaces.kind, "description": replaces.description,
                  "method": replaces.method, **fields}
    else:
        number = (db.session.scalar(sa.select(sa.func.max(Evidence.number)).where(Evidence.case_id == case.id))
                  or 0) + 1
        version, merged = 1, fields
    case.updated_at = clock.now()
    ev = Evidence(
        case=case, number=number, version=version, replaces=replaces, kind=merged["kind"], title=merged["title"],
        description=merged.get("description") or "", method=merged.get("method") or SubmissionMethod.PARTY_UPLOAD,
        submitted_by=actor, submitted_as=role, received_at=clock.now(), original_name=stored.original_name,
        sha256=stored.sha256, size=stored.size, mime=stored.mime,
    )
    db.session.add(ev)
    db.session.flush()
    what = "更正证据" if replaces is not None else "提交证据"
    record_event(case, tag="evidence:upload", actor=actor,
                 summary=f"{what}：{ev.label}《{ev.title}》（{ev.original_name}，{checks.human_size(ev.size)}，"
                         f"SHA-256 {ev.sha256[:12]}…）",
                 data={"evidence_id": ev.id, "number": ev.number, "version": ev.version, "sha256": ev.sha256,
                       "size": ev.size, "mime": ev.mime, "name": ev.original_name, "kind": ev.kind.value,
                       "method": ev.method.value, "submitted_as": role, "via": via,
                       "replaces": replaces.id if replaces is not None else None})
    from caseflow.hearings.filings import flag_evidence  # a party's evidence after the 举证期限 is flagged 逾期

    flag_evidence(case, ev, actor)
    db.session.flush()
    return ev


# --- custody ------------------------------------------------------------------------------------------------

ACCESS_TITLES = {"view": "查看", "download": "下载"}


def record_access(evidence: Evidence, *, actor: User, how: str, via: str = "web") -> None:
    """A view or download of the file, appended to the case's audit chain (flushes)."""
    record_event(evidence.case, tag=f"evidence:{how}", actor=actor,
                 summary=f"{ACCESS_TITLES[how]}证据：{evidence.label}《{evidence.title}》",
                 data={"evidence_id": evidence.id, "sha256": evidence.sha256, "via": via})
    db.session.flush()


def decide_admission(evidence: Evidence, *, actor: User, decision: str, reason: str | None) -> Evidence:
    """The panel's decision: 采信 or 不予采信 (a reason is required for the latter); each one is a custody event."""
    if not policy.can_decide_evidence(actor, evidence.case):
        raise Forbidden("只有办案人员可以认定证据")
    try:
        value = Admission(decision)
    except ValueError:
        value = None
    if value not in (Admission.ADMITTED, Admission.REJECTED):
        raise Invalid("认定结果应为 admitted（采信）或 rejected（不予采信）", fields={"decision": "请选择认定结果"})
    reason = (reason or "").strip()
    if value == Admission.REJECTED and not reason:
        raise Invalid("不予采信须说明理由", fields={"reason": "请填写不予采信的理由"})
    if len(reason) > 2000:
        raise Invalid("理由最多 2000 个字", fields={"reason": "内容过长"})
    previous = evidence.admission
    evidence.admission = value
    evidence.admission_reason = reason or None
    evidence.admission_by = actor
    evidence.admission_at = clock.now()
    record_event(evidence.case, tag="evidence:admission", actor=actor,
                 summary=(f"证据认定：{evidence.label}《{evidence.title}》{value.title}"
                          + (f"（{reason}）" if reason else "")),
                 data={"evidence_id": evidence.id, "decision": value.value, "previous": previous.value,
                       "reason": reason or None})
    db.session.flush()
    return evidence


def record_handover(evidence_list: list[Evidence], *, actor: User, recipient: str, note: str = "") -> None:
    """A hand-over of evidence (originals or copies) to a person or body, as one custody event."""
    if not evidence_list:
        raise Invalid("请选择要移交的证据", fields={"evidence": "请选择证据"})
    case = evidence_list[0].case
    if not policy.can_decide_evidence(actor, case):
        raise Forbidden("只有办案人员可以登记证据移交")
    recipient = (recipient or "").strip()
    note = (note or "").strip()
    errors = {}
    if not recipient:
        errors["recipient"] = "请填写接收人或接收单位"
    elif len(recipient) > 200:
        errors["recipient"] = "接收人最多 200 个字"
    if len(note) > 2000:
        errors["note"] = "备注最多 2000 个字"
    if errors:
        raise Invalid("；".join(errors.values()), fields=errors)
    labels = "、".join(e.label for e in evidence_list)
    record_event(case, tag="evidence:handover", actor=actor,
                 summary=f"证据移交：{labels} 移交给 {recipient}" + (f"（{note}）" if note else ""),
                 data={"evidence_ids": [e.id for e in evidence_list], "sha256": [e.sha256 for e in evidence_list],
                       "recipient": recipient, "note": note or None})
    db.session.flush()


def record_package(case: Case, *, actor: User, evidence_list: list[Evidence]) -> None:
    """Building an evidence package for the case (every file leaves the system at once)."""
    record_event(case, tag="evidence:package", actor=actor,
                 summary=f"导出证据包（{len(evidence_list)} 份证据）",
                 data={"evidence_ids": [e.id for e in evidence_list]})
    db.session.flush()


def case_card(case: Case, viewer: User, items: list[sa.Row]) -> dict:
    """What the case pages' evidence card shows (templates/evidence/_case_evidence.html); ``items`` are
    rows_of(case), loaded once for the page."""
    from caseflow.evidence import preview
    from caseflow.evidence.models import EvidenceKind, label_of

    replaced = successors(items)
    current = [e for e in items if e.id not in replaced]
    max_bytes = settings()["max_bytes"]
    return {
        "items": [(e, label_of(e.number, e.version), preview.can_preview(e.mime), checks.human_size(e.size))
                  for e in current],
        "older": len(items) - len(current),
        "can_upload": policy.can_upload_evidence(viewer, case),
        "can_decide": policy.can_decide_evidence(viewer, case),
        "kinds": EvidenceKind.choices(),
        "methods": [(m.value, m.title) for m in methods_for(viewer)],
        "max_size": checks.human_size(max_bytes),
        "max_bytes": max_bytes,
        "closed_for_parties": case.closed_at is not None and not viewer.is_staff,
    }
