"""OpenAPI 3.1 description of API v1, with each action's fields taken from the declarations."""

from __future__ import annotations

import workflows
from workflows import base as wf

ERROR = {"$ref": "#/components/schemas/Error"}


def _field_schema(spec: wf.Field) -> dict:
    if isinstance(spec, wf.Choice):
        return {"type": "string", "enum": list(spec.choices), "description": spec.label}
    if isinstance(spec, wf.MultiChoice):
        return {"type": "array", "items": {"type": "string", "enum": list(spec.choices)}, "description": spec.label}
    if isinstance(spec, wf.UserList):
        return {"type": "array", "items": {"type": "string"}, "description": spec.label}
    if isinstance(spec, wf.Integer):
        return {"type": "integer", "description": spec.label}
    if isinstance(spec, wf.Date):
        return {"type": "string", "format": "date", "description": spec.label}
    return {"type": "string", "maxLength": getattr(spec, "max_length", 200), "description": spec.label}


def errors(*codes: int) -> dict:
    """The error responses of an operation (every error body is the Error schema)."""
    return {str(c): {"description": "错误", "content": {"application/json": {"schema": ERROR}}} for c in codes}


def path_ids(*names: str) -> list[dict]:
    """Integer path parameters."""
    return [{"name": n, "in": "path", "required": True, "schema": {"type": "integer"}} for n in names]


def json_body(properties: dict, required: tuple[str, ...] = ()) -> dict:
    """A JSON request body with the given properties."""
    return {"content": {"application/json": {"schema": {
        "type": "object", "required": list(required), "properties": properties}}}}


def _domain_paths() -> dict:
    """Path items that the other domains describe themselves."""
    from caseflow.evidence.openapi import paths as evidence_paths
    from caseflow.mediation.openapi import paths as mediation_paths
    from caseflow.notices.openapi import paths as notice_paths
    from caseflow.referral.openapi import paths as referral_paths
    from caseflow.stats.openapi import paths as stats_paths

    return {**evidence_paths(), **notice_paths(), **stats_paths(), **mediation_paths(), **referral_paths()}


def build() -> dict:
    action_schemas = {}
    for code, proc in workflows.PROCEDURES.items():
        for name in proc.action_names():
            decl = proc.actions_named(name)[0]
            props = {"version": {"type": "integer"}} | {k: _field_schema(v) for k, v in decl.fields.items()}
            required = ["version"] + [k for k, v in decl.fields.items() if v.required]
            action_schemas[f"{code}.{name}"] = {"type": "object", "title": decl.label, "properties": props,
                                                "required": required, "additionalProperties": False}
    party = {"type": "object", "required": ["name"], "properties": {
        k: {"type": "string"} for k in ("name", "id_type", "id_number", "address", "phone")}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "CaseFlow 案流 API", "version": "1"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
                "CaseCreate": {"type": "object", "required": ["procedure", "unit", "kind", "ip_type", "right_number",
                                                              "title", "facts", "claims", "respondents"],
                               "properties": {
                                   "procedure": {"type": "string", "enum": list(workflows.PROCEDURES)},
                                   "unit": {"type": "string", "description": "GB/T 2260 code"},
                                   **{k: {"type": "string"} for k in ("kind", "ip_type", "right_number", "title",
                                                                      "facts", "claims", "channel", "asserted_claims")},
                                   "asserted_claims": {"type": "string", "description": (
                                       "发明、实用新型：主张的权利要求（行政裁决请求必填，局令81第十二条第（三）项）；"
                                       "外观设计：使用该外观设计的产品（没有权利要求，不必填写）")},
                                   "claimants": {"type": "array", "items": party, "description": (
                                       "投诉人/请求人；执法人员登记依职权发现（channel=ex_officio）的投诉举报程序案件"
                                       "（如假冒专利）时不填")},
                                   "respondents": {"type": "array", "items": party}}},
                "Actions": {"type": "object", "description": "action bodies by procedure.action",
                            "properties": action_schemas},
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/auth/token": {"post": {"summary": "获取令牌", "security": [],
                                            "responses": {"200": {"description": "令牌及其到期时间（expires_at）"},
                                                          **errors(401, 403, 422, 429)}},
                                   "delete": {"summary": "撤销本令牌（修改密码、停用账号、变更角色或单位也使之失效）",
                                              "responses": {"204": {"description": "已撤销"}, **errors(401)}}},
            "/api/v1/cases": {
                "get": {"summary": "案件列表", "parameters": [
                    {"name": n, "in": "query", "schema": {"type": "string"}}
                    for n in ("procedure", "state", "unit", "overdue", "page", "per_page", "sort")],
                        "responses": {"200": {"description": "分页列表"}, **errors(401, 422)}},
                "post": {"summary": "创建案件", "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/CaseCreate"}}}},
                         "responses": {"201": {"description": "案件"}, **errors(401, 403, 422)}}},
            "/api/v1/cases/{id}": {"get": {"summary": "案件详情", "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "案件"}, **errors(401, 404)}}},
            "/api/v1/cases/{id}/actions/{action}": {"post": {
                "summary": "执行操作", "description": "请求体见 components.schemas.Actions",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                               {"name": "action", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "案件"}, "202": {"description": "已提交审批"},
                              **errors(401, 403, 404, 409, 422)}}},
            "/api/v1/approvals": {"get": {"summary": "待审批", "responses": {"200": {"description": "列表"}}}},
            "/api/v1/approvals/{id}/approve": {"post": {"summary": "批准", "responses": {
                "200": {"description": "案件"}, **errors(401, 403, 404, 409)}}},
            "/api/v1/approvals/{id}/reject": {"post": {"summary": "驳回", "responses": {
                "200": {"description": "案件"}, **errors(401, 403, 404, 409, 422)}}},
            **_domain_paths(),
        },
    }
