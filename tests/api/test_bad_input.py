"""Malformed and hostile input gets a clear 4xx in Chinese, never a 500 (docs/architecture.md, Quality targets)."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

pytestmark = pytest.mark.usefixtures("session")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_clean_4xx(r):
    assert 400 <= r.status_code < 500, (r.status_code, r.data[:300])
    body = r.get_json()
    assert body["error"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body


@pytest.fixture
def case(api, people, complaint_body):
    return api.post(people["applicant"], "/api/v1/cases", json=complaint_body).json


@pytest.mark.parametrize("body", [
    "not json", "[1, 2]", "null", '{"procedure": 1}', '{"claimants": "abc"}', '{"claimants": [1, 2]}',
    '{"title": {"a": 1}}', '{"unit": null, "kind": []}', '{"a-b": 1}', '{"title": "' + "长" * 300 + '"}',
    '{"right_number": 100000000000000000000000000000}',
])
def test_create_rejects_malformed(api, people, body):
    r = api.client.post("/api/v1/cases", data=body, content_type="application/json",
                        headers={"Authorization": f"Bearer {api.token(people['applicant'])}"})
    assert_clean_4xx(r)


@pytest.mark.parametrize("body", [
    {"version": "abc"}, {"version": 1.5}, {"version": True}, {"version": -1}, {"version": 10**40},
    {"version": None}, {"version": [1]}, {"version": 2, "items": ["a"]}, {"version": 2, "items": {"x": 1}},
    {"version": 2, "unexpected": "x"}, {"version": 2, "items": "x" * 6000},
])
def test_action_rejects_malformed(api, people, case, body):
    r = api.post(people["officer"], f"/api/v1/cases/{case['id']}/actions/request_correction", json=body)
    assert_clean_4xx(r)


@pytest.mark.parametrize("url", ["/api/v1/cases/0", "/api/v1/cases/99999999999", "/api/v1/cases/abc",
                                 "/api/v1/cases?page=abc&per_page=-5&sort=nonsense",
                                 "/api/v1/cases?per_page=100000000000000000000", "/api/v1/cases?overdue=maybe",
                                 "/api/v1/approvals/99999999999/approve", "/api/v1/nothing"])
def test_odd_urls(api, people, url):
    r = api.get(people["officer"], url)
    if r.status_code == 200:
        assert r.json["page"] == 1 and len(r.json["items"]) <= 200
    else:
        assert_clean_4xx(r)


def test_wrong_method_is_json(api, people):
    r = api.client.delete("/api/v1/cases")
    assert_clean_4xx(r)


@FUZZ
@given(payload=json_values)
def test_create_fuzz(api, people, payload):
    r = api.post(people["applicant"], "/api/v1/cases", json=payload)
    assert r.status_code in (201, 400, 422), (r.status_code, r.data[:300])


@FUZZ
@given(payload=st.dictionaries(st.sampled_from(["version", "items", "reason", "procedure", "officer", "x"]),
                               json_values, max_size=4))
def test_action_fuzz(api, people, case, payload):
    for action in ("request_correction", "reject", "convert", "assign", "accept"):
        r = api.post(people["supervisor"], f"/api/v1/cases/{case['id']}/actions/{action}", json=payload)
        assert r.status_code < 500, (action, payload, r.data[:300])


def test_web_action_with_garbage(web, people, case):
    web.login(people["officer"].username)
    url = f"/cases/{case['id']}/actions/request_correction"
    r = web.post_form(url, {"version": "abc", "items": "补充"})
    assert r.status_code in (303, 409, 422)
    r = web.post_form(url, {"version": str(case["version"]), "items": ""})
    assert r.status_code == 422 and "请填写" in r.data.decode()
