"""The security test's hostile inputs, scripted: each answers a Chinese 4xx and stores nothing, on both databases.

NUL bytes (PostgreSQL cannot store them), lone surrogates (no database can encode them), deeply nested JSON,
oversized bodies, a blank id_type and a calendar date at the end of time used to answer 500.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import LoginAttempt, User
from caseflow.cases.models import Case, Party
from caseflow.portal.models import FilingDraft
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.usefixtures("session")


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_json_4xx(r, *statuses):
    assert r.status_code in (statuses or range(400, 500)), (r.status_code, r.data[:300])
    body = r.get_json()
    assert body["error"] and chinese(body["message"]), body


def assert_page_4xx(r, *statuses):
    assert r.status_code in (statuses or range(400, 500)), (r.status_code, r.data[:300])
    assert chinese(r.data.decode()) and "Internal Server Error" not in r.data.decode()


def counts(session) -> tuple[int, ...]:
    # Failed logins only: the API client signing in (a successful attempt) is not the hostile request.
    failed = sa.select(LoginAttempt).where(~LoginAttempt.succeeded).subquery()
    return tuple(session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (Case, Party, User, failed, FilingDraft))


@pytest.fixture
def before(session):
    return counts(session)


def post_json(client, url, raw: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(url, data=raw, content_type="application/json", headers=headers)


# ---- unauthenticated: the token endpoint ----


@pytest.mark.parametrize("raw", [
    json.dumps({"username": "admin\x00", "password": "x"}),
    '{"username": "\\ud800admin", "password": "x"}',  # a lone surrogate, escaped as JSON allows
    '{"username": "admin", "password": "\\udfff"}',
    '{"username": "admin", "password": "x", "\\u0000": 1}',  # in a key
])
def test_token_endpoint_refuses_nul_and_surrogates(client, session, before, raw):
    r = post_json(client, "/api/v1/auth/token", raw)
    assert_json_4xx(r, 400)
    assert r.json["error"] == "bad_characters"
    assert counts(session) == before  # not even a failed login attempt is recorded


@pytest.mark.parametrize("raw", ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000,
                                 '{"username": ' + "[" * 40 + "]" * 40 + "}"])
def test_deeply_nested_json_is_refused(client, session, before, raw):
    r = post_json(client, "/api/v1/auth/token", raw)
    assert_json_4xx(r, 400)
    assert r.json["error"] == "too_deep"
    assert counts(session) == before


def test_oversized_json_is_refused_before_it_is_read(client, session, before):
    # The body claims 300 MB; the answer comes from the declared length, without reading (the body is short).
    r = client.post("/api/v1/auth/token", data=b'{"username": "a"}', content_type="application/json",
                    environ_overrides={"CONTENT_LENGTH": str(300 * 1024 * 1024)})
    assert_json_4xx(r, 413)
    assert "2 MB" in r.json["message"]
    big = json.dumps({"username": "a", "password": "x" * (3 * 1024 * 1024)})
    r = post_json(client, "/api/v1/auth/token", big)
    assert_json_4xx(r, 413)
    assert counts(session) == before


def test_body_limit_is_configurable(app, client):
    app.config["MAX_BODY_BYTES"] = 1024
    try:
        r = post_json(client, "/api/v1/auth/token", json.dumps({"username": "a", "password": "x" * 2000}))
        assert_json_4xx(r, 413)
        assert "1 KB" in r.json["message"]
    finally:
        app.config["MAX_BODY_BYTES"] = 2 * 1024 * 1024


def test_oversized_form_is_refused(client, session, before):
    r = client.post("/login", data={"username": "a", "password": "x" * (3 * 1024 * 1024)})
    assert_page_4xx(r, 413)
    assert counts(session) == before


# ---- signed in: search, case creation ----


def test_nul_in_a_query_string(api, people):
    for url in ("/api/v1/cases?procedure=complaint%00", "/api/v1/cases?state=%00&unit=500103"):
        assert_json_4xx(api.get(people["officer"], url), 400)


def test_nul_in_the_case_search_page(web, people):
    web.login(people["officer"].username, PASSWORD)
    assert_page_4xx(web.get("/cases/?q=%E4%BE%B5%E6%9D%83%00"), 400)


@pytest.mark.parametrize(("field", "value"), [("title", "空气净化器\x00"), ("facts", "\ud800"),
                                              ("claimants", [{"name": "某\x00公司"}])])
def test_case_create_refuses_nul_and_surrogates(api, people, complaint_body, session, field, value):
    before = counts(session)
    complaint_body[field] = value
    raw = json.dumps(complaint_body)  # json.dumps escapes the surrogate as \ud800, as an attacker would send it
    r = post_json(api.client, "/api/v1/cases", raw, token=api.token(people["applicant"]))
    assert_json_4xx(r, 400)
    assert counts(session) == before


@pytest.mark.parametrize("side", ["claimants", "respondents"])
def test_blank_id_type_is_refused_through_the_api(api, people, complaint_body, session, side):
    before = counts(session)
    complaint_body[side][0].update(id_type=" ", id_number="91500103MA5U8KJ84F")
    r = api.post(people["applicant"], "/api/v1/cases", json=complaint_body)
    assert_json_4xx(r, 422)
    assert f"{side}-0-id_number" in r.json["fields"] or f"{side}-0-id_type" in r.json["fields"]
    assert counts(session) == before


def test_blank_id_type_without_a_number_is_no_id_type(api, people, complaint_body, session):
    complaint_body["respondents"][0]["id_type"] = "  "
    r = api.post(people["applicant"], "/api/v1/cases", json=complaint_body)
    assert r.status_code == 201, r.json
    assert r.json["parties"][1]["id_type"] is None


def test_blank_id_type_through_the_portal(web, session):
    from tests.factories.accounts import UserFactory
    from tests.portal.test_filing import CLAIMANT, FACTS, RESPONDENT, RIGHT, Filer

    holder = UserFactory(organisation=True)
    web.login(holder.username, PASSWORD)
    filer = Filer(web)
    draft_id = filer.start()
    assert filer.post_step(draft_id, 1, RIGHT).status_code == 303
    assert filer.post_step(draft_id, 2, CLAIMANT).status_code == 303
    r = filer.post_step(draft_id, 3, {**RESPONDENT, "respondents-0-id_type": " ",
                                      "respondents-0-id_number": "91500103MA5U8KJ84F"})
    assert r.status_code == 422 and "请选择证件类型" in r.data.decode()
    r = filer.post_step(draft_id, 2, {**CLAIMANT, "claimants-0-id_type": " "})
    assert r.status_code == 422
    assert filer.post_step(draft_id, 2, CLAIMANT).status_code == 303
    assert filer.post_step(draft_id, 3, RESPONDENT).status_code == 303
    assert filer.post_step(draft_id, 4, FACTS).status_code == 303
    before = session.scalar(sa.select(sa.func.count()).select_from(Case))
    assert filer.submit(draft_id).status_code == 303
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == before + 1


def test_nul_in_the_portal_form(web, session):
    from tests.factories.accounts import UserFactory
    from tests.portal.test_filing import RIGHT, Filer

    holder = UserFactory(organisation=True)
    web.login(holder.username, PASSWORD)
    filer = Filer(web)
    draft_id = filer.start()
    r = filer.post_step(draft_id, 1, {**RIGHT, "asserted_claims": "权利要求1\x00"})
    assert_page_4xx(r, 400)
    draft = session.get(FilingDraft, draft_id)
    session.refresh(draft)
    assert "\x00" not in json.dumps(draft.data or {})


# ---- the login page ----


@pytest.mark.parametrize("username", ["admin\x00", "\x00"])
def test_login_form_refuses_nul(web, session, username):
    before = counts(session)
    r = web.post_form("/login", {"username": username, "password": "whatever"})
    assert_page_4xx(r, 400)
    assert "不允许的字符" in r.data.decode()
    assert counts(session) == before


# ---- dates at the end of time ----


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1000-06-01"])
def test_calendar_far_dates(web, people, day):
    web.login(people["officer"].username, PASSWORD)
    r = web.get(f"/hearings/calendar?from={day}")
    assert_page_4xx(r, 400)
    assert "日期超出范围" in r.data.decode()


def test_calendar_ordinary_dates_still_work(web, people):
    web.login(people["officer"].username, PASSWORD)
    assert web.get("/hearings/calendar?from=2026-03-09").status_code == 200
    assert web.get("/hearings/calendar?from=nonsense").status_code == 200  # falls back to this week
