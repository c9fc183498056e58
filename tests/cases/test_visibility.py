"""Nobody sees another person's case: every page and API answers 404 (docs/architecture.md, Users and visibility)."""

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.cases import complaint


@pytest.fixture
def setup(session):
    owner, stranger = UserFactory(), UserFactory()
    officer, far_officer = UserFactory(officer=True), UserFactory(officer=True, staff_unit="500105")
    city = UserFactory(supervisor=True, staff_unit="500000")
    city_officer = UserFactory(officer=True, staff_unit="500000")
    case = complaint(owner)
    session.flush()
    return {"owner": owner, "stranger": stranger, "officer": officer, "far": far_officer, "city": city,
            "city_officer": city_officer, "case": case}


def pages(case_id):
    return [f"/portal/cases/{case_id}", f"/cases/{case_id}", f"/cases/{case_id}/actions/withdraw",
            f"/cases/{case_id}/actions/accept"]


def token(client, user):
    return client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}).json["token"]


@pytest.mark.parametrize("who", ["stranger", "far", "city_officer"])
def test_others_get_404_everywhere(web, client, setup, who):
    user, case = setup[who], setup["case"]
    web.login(user.username)
    for url in pages(case.id):
        assert web.get(url).status_code == 404, url
    r = web.client.post(f"/cases/{case.id}/actions/accept", data={"version": case.version})
    assert r.status_code in (400, 404)  # CSRF first, then 404: never a change
    h = {"Authorization": f"Bearer {token(client, user)}"}
    assert client.get(f"/api/v1/cases/{case.id}", headers=h).status_code == 404
    r = client.post(f"/api/v1/cases/{case.id}/actions/accept", headers=h, json={"version": case.version})
    assert r.status_code == 404 and r.json["error"] == "not_found"
    listed = client.get("/api/v1/cases", headers=h).json
    assert case.id not in [i["id"] for i in listed["items"]]


def test_nonexistent_looks_the_same(web, setup):
    web.login(setup["stranger"].username)
    assert web.get("/portal/cases/999999").status_code == 404
    assert web.get("/portal/cases/99999999999999999999").status_code == 404


def test_owner_and_office_see_it(web, setup):
    case = setup["case"]
    web.login(setup["owner"].username)
    assert web.get(f"/portal/cases/{case.id}").status_code == 200
    assert web.get(f"/cases/{case.id}").status_code == 404  # the staff page is not for the public


def test_city_supervisor_sees_district_cases(client, setup):
    h = {"Authorization": f"Bearer {token(client, setup['city'])}"}
    assert client.get(f"/api/v1/cases/{setup['case'].id}", headers=h).status_code == 200


def test_public_sees_masked_ids_staff_full(client, setup, session):
    case = setup["case"]
    from caseflow.accounts.models import IdType

    case.parties[0].id_type, case.parties[0].id_number = IdType.RESIDENT_ID, "500103199003071239"
    session.flush()
    owner = client.get(f"/api/v1/cases/{case.id}", headers={"Authorization": f"Bearer {token(client, setup['owner'])}"})
    assert owner.json["parties"][0]["id_number"] == "500***********1239"
    staff = client.get(f"/api/v1/cases/{case.id}",
                       headers={"Authorization": f"Bearer {token(client, setup['officer'])}"})
    assert staff.json["parties"][0]["id_number"] == "500103199003071239"


def test_staff_views_are_logged(web, setup, session):
    import sqlalchemy as sa

    from caseflow.cases.models import AccessLog

    web.login(setup["officer"].username)
    web.get(f"/cases/{setup['case'].id}")
    logged = session.scalar(sa.select(sa.func.count()).select_from(AccessLog).where(
        AccessLog.case_id == setup["case"].id, AccessLog.user_id == setup["officer"].id))
    assert logged == 1
