"""Simultaneous submits of one draft against a real server: one case, and every click lands on it.

Runs outside the per-test savepoint, on the live server's own database (like the race test of cases/).
"""

from __future__ import annotations

import re
import uuid

import pytest

from caseflow.accounts.models import IdType
from tests.factories.accounts import PASSWORD
from tests.live import Browser, at_once

pytestmark = pytest.mark.live

STEPS = [
    {"unit": "500103", "kind": "patent_infringement", "ip_type": "invention", "right_number": "ZL202010123456.2"},
    {"claimants-0-name": "重庆山城科技有限公司", "claimants-0-id_type": "uscc",
     "claimants-0-id_number": "91500103MA5U8KJ84F"},
    {"respondents-0-name": "重庆某某商贸有限公司"},
    {"title": "同时提交", "facts": "事实。", "claims": "请求。"},
]


def test_simultaneous_submits_of_one_draft_create_one_case(live_server):
    username = f"double{uuid.uuid4().hex[:8]}"
    live_server.add_user(username, "applicant", display_name="重庆山城科技有限公司", id_type=IdType.USCC,
                         id_number="91500103MA5U8KJ84F")
    web = Browser(live_server.url)
    status, location, _ = web.open("/login", {"csrf_token": web.token(), "username": username, "password": PASSWORD})
    assert status == 303, location
    status, location, _ = web.open("/portal/file", {"csrf_token": web.token()})
    draft_id = int(re.search(r"/drafts/(\d+)/", location).group(1))
    for n, data in enumerate(STEPS, start=1):
        status, location, body = web.open(f"/portal/drafts/{draft_id}/step/{n}",
                                          {"csrf_token": web.token(), "go": "next", **data})
        assert status == 303, body[:2000]

    token = web.token()

    def click():
        status, location, _ = web.open(f"/portal/drafts/{draft_id}/review", {"csrf_token": token})
        return status, location

    results = [r for r in at_once(click, [()] * 6, timeout=60) if r is not None]
    assert len(results) == 6
    assert {status for status, _ in results} == {303}, results
    case_ids = {re.search(r"/portal/cases/(\d+)", location).group(1) for _, location in results}
    assert len(case_ids) == 1, results

    status, listing = live_server.request("GET", "/api/v1/cases", token=live_server.token(username))
    assert status == 200 and listing["total"] == 1, listing
    assert str(listing["items"][0]["id"]) in case_ids
