"""The referral endpoints for /api/v1/openapi.json (merged into caseflow.api.openapi.build's "paths")."""

from __future__ import annotations

from caseflow.referral.services import INCOMING_SOURCES
from workflows.complaint import KINDS

ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*codes: int) -> dict:
    return {str(c): {"description": "错误", "content": {"application/json": {"schema": ERROR}}} for c in codes}


INCOMING = {"type": "object", "additionalProperties": False,
            "required": ["source", "sender", "received_on", "kind", "title", "facts"],
            "properties": {
                "source": {"type": "string", "enum": list(INCOMING_SOURCES),
                           "description": "、".join(f"{k} {v}" for k, v in INCOMING_SOURCES.items())},
                "sender": {"type": "string", "maxLength": 200, "description": "移送机关"},
                "document_number": {"type": "string", "maxLength": 64, "description": "移送文书编号"},
                "received_on": {"type": "string", "format": "date", "description": "收到日期（不晚于今天）"},
                "kind": {"type": "string", "enum": list(KINDS), "description": "案件类型"},
                "ip_type": {"type": "string", "description": "权利类型"},
                "right_number": {"type": "string", "maxLength": 64},
                "title": {"type": "string", "maxLength": 200, "description": "案由"},
                "facts": {"type": "string", "maxLength": 20000, "description": "移送的事实和材料"},
                "respondent_name": {"type": "string", "maxLength": 200},
                "respondent_address": {"type": "string", "maxLength": 300},
            }}


def paths() -> dict:
    """OpenAPI path items of the referral API."""
    return {
        "/api/v1/cases/{id}/referral-package.zip": {
            "get": {"summary": "移送证据包（zip，manifest.json 列明每个文件的 SHA-256；仅本案办案人员）",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "application/zip",
                                          "content": {"application/zip": {"schema": {"type": "string",
                                                                                      "format": "binary"}}}},
                                  **_errors(401, 404)}},
        },
        "/api/v1/referrals/incoming": {
            "post": {"summary": "登记公安机关或其他机关移送来的案件（成为新的投诉举报案件，来源：转办）",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": INCOMING}}},
                     "responses": {"201": {"description": "新案件"}, **_errors(401, 403, 422)}},
        },
    }
