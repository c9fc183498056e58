"""Hostile input stops at the door: body size, JSON nesting, NUL bytes and lone surrogates, before any view runs.

Every request body is limited to MAX_BODY_BYTES (a view that streams files declares its own limit with
`body_limit`); a body declared larger is refused with 413 before it is read, and one sent without a length stops
at the limit. JSON nested deeper than MAX_JSON_DEPTH is refused (Python's parser would otherwise hit its recursion
limit), and no text of the request — path, query, form, JSON keys and values — may carry a NUL byte (PostgreSQL
cannot store one) or a lone UTF-16 surrogate (no database can encode one). The answer is a Chinese 4xx, and as the
views never run, nothing is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask, current_app, request

from caseflow.core.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])

MAX_JSON_DEPTH = 32
# NUL and the surrogate range: neither can be stored as text (PostgreSQL refuses NUL; UTF-8 has no surrogates).
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_BODY_LIMIT = "caseflow_body_limit"


class BadInput(DomainError):
    status, code = 400, "bad_request"


class TooLarge(DomainError):
    status, code = 413, "too_large"


def body_limit(limit: int | None) -> Callable[[F], F]:
    """Declare a view's own request-body limit in bytes; None: the view limits (and streams) the body itself."""

    def mark(view: F) -> F:
        view.__dict__[_BODY_LIMIT] = limit
        return view

    return mark


def has_forbidden(text: str) -> bool:
    return _FORBIDDEN.search(text) is not None


def check_texts(items: Iterable[tuple[str, str]]) -> None:
    """Refuse the request when a (name, text) pair carries a NUL byte or a lone surrogate (400)."""
    bad = sorted({name for name, text in items if isinstance(text, str) and has_forbidden(text)})
    if bad:
        raise BadInput("提交的内容含有不允许的字符（空字符或无效的 Unicode 字符），请删除后重新提交",
                       fields=dict.fromkeys(bad, "含有不允许的字符"), code="bad_characters")


def human_bytes(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n / 1024:g} KB"


def _limit_for_view() -> int | None:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and _BODY_LIMIT in view.__dict__:
        return view.__dict__[_BODY_LIMIT]
    return int(current_app.config["MAX_BODY_BYTES"])


def _too_large(limit: int) -> TooLarge:
    return TooLarge(f"请求内容过大：不超过 {human_bytes(limit)}" + (
        "；上传证据文件请使用证据上传功能" if limit == current_app.config["MAX_BODY_BYTES"] else ""))


def _check_size() -> int | None:
    limit = _limit_for_view()
    if limit is None:
        return None  # the view streams its body under its own limit
    length = request.content_length
    if length is not None and length > limit:
        raise _too_large(limit)
    # Without a Content-Length (chunked), Werkzeug stops reading one byte past the limit: a parser reading on
    # answers 413, and a body read whole (JSON) is seen to be too long (`_check_json`).
    request.max_content_length = limit + 1 if length is None else limit
    return limit


def _json_items(data: Any) -> Iterable[tuple[str, str]]:
    """Walk parsed JSON without recursion: refuse deep nesting, yield every key and string with its path."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BadInput(f"JSON 嵌套层数过多（不超过 {MAX_JSON_DEPTH} 层）", code="too_deep")
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in pairs:
                name = f"{path}-{key}" if path else str(key)
                if isinstance(key, str):
                    yield name, key
                stack.append((item, name, depth + 1))
        elif isinstance(value, str):
            yield path or "body", value


def _check_json(limit: int | None) -> None:
    if not request.is_json:
        return
    raw = request.get_data(cache=True)
    if limit is not None and len(raw) > limit:
        raise _too_large(limit)
    if not raw:
        return
    try:
        data = json.loads(raw)
    except RecursionError:
        raise BadInput(f"JSON 嵌套层数过多（不超过 {MAX_JSON_DEPTH} 层）", code="too_deep") from None
    except ValueError:
        return  # malformed JSON: the view answers it with its own message
    check_texts(_json_items(data))


def _check_texts() -> None:
    pairs: list[tuple[str, str]] = [(k, v) for k, v in (request.view_args or {}).items() if isinstance(v, str)]
    pairs += list(request.args.items(multi=True))
    pairs += [("User-Agent", request.user_agent.string), ("address", request.remote_addr or "")]
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and _limit_for_view() is not None:
        pairs += list(request.form.items(multi=True))
        pairs += [(name, f.filename or "") for name, f in request.files.items(multi=True)]
    check_texts(pairs)


def check_request() -> None:
    limit = _check_size()
    _check_texts()
    _check_json(limit)


def register(app: Flask) -> None:
    """Run the checks first, before CSRF reads a form (register before the other extensions)."""
    app.before_request(check_request)
