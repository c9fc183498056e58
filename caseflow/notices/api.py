"""JSON API v1 for documents (docs/architecture.md, JSON API): ``GET /api/v1/notices/{id}.pdf`` and the officers'
operations.

Bearer-token auth as the rest of the API; the blueprint is CSRF-exempt (no cookies are accepted). A document
the caller may not see, or whose case the caller may not see, answers 404.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, g, jsonify, request

from caseflow import policy
from caseflow.api.views import json_body, token_required
from caseflow.cases import accesslog, queries
from caseflow.core.db import db, transactional
from caseflow.core.errors import Invalid, NotFound, reject_unknown
from caseflow.core.guard import body_limit
from caseflow.notices import catalogue, deliveries, drafting, issuing, reading, verification
from caseflow.notices.serialize import case_notices, notice_json
from caseflow.notices.views import ISSUE_ATTEMPTS, VERIFY_MAX_BYTES, send_notice_pdf

bp = Blueprint("notices_api", __name__, url_prefix="/api/v1")


def _detail_json(notice) -> dict:
    out = notice_json(notice, g.api_user)
    staff = policy.is_case_staff(g.api_user, notice.case)
    out.update(case_id=notice.case_id, document_date=notice.document_date.isoformat() if notice.document_date else None,
               version=notice.version, verify_code=notice.verify_code if notice.is_issued else None)
    if staff:
        kind = catalogue.kind(notice.kind)
        out.update(parts=notice.parts or {}, editable=[p.name for p in kind.parts],
                   missing_chars=(notice.missing_chars or {}).get("chars") or [],
                   needs_signoff=issuing.needs_signoff(notice, g.api_user),
                   recipients=[{"party_id": p.id, "role": p.role.value, "name": p.name}
                               for p in deliveries.recipient_parties(notice)],
                   deliveries=[{"id": d.id, "party_id": d.party_id, "recipient": d.recipient_name,
                                "method": d.method.value, "delivered_on": d.delivered_on.isoformat(),
                                "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
                                "effective": d.took_effect_at is not None,
                                "first_opened_at": d.first_opened_at.isoformat() if d.first_opened_at else None}
                               for d in notice.deliveries])
    return out


@bp.get("/notices/<int:notice_id>.pdf")
@token_required
@transactional(attempts=ISSUE_ATTEMPTS)
def notice_pdf(notice_id: int):
    """The issued PDF (404 for drafts and for callers who may not see the case or the document)."""
    notice = reading.load_notice(notice_id, g.api_user)
    if not notice.is_issued:
        raise NotFound("文书尚未签发")
    if g.api_user.is_staff:
        queries.load_case(notice.case_id, g.api_user)
    else:
        deliveries.record_opening(notice, g.api_user)
    response = send_notice_pdf(notice)
    accesslog.record_view(notice.case_id, g.api_user, "notice_pdf")
    return response


@bp.get("/notices/<int:notice_id>")
@token_required
def notice_detail(notice_id: int):
    return jsonify(_detail_json(reading.load_notice(notice_id, g.api_user)))


@bp.get("/cases/<int:case_id>/notices")
@token_required
def list_notices(case_id: int):
    """The case's documents the caller may see."""
    case = queries.load_case(case_id, g.api_user)
    return jsonify({"items": case_notices(case, g.api_user)})


def _staff_notice(notice_id: int):
    notice = reading.load_notice(notice_id, g.api_user)
    if not policy.is_case_staff(g.api_user, notice.case):
        raise NotFound("文书不存在")
    return notice


def _version(body: dict) -> int | None:
    version = body.get("version")
    if version is None:
        return None
    if isinstance(version, bool) or not isinstance(version, int | str) or not str(version).isdigit():
        raise Invalid("版本号无效", fields={"version": "应为整数"})
    return int(version)


@bp.post("/notices/<int:notice_id>/parts")
@token_required
@transactional(attempts=ISSUE_ATTEMPTS)
def update_parts(notice_id: int):
    """Revise a draft's editable parts: ``{"parts": {"reasons": "…"}, "version": n}``."""
    notice = _staff_notice(notice_id)
    body = json_body()
    parts = body.get("parts")
    if not isinstance(parts, dict):
        raise Invalid("parts 应为对象", fields={"parts": "应为对象"})
    drafting.update_parts(notice, actor=g.api_user, parts=parts, version=_version(body))
    return jsonify(_detail_json(notice))


@bp.post("/notices/<int:notice_id>/issue")
@token_required
@transactional(attempts=ISSUE_ATTEMPTS)
def issue(notice_id: int):
    """Issue a draft: 200 with the issued document, or 202 when it went to a supervisor for sign-off."""
    notice = _staff_notice(notice_id)
    body = request.get_json(silent=True) or {}
    outcome = issuing.issue(notice, actor=g.api_user, version=_version(body) if isinstance(body, dict) else None)
    return jsonify(_detail_json(notice)), outcome.status


@bp.post("/notices/<int:notice_id>/approve")
@token_required
@transactional(attempts=ISSUE_ATTEMPTS)
def approve(notice_id: int):
    """A supervisor signs off (issues) a document waiting for it."""
    notice = _staff_notice(notice_id)
    body = request.get_json(silent=True) or {}
    comment = body.get("comment") if isinstance(body, dict) else None
    issuing.approve_signoff(notice, actor=g.api_user, comment=comment if isinstance(comment, str) else "")
    return jsonify(_detail_json(notice))


def _date(body: dict, name: str) -> dt.date | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid("日期格式应为 YYYY-MM-DD", fields={name: "日期格式应为 YYYY-MM-DD"}) from None


@bp.post("/notices/<int:notice_id>/deliveries")
@token_required
@transactional(attempts=ISSUE_ATTEMPTS)
def deliver(notice_id: int):
    """Record a delivery: ``{"method", "party_id", "delivered_on" | "published_on", …}`` → 201."""
    notice = _staff_notice(notice_id)
    body = json_body()
    reject_unknown(body, {"method", "party_id", "delivered_on", "published_on", "receipt_number", "signed_by",
                          "witness", "place", "note"})
    party_id = body.get("party_id")
    if party_id is not None and (isinstance(party_id, bool) or not isinstance(party_id, int)):
        raise Invalid("party_id 应为整数", fields={"party_id": "应为整数"})
    texts = {k: body.get(k) for k in ("receipt_number", "signed_by", "witness", "place", "note")}
    for name, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise Invalid(f"{name} 应为文本", fields={name: "应为文本"})
    delivery = deliveries.record_delivery(notice, actor=g.api_user, method=str(body.get("method") or ""),
                                        party_id=party_id, delivered_on=_date(body, "delivered_on"),
                                        published_on=_date(body, "published_on"), **texts)
    db.session.flush()
    return jsonify({"id": delivery.id, "notice": _detail_json(notice)}), 201


@bp.post("/verify/<code>")
@body_limit(VERIFY_MAX_BYTES)
def verify(code: str):
    """Compare an uploaded PDF (multipart ``file`` or the raw body) with the issued document of a code."""
    notice = verification.find_by_code(code)
    if notice is None:
        raise NotFound("验证码不存在或文书未签发")
    upload = request.files.get("file")
    digest = verification.hash_upload(upload.stream if upload is not None else request.stream)
    facts = verification.verification_facts(notice)
    return jsonify({"genuine": digest == notice.sha256, "sha256": digest, "document": facts})
