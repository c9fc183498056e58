"""Password hashing (Argon2id), CSRF, safe redirects and API tokens."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect, generate_csrf
from itsdangerous import URLSafeTimedSerializer

csrf = CSRFProtect()
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> tuple[str, str]:
    """A random bearer token and the SHA-256 stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_SAFE_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9/_\-.~%?=&]*$")


def safe_next(target: str | None, app=None) -> str | None:
    """Accept only our own absolute paths (no scheme, no host, no //, no backslash) that match a route."""
    if not target or not _SAFE_PATH.match(target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    from flask import current_app
    from werkzeug.exceptions import HTTPException

    adapter = (app or current_app).url_map.bind("localhost")
    try:
        adapter.match(parts.path, method="GET")
    except HTTPException:
        return None
    return target


def current_actor():
    """The logged-in user as a real model object (the login proxy must never be stored on a row)."""
    from flask_login import current_user

    return current_user._get_current_object()


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, read and signed as before, with its serializer built once per set of keys
    instead of once per request."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app) -> URLSafeTimedSerializer | None:
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]


@functools.lru_cache(maxsize=8)
def _csrf_serializer(secret_key: str | bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token")  # Flask-WTF's salt


def csrf_token() -> str:
    """Flask-WTF's ``generate_csrf``: the same signed token of the session's secret, kept where Flask-WTF keeps it
    (``g.csrf_token``, so that forms reuse it), signed by a serializer built once per secret key instead of once per
    page. Flask-WTF itself makes the session's secret, and signs under any non-default CSRF settings."""
    if "csrf_token" in g:
        return g.csrf_token
    config, secret_key = current_app.config, current_app.secret_key
    raw = session.get("csrf_token")
    if (not isinstance(raw, str) or not secret_key or config.get("WTF_CSRF_SECRET_KEY")
            or config.get("WTF_CSRF_FIELD_NAME", "csrf_token") != "csrf_token"):
        return generate_csrf()
    g.csrf_token = token = _csrf_serializer(secret_key).dumps(raw)
    return token
