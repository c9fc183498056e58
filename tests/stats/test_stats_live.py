"""The rollups follow every change made through `perform` and the rating form, in the same request."""

from __future__ import annotations

import re

import pytest

from caseflow.stats.services import pending
from tests.factories.accounts import UserFactory
from tests.factories.cases import advance, complaint
from tests.stats import direct


@pytest.fixture
def cast(session):
    return {"applicant": UserFactory(), "officer": UserFactory(officer=True), "officer2": UserFactory(officer=True),
            "supervisor": UserFactory(supervisor=True), "city": UserFactory(supervisor=True, staff_unit="500000")}


def api_summary(client, user, **params):
    from tests.factories.accounts import PASSWORD

    tok = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}).json["token"]
    r = client.get("/api/v1/stats/summary", query_string=params, headers={"Authorization": f"Bearer {tok}"})
    assert r.status_code == 200
    return r.json


def test_changes_are_queued_in_the_same_transaction_and_applied_on_read(client, session, cast):
    a, o, s = cast["applicant"], cast["officer"], cast["supervisor"]
    c1 = complaint(a)
    c2 = complaint(a, kind="patent_infringement")
    c3 = complaint(a, kind="trademark", ip_type="trademark", channel="hotline_12330")
    advance(c1, ("assign", s, {"officer": o.username}), ("accept", o, None),
            ("conclude", o, {"outcome": "已处理"}))
    advance(c2, ("accept", o, None), ("convert", o, {"procedure": "mediation"}))
    advance(c3, ("assign", s, {"officer": cast["officer2"].username}), ("reject", s, {"reason": "不属于管辖"}))
    session.flush()
    assert pending() > 0  # queued by the hooks, nothing computed yet
    body = api_summary(client, s)
    assert pending() == 0
    data = direct.load(session)
    units = {c1.unit_id}
    f = body["figures"]
    month = body["period"]
    exp = direct.figures(data, start=int(month["from"].replace("-", "")), end=int(month["to"].replace("-", "")),
                         unit_ids=units)
    assert (f["received"], f["docketed"], f["closed"]) == (exp["received"], exp["docketed"], exp["closed"]) == (3, 2, 2)
    assert (f["open"], f["limit_rate"]["denominator"]) == (exp["open"], exp["limit_rate"][1])
    # Assignment happens in an effect after the hooks: the officer filter still sees it.
    mine = api_summary(client, s, officer=o.username)["figures"]
    assert (mine["received"], mine["closed"]) == (1, 1)
    theirs = api_summary(client, s, officer=cast["officer2"].username, channel="hotline_12330")["figures"]
    assert (theirs["received"], theirs["closed"]) == (1, 1)


def test_rating_after_closure(web, session, cast):
    a, o, s = cast["applicant"], cast["officer"], cast["supervisor"]
    case = complaint(a)
    session.flush()
    web.login(a.username)
    page = web.get(f"/portal/cases/{case.id}").data.decode()
    assert "评价办理情况" not in page  # not before 结案
    advance(case, ("accept", o, None), ("conclude", o, {"outcome": "已处理"}))
    session.flush()
    page = web.get(f"/portal/cases/{case.id}").data.decode()
    assert "评价办理情况" in page
    r = web.post_form(f"/portal/cases/{case.id}", {"score": "4", "comment": "处理及时"},
                      post_url=f"/portal/cases/{case.id}/rating")
    assert r.status_code == 303
    assert "您的评分：<strong>4 分</strong>" in web.get(f"/portal/cases/{case.id}").data.decode()
    r = web.post_form(f"/portal/cases/{case.id}", {"score": "9"}, post_url=f"/portal/cases/{case.id}/rating")
    assert r.status_code == 303  # refused with a message; the rating stays 4
    body = api_summary(web.client, s)
    assert body["figures"]["ratings"] == {"count": 1, "average": 4.0,
                                          "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}}
    # Others cannot rate it.
    other = UserFactory()
    web.client.post("/logout")
    web.login(other.username)
    r = web.client.post(f"/portal/cases/{case.id}/rating", data={"score": "1"})
    assert r.status_code in (400, 404)


def test_an_export_reads_the_changes_made_since_the_last_statistics_page(web, session, cast):
    """A table exported straight from a saved link counts what happened since anyone last opened a page."""
    o, s = cast["officer"], cast["supervisor"]
    advance(complaint(cast["applicant"]), ("accept", o, None))
    session.flush()
    web.login(s.username)
    body = web.get("/stats/open/open_by_state.csv", query_string={"unit": "500103"}).data.decode("utf-8-sig")
    assert "\r\n合计,,,1,1,0" in body


def test_summary_shape(client, session, cast):
    body = api_summary(client, cast["city"], **{"from": "2026-01", "to": "2026-03"})
    assert body["period"] == {"from": "2026-01", "to": "2026-03"}
    assert [m["month"] for m in body["by_month"]] == ["2026-01", "2026-02", "2026-03"]
    fig = body["figures"]
    for key in ("received", "docketed", "closed", "open", "followup"):
        assert isinstance(fig[key], int)
    for key in ("limit_rate", "mediation_rate", "mediation_success_rate", "confirmation_rate"):
        assert set(fig[key]) == {"value", "numerator", "denominator"}
    assert set(fig["handling_days"]) == {"cases", "average", "average_paused", "cases_paused", "average_net",
                                         "median_net"}
    assert set(body["definitions"]) >= {"limit_rate", "mediation_rate", "handling_days"}
    assert body["filters"] == {"unit": None, "procedure": None, "ip_type": None, "channel": None, "officer": None}
    r = client.get("/api/v1/stats/summary?from=2026-9", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def _district_row(page: str, area: str) -> list[str]:
    table = page[page.index('<table class="stats'):]
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL) if f">{area}<" in r)
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)
    return [re.sub(r"<[^>]+>|\s", "", cell) for cell in cells]


def test_a_request_filed_on_the_portal_is_in_the_districts_received_at_once(client, web, session, cast):
    """Issue #15 trace: 收案 counts a dispute on the day it is received (filed), not at 受理/立案; the filing's
    hook queues the case and the next statistics request applies it, so the city's 区县对比 shows it at once."""
    from tests.adjudication.test_adj_portal_filing import _fill, _start
    from tests.portal.test_filing import RIGHT

    web.login(cast["city"].username)
    before = _district_row(client.get("/stats/districts").get_data(as_text=True), "渝中区")
    client.post("/logout")
    web.login(cast["applicant"].username)
    _, draft_id = _start(web, "adjudication")
    _fill(web, draft_id, RIGHT)
    assert web.post_form(f"/portal/drafts/{draft_id}/review").status_code == 303  # submitted, nobody docketed it
    client.post("/logout")
    web.login(cast["city"].username)
    page = client.get("/stats/districts").get_data(as_text=True)
    after = _district_row(page, "渝中区")
    assert (int(after[2]), int(after[3])) == (int(before[2]) + 1, int(before[3]))  # 收案（新收） +1, 结案 unchanged
    # The definition says so, once: counted when received, whether or not it was accepted or docketed yet.
    assert page.count('id="def-received"') == 1 and "提交即计入收案，不以受理或立案为准" in page
