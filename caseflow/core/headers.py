"""Security headers on every answer: a CSP allowing only our own origin, no framing, no sniffing, no caching of
pages and JSON (they carry personal data), and HSTS in production.

A view that sets one of these headers itself keeps its own value: served evidence files, for one, carry a stricter
sandboxing policy (caseflow/evidence/http.py). The templates have no inline script or style (a test keeps it so):
everything is in static/, so the policy needs no nonce and no 'unsafe-inline'.
"""

from __future__ import annotations

from flask import Flask, Response, current_app

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS = "max-age=31536000; includeSubDomains"
# Pages and JSON answers hold case files and personal data: never stored by a browser or a shared cache.
NO_STORE_TYPES = ("text/html", "application/json")


#: Set on every answer unless the view set its own (in this order).
DEFAULTS = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    # Same-origin keeps the Referer that Flask-WTF's CSRF check requires on HTTPS, and sends none elsewhere.
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def secure_headers(response: Response) -> Response:
    headers = response.headers
    # One pass over the answer's headers: each setdefault scanned them all again (every request pays this).
    present = {name.lower() for name, _value in headers}
    headers.extend([(name, value) for name, value in DEFAULTS if name.lower() not in present])
    if response.mimetype in NO_STORE_TYPES and "cache-control" not in present:
        headers["Cache-Control"] = "no-store"
    if current_app.config.get("ENV") == "production" and "strict-transport-security" not in present:
        headers["Strict-Transport-Security"] = HSTS
    return response


def register(app: Flask) -> None:
    app.after_request(secure_headers)
