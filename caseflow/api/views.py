"""JSON API v1 (docs/architecture.md, JSON API): token auth, cases, actions, approvals."""

from __future__ import annotations

import functools

from flask import Blueprint, g, jsonify, request

from caseflow import policy
from caseflow.accounts import services as accounts, sessions
from caseflow.accounts.models import EndReason
from caseflow.accounts.services import unit_by_code, units_ordered
from caseflow.accounts.sessions import Client
from caseflow.approvals import services as approvals
from caseflow.cases import accesslog, queries
from caseflow.cases.forms import validate_action_json, validate_create_json
from caseflow.cases.models import PartyRole
from caseflow.cases.serialize import case_detail, case_summary
from caseflow.cases.services import check_new_request, create_case, party_dicts, perform
from caseflow.core.db import run_bookkeeping, run_read_only, run_transaction, transactional
from caseflow.core.errors import DomainError, Forbidden, Invalid, NotFound

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("请求体必须是 JSON 对象")
    return body


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def token_required(view):
    """Bearer-token authentication; cookies are never accepted here. A revoked or expired token answers 401."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        row = sessions.token_row(_bearer())
        if row is None:
            raise Unauthorized("缺少或无效的访问令牌")
        if row.user.password_must_change:
            raise Forbidden("请先登录网页修改管理员设置的临时密码", code="password_change_required")
        g.api_user, g.api_token = row.user, row
        if sessions.touch_due(row.last_used_at):
            token_id = row.id
            run_bookkeeping(lambda: sessions.touch_token(token_id))
        return view(*args, **kwargs)

    return wrapper


@bp.post("/auth/token")
def token():
    """Exchange a username and password for a bearer token (checked outside the write lock, as the login page)."""
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise Invalid("请提供用户名和密码", fields={"username": "必填", "password": "必填"})
    client = Client.of(request)
    try:
        check = run_read_only(lambda: accounts.check_login(username, password, client=client))
    except accounts.Throttled as exc:
        return jsonify(exc.to_json()), 429, {"Retry-After": str(exc.retry_after)}

    def record():
        user = accounts.record_login(check, client=client)
        if user is None or user.password_must_change:  # no token until the password is the user's own
            return user, None
        return user, sessions.issue_token(user, client)

    user, issued = run_transaction(record)
    if user is None:
        return jsonify({"error": "unauthorized", "message": "用户名或密码错误"}), 401
    if issued is None:
        raise Forbidden("请先登录网页修改管理员设置的临时密码", code="password_change_required")
    return jsonify({"token": issued.token, "expires_at": issued.expires_at.isoformat(),
                    "user": {"username": user.username, "role": user.role.value}})


@bp.delete("/auth/token")
@token_required
@transactional
def revoke_token():
    """Revoke the token this request presents (an API client's logout)."""
    sessions.revoke_token(g.api_token, EndReason.LOGOUT)
    return "", 204


@bp.get("/cases")
@token_required
def list_cases():
    """Cases visible to the caller, filtered and paginated."""
    args = request.args
    overdue = args.get("overdue")
    if overdue not in (None, "", "0", "1", "true", "false"):
        raise Invalid("overdue 取值应为 true 或 false", fields={"overdue": "取值无效"})
    page = queries.list_cases(
        g.api_user, procedure=args.get("procedure") or None, state=args.get("state") or None,
        unit=args.get("unit") or None, sort=args.get("sort", "received"),
        page=queries.int_arg(args.get("page"), 1), per_page=min(queries.int_arg(args.get("per_page"), 20), 200),
        # overdue=true: cases with a missed or past-due open office deadline; false: the others.
        overdue={"1": True, "true": True, "0": False, "false": False}.get(overdue or ""),
    )
    return jsonify({"items": [case_summary(c) for c in page.items], "total": page.total, "page": page.page,
                    "per_page": page.per_page})


@bp.post("/cases")
@token_required
@transactional
def create():
    """File a case (rights holders, or staff of the office registering one)."""
    user = g.api_user
    if not policy.can_create_cases(user):
        raise Forbidden("您的角色不能创建案件")
    body = json_body()
    if body.get("procedure") == "mediation":  # the 调解请求书 has its own fields (局令81 art. 64)
        from caseflow.mediation import forms as mediation_forms, services as mediation

        case = mediation.create_request(mediation_forms.validate_request_json(body, units_ordered()), user)
        return jsonify(case_detail(case, user)), 201
    data = validate_create_json(body, units_ordered())
    check_new_request(data["procedure"], data)
    unit = unit_by_code(data["unit"])
    if unit is None or not policy.can_create_in_unit(user, unit):
        raise Invalid("受理单位无效", fields={"unit": "请选择有效的受理单位"})
    parties = party_dicts(data["claimants"], PartyRole.CLAIMANT) + party_dicts(data["respondents"],
                                                                               PartyRole.RESPONDENT)
    case = create_case(procedure=data["procedure"], unit=unit, actor=user, fields=data, parties=parties)
    return jsonify(case_detail(case, user)), 201


@bp.get("/cases/<int:case_id>")
@token_required
def get_case(case_id: int):
    """One case as the caller may see it."""
    case = queries.load_case(case_id, g.api_user)
    response = jsonify(case_detail(case, g.api_user))
    accesslog.record_view(case.id, g.api_user, "api")
    return response


@bp.post("/cases/<int:case_id>/actions/<action>")
@token_required
@transactional
def act(case_id: int, action: str):
    """Perform an action; 202 with the approval request when it needs approval."""
    case = queries.load_case(case_id, g.api_user)
    body = json_body()
    outcome = perform(case, action, actor=g.api_user, data=body, validate=validate_action_json, via="api")
    if outcome.approval is not None:
        return jsonify(approval_json(outcome.approval)), 202
    return jsonify(case_detail(case, g.api_user)), 200


def approval_json(req) -> dict:
    return {"id": req.id, "case_id": req.case_id, "action": req.action, "status": req.status.value,
            "requested_by": req.requested_by.username, "requested_at": req.requested_at.isoformat()}


@bp.get("/approvals")
@token_required
def list_approvals():
    """Pending approval requests the caller may decide."""
    return jsonify({"items": [approval_json(r) for r in approvals.pending_for(g.api_user)]})


@bp.post("/approvals/<int:request_id>/<decision>")
@token_required
@transactional
def decide(request_id: int, decision: str):
    """Approve or reject a request with a comment."""
    if decision not in ("approve", "reject"):
        raise NotFound("没有该操作", code="unknown_action")
    req = approvals.load_request(request_id, g.api_user)
    body = request.get_json(silent=True) or {}
    comment = body.get("comment") if isinstance(body, dict) else None
    if comment is not None and not isinstance(comment, str):
        raise Invalid("comment 应为文本", fields={"comment": "应为文本"})
    if decision == "approve":
        result = approvals.approve_request(req, actor=g.api_user, comment=comment or "")
        if result.failed:  # the request is closed as failed (kept: the 409 is an answer, not an error)
            return jsonify({"error": "conflict_version", "message": result.failed}), 409
        return jsonify(case_detail(result.case, g.api_user))
    case = approvals.reject_request(req, actor=g.api_user, comment=comment or "")
    return jsonify(case_detail(case, g.api_user))


@bp.get("/openapi.json")
def openapi():
    """A description of the API, generated from the procedure declarations."""
    from caseflow.api.openapi import build

    return jsonify(build())
