"""The device cookie: a browser that has signed in to an account says so, and its attempts for that account are
throttled apart from everyone else's (someone guessing a named account elsewhere cannot make its owner wait).

The cookie is signed with the secret key (it cannot be made for an account one has not signed in to) and holds a
random device id with the usernames that signed in from this browser. It proves nothing else: it is no session.
"""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "caseflow_device"
MAX_AGE = 400 * 24 * 3600  # browsers keep cookies at most 400 days
MAX_NAMES = 10  # a shared computer remembers the latest ten accounts


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="caseflow-device")


def _load(request) -> tuple[str | None, list[str]]:
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 2048:
        return None, []
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None, []
    if not isinstance(data, dict) or not isinstance(data.get("d"), str) or not isinstance(data.get("u"), list):
        return None, []
    return data["d"][:32], [str(u) for u in data["u"]]


def read(request) -> tuple[str | None, frozenset[str]]:
    """The browser's device id and the usernames it has signed in to (none when absent, forged or too old)."""
    device, names = _load(request)
    return device, frozenset(names)


def remember(response, request, username: str) -> None:
    """Add the account to this browser's device cookie (after a successful sign-in)."""
    device, names = _load(request)
    latest = [n for n in names if n != username.lower()] + [username.lower()]
    response.set_cookie(COOKIE, _serializer().dumps({"d": device or secrets.token_hex(16), "u": latest[-MAX_NAMES:]}),
                        max_age=MAX_AGE, httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
