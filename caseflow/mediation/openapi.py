"""The mediation endpoints for /api/v1/openapi.json (merged into caseflow.api.openapi.build's "paths")."""

from __future__ import annotations

from workflows.mediation import CATEGORIES

ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*codes: int) -> dict:
    return {str(c): {"description": "错误", "content": {"application/json": {"schema": ERROR}}} for c in codes}


def paths() -> dict:
    party = {"type": "object", "required": ["name"], "properties": {
        k: {"type": "string"} for k in ("name", "id_type", "id_number", "address", "phone")}}
    request = {"type": "object", "additionalProperties": False,
               "required": ["unit", "category", "ip_type", "right_number", "title", "facts", "claims", "claimants",
                            "respondents"],
               "properties": {
                   "unit": {"type": "string", "description": "受理单位 GB/T 2260 代码"},
                   "category": {"type": "string", "enum": list(CATEGORIES),
                                "description": "纠纷类型（局令第81号第六十三条）：" + "、".join(
                                    f"{k} {v}" for k, v in CATEGORIES.items())},
                   "ip_type": {"type": "string", "enum": ["invention", "utility_model", "design"]},
                   "right_number": {"type": "string", "description": "专利号或专利申请号"},
                   "decision_ref": {"type": "string",
                                    "description": "认定侵权的处理决定书文号；category 为 damages 时必填"
                                                   "（第六十四条）"},
                   "granted": {"type": "string", "enum": ["yes", "no"],
                               "description": "专利权已公告授予；category 为 provisional_fee 时须为 yes"},
                   "title": {"type": "string"}, "facts": {"type": "string"}, "claims": {"type": "string"},
                   "procedure": {"type": "string", "enum": ["mediation"]},
                   "channel": {"type": "string"},
                   "claimants": {"type": "array", "items": party, "minItems": 1},
                   "respondents": {"type": "array", "items": party, "minItems": 1}}}
    return {
        "/api/v1/mediation/requests": {"post": {
            "summary": "提交调解请求书（也可 POST /api/v1/cases 并设 procedure=mediation）",
            "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
            "responses": {"201": {"description": "新建的调解案件"}, **_errors(401, 403, 422)}}},
        "/api/v1/cases/{id}/mediation/confirmation-package": {"get": {
            "summary": "司法确认申请材料（申请书、调解协议书、主持调解的证明、当事人身份信息）PDF",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}},
                          **_errors(401, 404, 409)}}},
    }
