"""The evidence endpoints for /api/v1/openapi.json (merged into caseflow.api.openapi.build's "paths")."""

from __future__ import annotations

from caseflow.api.openapi import errors as _errors, path_ids as _ids
from caseflow.evidence.models import Admission, EvidenceKind, SubmissionMethod

UPLOAD = {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "title", "kind"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "证据文件（类型按内容识别）"},
        "title": {"type": "string", "maxLength": 200, "description": "证据名称"},
        "kind": {"type": "string", "enum": [k.value for k in EvidenceKind],
                 "description": "、".join(f"{k.value} {k.title}" for k in EvidenceKind)},
        "description": {"type": "string", "maxLength": 5000, "description": "证明对象与说明"},
        "method": {"type": "string", "enum": [m.value for m in SubmissionMethod],
                   "description": "、".join(f"{m.value} {m.title}" for m in SubmissionMethod)},
    }}}}
EVIDENCE = {"description": "证据：id, sha256, size, mime 及登记信息",
            "content": {"application/json": {"schema": {"type": "object",
                                                        "required": ["id", "sha256", "size", "mime"]}}}}


def paths() -> dict:
    """OpenAPI path items of the evidence API."""
    case_ev = "/api/v1/cases/{id}/evidence"
    one = case_ev + "/{evidence_id}"
    return {
        case_ev: {
            "get": {"summary": "证据列表（含各版本）", "parameters": _ids("id"),
                    "responses": {"200": {"description": "{items: [...]}"}, **_errors(401, 404)}},
            "post": {"summary": "上传证据", "parameters": _ids("id"), "requestBody": {"content": UPLOAD},
                     "responses": {"201": EVIDENCE, **_errors(401, 403, 404, 409, 413, 422)}},
        },
        case_ev + ".csv": {"get": {"summary": "证据清单 CSV", "parameters": _ids("id"),
                                   "responses": {"200": {"description": "text/csv"}, **_errors(401, 404)}}},
        case_ev + "/package.zip": {"get": {
            "summary": "证据包（manifest.json 含每个文件的 SHA-256、保管记录、案件摘要）", "parameters": _ids("id"),
            "responses": {"200": {"description": "application/zip"}, **_errors(401, 403, 404)}}},
        one: {"get": {"summary": "证据详情", "parameters": _ids("id", "evidence_id"),
                      "responses": {"200": EVIDENCE, **_errors(401, 404)}}},
        one + "/content": {"get": {
            "summary": "证据文件（记入保管记录）", "parameters": [
                *_ids("id", "evidence_id"),
                {"name": "inline", "in": "query", "schema": {"type": "string", "enum": ["1"]},
                 "description": "图片和 PDF 以 inline 方式返回"}],
            "responses": {"200": {"description": "文件，Content-Disposition 带原文件名"}, **_errors(401, 404)}}},
        one + "/preview.png": {"get": {"summary": "缩略图/首页预览", "parameters": _ids("id", "evidence_id"),
                                       "responses": {"200": {"description": "image/png"}, **_errors(401, 404)}}},
        one + "/versions": {"post": {
            "summary": "上传更正后的新版本", "parameters": _ids("id", "evidence_id"),
            "requestBody": {"content": UPLOAD},
            "responses": {"201": EVIDENCE, **_errors(401, 403, 404, 409, 413, 422)}}},
        one + "/admission": {"post": {
            "summary": "证据认定（采信/不予采信）", "parameters": _ids("id", "evidence_id"),
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "required": ["decision"], "properties": {
                    "decision": {"type": "string", "enum": [Admission.ADMITTED.value, Admission.REJECTED.value]},
                    "reason": {"type": "string", "description": "不予采信时必填"}}}}}},
            "responses": {"200": EVIDENCE, **_errors(401, 403, 404, 422)}}},
        one + "/handover": {"post": {
            "summary": "登记证据移交", "parameters": _ids("id", "evidence_id"),
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "required": ["recipient"], "properties": {
                    "recipient": {"type": "string"}, "note": {"type": "string"}}}}}},
            "responses": {"200": EVIDENCE, **_errors(401, 403, 404, 422)}}},
    }
