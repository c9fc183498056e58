"""Every error answers in Chinese; the API answers JSON; nothing leaks a traceback.

The one path of a refusal: a service raises a DomainError, the view lets it through (its transaction rolls back),
and the handler here answers. Under /api/ that is JSON; an HTML view declares with ``@on_refusal`` where the
browser goes back to (the message flashed, 303) or how its form is shown again with the messages; a view that
declares nothing, and any 404 a view does not ask for, gets the error page.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from caseflow.core.db import ConcurrencyConflict, db
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


def on_refusal(back: Callable[..., str] | None = None, *, render: Callable[..., Any] | None = None,
               details: bool = False, error_pages: tuple[int, ...] = (404,)):
    """Declare what an HTML view answers when a service refuses (a DomainError its transaction rolled back for).

    ``render(exc, **view_args)`` answers first when given and it returns something: typically the form again,
    with the refusal's field messages and everything typed kept. Otherwise the message is flashed (``details``:
    with the field messages) and the browser goes to ``back(**view_args)`` with 303. The statuses in
    ``error_pages`` get the error page instead (by default 404: a page about something not found shows nothing).
    """

    declared = (back, render, details, error_pages)

    def declare(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.caseflow_refusal = declared  # refusals of the view itself; a request refused before it keeps its page
            return view(*args, **kwargs)

        return wrapper

    return declare


def refusal_text(exc: DomainError, details: bool = False) -> str:
    """The refusal as a flashed sentence; ``details`` adds the field messages the page cannot show beside a field."""
    extra = [m for m in dict.fromkeys((exc.fields or {}).values()) if m != exc.message] if details else []
    return exc.message + ("：" + "；".join(extra) if extra else "")


def field_errors(form, exc: DomainError) -> bool:
    """Put a refusal's field messages on the form's fields; tell whether any field took one."""
    placed = False
    for name, message in (exc.fields or {}).items():
        if name in form:
            form[name].errors = [message]
            placed = True
    return placed


def _refused(exc: DomainError):
    declared = g.get("caseflow_refusal")
    if declared is None or wants_json():
        return None
    back, render, details, error_pages = declared
    if exc.status in error_pages:
        return None
    db.rollback()  # a view outside `transactional` left its work in the session
    args = request.view_args or {}
    try:
        answer = render(exc, **args) if render is not None else None
        if answer is not None or back is None:
            return answer
        url = back(**args)
    except DomainError:
        return None  # nothing to go back to (e.g. the case is not the user's): the error page tells
    flash(refusal_text(exc, details), "danger")
    return redirect(url, 303)


def register(app) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        answer = _refused(exc)
        if answer is not None:
            return answer
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
