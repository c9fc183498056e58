"""The document endpoints for /api/v1/openapi.json (merged into caseflow.api.openapi.build's "paths")."""

from __future__ import annotations

from caseflow.api.openapi import errors, json_body, path_ids

NOTICE = {"description": "文书：id, kind, title, number, status, 送达记录等"
                          "（工作人员另见可编辑部分和受送达人 recipients）"}
VERSION = {"version": {"type": "integer", "description": "草稿版本号（防止覆盖他人修改）"}}


def paths() -> dict:
    """OpenAPI path items of the notices API."""
    one = "/api/v1/notices/{id}"
    return {
        "/api/v1/cases/{id}/notices": {"get": {
            "summary": "案件的文书（当事人只见已送达给自己的）", "parameters": path_ids("id"),
            "responses": {"200": {"description": "{items: [...]}"}, **errors(401, 404)}}},
        one: {"get": {"summary": "文书详情", "parameters": path_ids("id"),
                      "responses": {"200": NOTICE, **errors(401, 404)}}},
        one + ".pdf": {"get": {"summary": "已签发文书的 PDF（当事人打开即记录）", "parameters": path_ids("id"),
                               "responses": {"200": {"description": "application/pdf"}, **errors(401, 404)}}},
        one + "/parts": {"post": {
            "summary": "修改草稿的可编辑部分", "parameters": path_ids("id"),
            "requestBody": json_body({"parts": {"type": "object", "additionalProperties": {"type": "string"}},
                                      **VERSION}, ("parts",)),
            "responses": {"200": NOTICE, **errors(401, 404, 409, 422)}}},
        one + "/issue": {"post": {
            "summary": "签发（需负责人签发的文书返回 202）", "parameters": path_ids("id"),
            "requestBody": json_body(VERSION),
            "responses": {"200": NOTICE, "202": {"description": "已提交负责人签发"}, **errors(401, 404, 409, 422)}}},
        one + "/approve": {"post": {
            "summary": "负责人签发", "parameters": path_ids("id"),
            "requestBody": json_body({"comment": {"type": "string"}}),
            "responses": {"200": NOTICE, **errors(401, 403, 404, 409)}}},
        one + "/deliveries": {"post": {
            "summary": "登记送达（电子、直接、邮寄、留置、公告）", "parameters": path_ids("id"),
            "requestBody": json_body({
                "method": {"type": "string"}, "party_id": {"type": "integer"},
                "delivered_on": {"type": "string", "format": "date"},
                "published_on": {"type": "string", "format": "date", "description": "公告送达的公告日"},
                **{k: {"type": "string"} for k in ("receipt_number", "signed_by", "witness", "place", "note")}},
                ("method",)),
            "responses": {"201": {"description": "{id, notice}"}, **errors(401, 404, 409, 422)}}},
        "/api/v1/verify/{code}": {"post": {
            "summary": "核验文书：上传 PDF 与签发件比对 SHA-256", "security": [],
            "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"}}}}, "application/pdf": {"schema": {
                    "type": "string", "format": "binary"}}}},
            "responses": {"200": {"description": "{genuine, sha256, document}"}, **errors(404)}}},
    }
