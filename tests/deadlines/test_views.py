"""The admin calendar page, deadlines on the case pages, queue urgency and the API (CSRF on)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from caseflow.deadlines.models import CalendarDay, CalendarYear
from tests.api.conftest import Api
from tests.deadlines.test_cli import INVENTED_CSV
from tests.deadlines.test_services import docketed
from tests.factories.cases import advance, complaint

D = dt.date


def text(resp) -> str:
    return resp.data.decode()


# ---------------------------------------------------------------------------
# /admin/calendar
# ---------------------------------------------------------------------------


def test_calendar_page_is_for_administrators_only(web, staff):
    assert web.get("/admin/calendar/").status_code == 302  # to the login page
    web.login(staff["officer"].username)
    assert web.get("/admin/calendar/").status_code == 404
    assert web.client.post("/admin/calendar/days", data={}).status_code == 400  # CSRF first, still refused


def test_calendar_page_warns_when_next_year_is_missing(web, staff, clock):
    web.login(staff["admin"].username)
    clock.set("2026-06-01")
    page = text(web.get("/admin/calendar/"))
    assert 'id="next-year-warning"' in page and "2027 年的放假安排尚未录入" in page
    assert "节假日日历" in page  # the admin nav link
    clock.set("2025-06-01")  # 2026 is in chinesecalendar
    assert 'id="next-year-warning"' not in text(web.get("/admin/calendar/"))


def test_upload_publishes_and_recomputes_and_the_case_page_shows_why(web, session, staff, clock):
    case = docketed(staff, clock, "2026-11-05")
    web.login(staff["officer"].username)
    page = text(web.get(f"/cases/{case.id}"))
    assert 'id="deadlines"' in page and "办案期限（结案）" in page
    assert re.search(r"2027-02-09\s*<span class=\"badge provisional\"", page)
    assert "2027 年放假安排尚未发布" in page

    web.client.post("/logout", data={"csrf_token": _token(web, f"/cases/{case.id}")})
    web.login(staff["admin"].username)
    resp = web.post_form("/admin/calendar/", {"file": (io.BytesIO(INVENTED_CSV.encode()), "2027.csv")},
                         post_url="/admin/calendar/import", content_type="multipart/form-data")
    assert resp.status_code == 303, text(resp)[:500]
    page = text(web.get("/admin/calendar/"))
    assert "已导入并发布 10 天（2027 年）；重新计算期限 1 个" in page
    assert "2027-02-05" in page and "已发布" in page and 'id="next-year-warning"' not in page

    web.client.post("/logout", data={"csrf_token": _token(web, "/admin/calendar/")})
    web.login(staff["officer"].username)
    # Requests share the test's session; in production each request loads the timeline afresh.
    session.expire(case, ["events"])
    page = text(web.get(f"/cases/{case.id}"))
    assert "2027-02-15" in page and "provisional" not in page
    assert "2027年2月5日至14日为法定节假日" in page  # the explanation
    # The timeline says why.
    assert "期限“办案期限（结案）”重新计算：2027-02-09（暂定） → 2027-02-15（2027年放假安排已发布" in page


def _token(web, url):
    from tests.conftest import csrf_of

    return csrf_of(web.get(url).data)


def test_bad_upload_is_refused_in_chinese(web, session, staff):
    web.login(staff["admin"].username)
    resp = web.post_form("/admin/calendar/", {"file": (io.BytesIO(b"2027-10-01,party,x\n"), "x.csv")},
                         post_url="/admin/calendar/import", content_type="multipart/form-data")
    assert resp.status_code == 422 and "类型“party”无效" in text(resp)
    resp = web.post_form("/admin/calendar/", {}, post_url="/admin/calendar/import")
    assert resp.status_code == 422 and "请选择要导入的文件" in text(resp)
    assert session.scalar(sa.select(sa.func.count(CalendarDay.id))) == 0


def test_add_publish_and_delete_days(web, session, staff, clock):
    clock.set("2026-06-01")
    web.login(staff["admin"].username)
    resp = web.post_form("/admin/calendar/", {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"},
                         post_url="/admin/calendar/days")
    assert resp.status_code == 303
    assert "2027 年尚未发布，发布后生效" in text(web.get("/admin/calendar/"))
    year = session.scalar(sa.select(CalendarYear).where(CalendarYear.year == 2027))
    assert not year.is_published

    resp = web.post_form("/admin/calendar/", {"date": "2027-10-04", "kind": "workday", "name": ""},
                         post_url="/admin/calendar/days")
    assert resp.status_code == 422 and "调休上班日应为周六或周日" in text(resp)
    resp = web.post_form("/admin/calendar/", {"date": "2027-02-30", "kind": "holiday"}, post_url="/admin/calendar/days")
    assert resp.status_code == 422 and "日期格式应为 YYYY-MM-DD" in text(resp)
    resp = web.post_form("/admin/calendar/", {"date": "2027-10-02", "kind": "rest"}, post_url="/admin/calendar/days")
    assert resp.status_code == 422 and "请选择有效的选项" in text(resp)

    assert web.post_form("/admin/calendar/", post_url="/admin/calendar/years/2027/publish").status_code == 303
    page = text(web.get("/admin/calendar/"))
    assert "2027 年已发布（2027 年）；重新计算期限 0 个" in page and 'id="next-year-warning"' not in page
    assert year.is_published

    assert web.post_form("/admin/calendar/", post_url="/admin/calendar/days/2027-10-01/delete").status_code == 303
    assert "已删除 2027-10-01（2027 年）" in text(web.get("/admin/calendar/"))
    assert session.scalar(sa.select(sa.func.count(CalendarDay.id))) == 0
    resp = web.post_form("/admin/calendar/", post_url="/admin/calendar/days/2027-10-01/delete")
    assert "该日期不在节假日调整表中" in text(web.get("/admin/calendar/"))
    assert web.post_form("/admin/calendar/", post_url="/admin/calendar/days/not-a-date/delete").status_code == 404


# ---------------------------------------------------------------------------
# Case pages, queues and the API
# ---------------------------------------------------------------------------


def test_case_page_countdown_and_portal_view(web, session, staff, clock):
    clock.set("2026-09-24")
    case = complaint(staff["applicant"])
    clock.set("2026-09-30")
    web.login(staff["officer"].username)
    page = text(web.get(f"/cases/{case.id}"))
    # Due 10月9日: 10月8日 and 10月9日 remain as working days → due soon.
    assert '<span class="badge soon">剩余 2 个工作日</span>' in page
    assert "依据：专利纠纷行政裁决和调解办法（国家知识产权局令第81号）第二十条" in page
    assert "收到投诉之日 2026-09-24 起 5 个工作日；9月25日至27日、10月1日至7日为法定节假日 → 2026-10-09" in page
    # Where the holidays come from, in words: no library name or version, and no lock counter shown as 版本.
    assert "节假日依据：2026年：国务院办公厅公布的放假安排" in page
    assert "chinesecalendar" not in page and "<dt>版本</dt>" not in page

    web.client.post("/logout", data={"csrf_token": _token(web, f"/cases/{case.id}")})
    web.login(staff["applicant"].username)
    page = text(web.get(f"/portal/cases/{case.id}"))
    assert 'id="deadlines"' in page and "2026-10-09" in page and "剩余 2 个工作日" in page
    assert "节假日依据" not in page  # staff-only detail

    clock.set("2026-10-12")
    web.client.post("/logout", data={"csrf_token": _token(web, f"/portal/cases/{case.id}")})
    web.login(staff["officer"].username)
    assert '<span class="badge overdue">已超期 3 日</span>' in text(web.get(f"/cases/{case.id}"))


def test_queue_sorts_by_urgency_and_marks_badges(web, session, staff, clock):
    applicant, officer, supervisor = staff["applicant"], staff["officer"], staff["supervisor"]

    def filed(on, title):
        clock.set(on)
        return advance(complaint(applicant, title=title), ("assign", supervisor, {"officer": officer.username}))

    later = filed("2026-03-05", "尚早的投诉")  # due 3月12日
    overdue = filed("2026-02-24", "已超期的投诉")  # due 3月2日
    soon = filed("2026-03-02", "即将到期的投诉")  # due 3月9日
    accepted = filed("2026-03-02", "已受理的投诉")
    advance(accepted, ("accept", officer, {}))
    clock.set("2026-03-05")
    web.login(officer.username)
    page = text(web.get("/cases/?queue=mine"))
    order = [page.index(c.number) for c in (overdue, soon, later, accepted)]
    assert order == sorted(order)
    row = lambda c: page[page.index(c.number):].split("</tr>")[0]  # noqa: E731
    assert '<span class="badge overdue">已超期</span>' in row(overdue)
    assert '<span class="badge soon">即将到期</span>' in row(soon)
    assert "badge soon" not in row(later) and "badge overdue" not in row(later)
    assert "2026-03-12" in row(later) and "—" in row(accepted)
    assert all(officer.display_name in row(c) for c in (overdue, soon, later, accepted))  # the assignee
    # The "all" list keeps its own order unless urgency is chosen.
    page = text(web.get("/cases/?queue=all&sort=urgency"))
    assert page.index(overdue.number) < page.index(soon.number) < page.index(later.number)


@pytest.fixture
def api(client):
    return Api(client)


def test_api_deadlines_and_overdue_filter(api, session, staff, clock):
    officer = staff["officer"]
    clock.set("2026-02-24")
    overdue = complaint(staff["applicant"])
    clock.set("2026-03-05")
    fresh = complaint(staff["applicant"])
    r = api.get(officer, f"/api/v1/cases/{fresh.id}")
    assert r.status_code == 200
    assert r.json["deadlines"] == [{
        "rule": "CPL_ACCEPT_PATENT_INFRINGEMENT", "label": "专利侵权投诉受理审查", "due": "2026-03-12",
        "status": "running", "provisional": False,
        "basis": "专利纠纷行政裁决和调解办法（国家知识产权局令第81号）第二十条",
        "explanation": "收到投诉之日 2026-03-05 起 5 个工作日 → 2026-03-12",
    }]
    assert api.get(officer, f"/api/v1/cases/{overdue.id}").json["deadlines"][0]["status"] == "missed"
    ids = lambda r: {c["id"] for c in r.json["items"]}  # noqa: E731
    assert ids(api.get(officer, "/api/v1/cases?overdue=true")) == {overdue.id}
    assert ids(api.get(officer, "/api/v1/cases?overdue=false")) == {fresh.id}
    assert ids(api.get(officer, "/api/v1/cases")) == {overdue.id, fresh.id}
    assert api.get(officer, "/api/v1/cases?overdue=maybe").status_code == 422
    # A met deadline is no longer overdue.
    advance(overdue, ("accept", officer, {}))
    assert ids(api.get(officer, "/api/v1/cases?overdue=true")) == set()
