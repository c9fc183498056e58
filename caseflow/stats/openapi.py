"""The statistics endpoint for /api/v1/openapi.json (merged into caseflow.api.openapi.build's "paths")."""

from __future__ import annotations

from caseflow.api.openapi import errors

FILTERS = {"from": "起始月份 YYYY-MM", "to": "截止月份 YYYY-MM", "unit": "单位代码（本单位及下级）",
           "procedure": "程序", "ip_type": "知识产权类型", "channel": "来源渠道", "officer": "承办人用户名"}


def paths() -> dict:
    """OpenAPI path items of the statistics API."""
    return {"/api/v1/stats/summary": {"get": {
        "summary": "统计摘要：主要指标、按月序列及各指标定义（仅负责人）",
        "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}, "description": d}
                       for n, d in FILTERS.items()],
        "responses": {"200": {"description": "{period, filters, units, figures, by_month, definitions}"},
                      **errors(401, 404, 422)}}}}
