"""Evidence in the JSON API v1 (docs/architecture.md, JSON API): bearer tokens only, errors as JSON with Chinese
messages.

Checks run in the API's order: 401 token, 404 case not visible (or no such evidence), 403 role, 422 input,
409 state. The request body of an upload is read only after the first three passed.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from caseflow import policy
from caseflow.api.views import json_body, token_required
from caseflow.cases import accesslog, queries
from caseflow.core.db import transactional
from caseflow.core.errors import Forbidden, Invalid
from caseflow.core.guard import body_limit
from caseflow.evidence import http, services
from caseflow.evidence.serialize import evidence_json

bp = Blueprint("evidence_api", __name__, url_prefix="/api/v1")


def _case(case_id: int):
    return queries.load_case(case_id, g.api_user)


def _evidence(case_id: int, evidence_id: int):
    case = _case(case_id)
    return case, services.load_evidence(case, evidence_id)


def _upload(case, *, replaces=None):
    with http.parse_upload(1) as received:
        files = [up for name, up in received.files if name == "file"]
        if len(received.files) > 1 or len(files) != 1:
            raise Invalid("请在 file 字段中上传一个文件", fields={"file": "需要且只能上传一个文件"})
        fields = services.clean_fields(received.form, actor=g.api_user, partial=replaces is not None)
        stored = services.check_and_store(files[0])
    ev = http.save_upload(lambda: services.create_evidence(
        case, stored, actor=g.api_user, fields=fields, via="api",
        replaces=services.load_evidence(case, replaces) if replaces is not None else None))
    return jsonify(evidence_json(ev)), 201


@bp.post("/cases/<int:case_id>/evidence")
@body_limit(None)  # streamed under EVIDENCE_MAX_BYTES (http.parse_upload)
@token_required
def upload(case_id: int):
    """Upload evidence: multipart `file`, `title`, `kind`, optional `description` and `method` → 201."""
    case = _case(case_id)
    if not policy.can_upload_evidence(g.api_user, case):
        raise Forbidden("案件已办结，不能再提交证据" if case.closed_at else "您无权向本案提交证据")
    services.check_room(case)
    return _upload(case)


@bp.post("/cases/<int:case_id>/evidence/<int:evidence_id>/versions")
@body_limit(None)  # streamed under EVIDENCE_MAX_BYTES
@token_required
def replace(case_id: int, evidence_id: int):
    """Upload a corrected file as a new version of the evidence (multipart `file`, optional fields) → 201."""
    case, ev = _evidence(case_id, evidence_id)
    if not policy.can_replace_evidence(g.api_user, ev):
        raise Forbidden("只有提交人或办案人员可以更正该证据")
    return _upload(case, replaces=ev.id)


@bp.get("/cases/<int:case_id>/evidence")
@token_required
def list_(case_id: int):
    """Every evidence record of the case (all versions, in list order)."""
    case = _case(case_id)
    response = jsonify({"items": [evidence_json(e) for e in services.list_evidence(case)]})
    accesslog.record_view(case.id, g.api_user, "api")
    return response


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>")
@token_required
def show(case_id: int, evidence_id: int):
    return jsonify(evidence_json(_evidence(case_id, evidence_id)[1]))


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>/content")
@token_required
def content(case_id: int, evidence_id: int):
    """The file itself (a custody event); `?inline=1` asks for inline display of images and PDFs."""
    how = "view" if request.args.get("inline") in ("1", "true") else "download"
    return http.deliver(lambda: _evidence(case_id, evidence_id)[1], actor=g.api_user, how=how, via="api")


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>/preview.png")
@token_required
def preview(case_id: int, evidence_id: int):
    """Thumbnail (images) or first-page preview (PDFs) as PNG."""
    return http.send_preview(_evidence(case_id, evidence_id)[1])


@bp.post("/cases/<int:case_id>/evidence/<int:evidence_id>/admission")
@token_required
@transactional
def admission(case_id: int, evidence_id: int):
    """`{"decision": "admitted"|"rejected", "reason": …}` → 200 and the evidence."""
    case, ev = _evidence(case_id, evidence_id)
    if not policy.can_decide_evidence(g.api_user, case):
        raise Forbidden("只有办案人员可以认定证据")
    body = json_body()
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise Invalid("reason 应为文本", fields={"reason": "应为文本"})
    services.decide_admission(ev, actor=g.api_user, decision=str(body.get("decision") or ""), reason=reason)
    return jsonify(evidence_json(ev))


@bp.post("/cases/<int:case_id>/evidence/<int:evidence_id>/handover")
@token_required
@transactional
def handover(case_id: int, evidence_id: int):
    """`{"recipient": …, "note": …}` → 200; records a hand-over custody event."""
    case, ev = _evidence(case_id, evidence_id)
    if not policy.can_decide_evidence(g.api_user, case):
        raise Forbidden("只有办案人员可以登记证据移交")
    body = json_body()
    recipient, note = body.get("recipient"), body.get("note") or ""
    if not isinstance(recipient, str) or not isinstance(note, str):
        raise Invalid("recipient 和 note 应为文本", fields={"recipient": "请填写接收人或接收单位"})
    services.record_handover([ev], actor=g.api_user, recipient=recipient, note=note)
    return jsonify(evidence_json(ev))


@bp.get("/cases/<int:case_id>/evidence.csv")
@token_required
def list_csv(case_id: int):
    """The evidence list (证据清单) as CSV."""
    case = _case(case_id)
    response = http.send_csv(case)
    accesslog.record_view(case.id, g.api_user, "api")
    return response


@bp.get("/cases/<int:case_id>/evidence/package.zip")
@token_required
def package(case_id: int):
    """The evidence package (staff of the case)."""
    case = _case(case_id)
    if not policy.can_decide_evidence(g.api_user, case):
        raise Forbidden("只有办案人员可以导出证据包")
    return http.send_package(case, actor=g.api_user)
