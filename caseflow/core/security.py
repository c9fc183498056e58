"""Password hashing (Argon2id), CSRF, safe redirects and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_wtf.csrf import CSRFProtect

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
