"""Every error answers in Chinese; the API answers JSON; nothing leaks a traceback."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from caseflow.core.db import ConcurrencyConflict
from caseflow.core.errors import DomainError

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求格式不正确",
    401: "请先登录或提供有效的令牌",
    403: "您无权执行此操作",
    404: "页面或案件不存在",
    405: "不支持该请求方法",
    409: "数据已被他人更新，请刷新后重试",
    413: "上传内容过大",
    422: "提交的内容有误",
    429: "请求过于频繁，请稍后再试",
    500: "系统内部错误，请稍后再试",
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 422: "invalid", 429: "throttled", 500: "server_error"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(status: int, code: str, message: str, fields: dict | None = None):
    if wants_json():
        body: dict[str, object] = {"error": code, "message": message}
        if fields:
            body["fields"] = fields
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, fields=fields or {}), status


def register(app) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return respond(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(ConcurrencyConflict)
    def concurrency(exc):
        return respond(409, "conflict_version", "案件已被他人同时修改，请刷新后重试")

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return respond(400, "csrf", "页面已过期或表单校验失败，请刷新页面后重新提交")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        return respond(status, CODES.get(status, "error"), MESSAGES.get(status, exc.description or "请求错误"))

    @app.errorhandler(OverflowError)
    def overflow(exc):
        # A date or number beyond what Python's date arithmetic or the database holds, e.g. the year 9999 + 1 day.
        return respond(400, "bad_request", "日期或数值超出可处理的范围，请检查后重新提交")

    @app.errorhandler(Exception)
    def unexpected(exc):
        from caseflow.core.db import is_concurrency_error

        if is_concurrency_error(exc):
            return respond(409, "conflict_version", "案件已被他人同时修改，请刷新后重试")
        log.error("unhandled error", exc_info=exc)
        return respond(500, "server_error", MESSAGES[500])
