"""Security headers on pages and JSON: CSP of our own origin only, no framing, no sniffing, no caching of personal
data; HSTS in production only. Templates keep no inline script or style, so the policy needs no 'unsafe-inline'."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caseflow.core.headers import CSP
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("session")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def assert_secure(r):
    h = r.headers
    assert h["Content-Security-Policy"] == CSP
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"] and "unsafe-inline" not in CSP
    assert h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in h


def test_pages_and_json_carry_the_headers(client, web):
    assert_secure(client.get("/login"))
    assert_secure(client.get("/api/v1/cases"))  # a JSON error (401)
    assert_secure(client.get("/no-such-page"))  # an HTML error page
    officer = UserFactory(officer=True)
    web.login(officer.username, PASSWORD)
    r = web.get("/cases/")
    assert r.status_code == 200
    assert_secure(r)
    token = client.post("/api/v1/auth/token", json={"username": officer.username, "password": PASSWORD})
    assert token.status_code == 200
    assert_secure(token)  # a bearer token must not sit in a cache either


def test_static_files_may_be_cached_but_not_sniffed(client):
    r = client.get("/static/app.js")
    assert r.status_code == 200 and r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers.get("Cache-Control") != "no-store"
    r.close()


def test_hsts_only_in_production(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["ENV"] = "production"
    try:
        assert client.get("/login").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.config["ENV"] = "testing"


def page_templates() -> list[Path]:
    """Templates served as pages (the documents rendered to PDF by WeasyPrint are not)."""
    pdf = {"mediation/confirmation_package.html"}
    out = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        rel = path.relative_to(TEMPLATES).as_posix()
        if rel in pdf or (rel.startswith("notices/") and not rel.startswith(("notices/page_", "notices/_case_"))):
            continue
        out.append(path)
    return out


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_templates_have_no_inline_script_or_style(path):
    # Template code is not markup: a Jinja keyword argument such as `only=` is no inline event handler.
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", path.read_text(), flags=re.DOTALL)
    assert not re.search(r"<script(?![^>]*\ssrc=)", text), "inline <script>: move it to static/"
    assert "<style" not in text, "<style> block: move it to a stylesheet in static/"
    assert not re.search(r"\sstyle=", text), "style attribute: use a class in static/app.css"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler: use a data- attribute (static/app.js)"


def test_every_page_names_the_favicon_from_our_own_origin(client):
    page = client.get("/login").data.decode()
    [href] = re.findall(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
    with client.get(href) as r:
        assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.data
