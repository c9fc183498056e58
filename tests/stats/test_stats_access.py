"""Who sees which figures: supervisors their scope, the city office every office, nobody else anything (404)."""

from __future__ import annotations

import pytest

from caseflow.stats.sections import SECTIONS
from tests.factories.accounts import PASSWORD, UserFactory


@pytest.fixture
def people(session):
    return {
        "supervisor": UserFactory(supervisor=True),  # 渝中区 500103
        "far_supervisor": UserFactory(supervisor=True, staff_unit="500105"),
        "city": UserFactory(supervisor=True, staff_unit="500000"),
        "officer": UserFactory(officer=True),
        "mediator": UserFactory(mediator=True),
        "admin": UserFactory(admin=True, staff_unit="500000"),
        "applicant": UserFactory(),
        "far_officer": UserFactory(officer=True, staff_unit="500105"),
    }


def token(client, user):
    r = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json['token']}"}


URLS = [f"/stats/{s}" for s in SECTIONS] + ["/stats/", "/stats/monthly/by_month.csv", "/stats/workload/workload.xlsx",
                                            "/stats/deadlines/overdue.csv"]


@pytest.mark.parametrize("who", ["officer", "mediator", "admin", "applicant"])
def test_only_supervisors(web, client, people, who):
    web.login(people[who].username)
    for url in URLS:
        assert web.get(url).status_code == 404, url
    r = client.get("/api/v1/stats/summary", headers=token(client, people[who]))
    assert r.status_code == 404 and r.json["error"] == "not_found"


def test_anonymous_must_log_in(client, session):
    assert client.get("/stats/").status_code in (302, 401)
    assert client.get("/api/v1/stats/summary").status_code == 401


def test_district_supervisor_sees_only_own_office(web, client, people, units):
    web.login(people["supervisor"].username)
    for url in URLS:
        assert web.get(url).status_code == 200, url
    # Another district, by office filter or by officer filter, does not exist for them.
    assert web.get("/stats/overview?unit=500105").status_code == 404
    assert web.get("/stats/monthly/by_month.csv?unit=500105").status_code == 404
    assert web.get(f"/stats/overview?officer={people['far_officer'].username}").status_code == 404
    page = web.get("/stats/overview").data.decode()
    assert 'value="500105"' not in page and 'value="500103"' in page
    h = token(client, people["supervisor"])
    assert client.get("/api/v1/stats/summary?unit=500105", headers=h).status_code == 404
    body = client.get("/api/v1/stats/summary", headers=h).json
    assert body["units"] == ["500103"]


def test_city_supervisor_sees_all_offices(web, client, people, units):
    web.login(people["city"].username)
    assert web.get("/stats/overview?unit=500105").status_code == 200
    assert web.get(f"/stats/workload?officer={people['far_officer'].username}").status_code == 200
    body = client.get("/api/v1/stats/summary", headers=token(client, people["city"])).json
    assert set(body["units"]) == set(units) and len(body["units"]) == 39


def test_district_figures_leave_other_districts_out(web, session, people):
    """A case in 江北区 changes the city's count, never 渝中区's."""
    from caseflow.stats.services import refresh
    from tests.factories.cases import complaint

    applicant = UserFactory()
    complaint(applicant, unit_code="500105")
    session.flush()
    refresh()
    h_city = token(web.client, people["city"])
    h_dist = token(web.client, people["supervisor"])
    city = web.client.get("/api/v1/stats/summary", headers=h_city).json["figures"]
    dist = web.client.get("/api/v1/stats/summary", headers=h_dist).json["figures"]
    assert city["received"] == 1 and dist["received"] == 0


def test_bad_filters_answer_422_in_chinese(web, people):
    web.login(people["supervisor"].username)
    for q in ("from=2026-13", "from=abc", "from=2026-05&to=2026-01", "procedure=x", "ip_type=x", "channel=x"):
        r = web.get(f"/stats/overview?{q}")
        assert r.status_code == 422, q
        assert "无效" in r.data.decode() or "月份" in r.data.decode()
    assert web.get("/stats/nonsense").status_code == 404
    assert web.get("/stats/monthly/nope.csv").status_code == 404
    assert web.get("/stats/monthly/by_month.pdf").status_code == 404


def test_nav_link_for_supervisors_only(web, people):
    web.login(people["supervisor"].username)
    assert 'href="/stats/"' in web.get("/cases/").data.decode()
    web.client.post("/logout", data={})
    web2 = web
    web2.login(people["officer"].username)
    assert 'href="/stats/"' not in web2.get("/cases/").data.decode()
