"""The staff pages: the panel and hearing forms built from the declaration, and the case page's hearing card."""

from __future__ import annotations

import datetime as dt

import pytest

from caseflow.cases.models import Case, PartyRole
from caseflow.cases.services import create_case, perform
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.hearings import services
from tests.conftest import csrf_of
from tests.factories.accounts import UserFactory, unit
from tests.factories.adjudication import docket_data, new_panel

pytestmark = pytest.mark.usefixtures("session")

FIELDS = {"kind": "patent_infringement", "ip_type": "invention", "right_number": "ZL202010123456.2",
          "title": "发明专利侵权纠纷", "facts": "f", "claims": "c", "channel": "online"}


def test_panel_and_hearing_through_the_html_forms(client, web):
    applicant, sup = UserFactory(organisation=True), UserFactory(supervisor=True)
    officers = [UserFactory(officer=True) for _ in range(3)]
    services.add_room(unit("500103"), "T1", "第一审理庭")
    case = create_case(procedure="adjudication", unit=unit("500103"), actor=applicant, fields=FIELDS,
                       parties=[{"role": PartyRole.CLAIMANT, "name": "请求人"},
                                {"role": PartyRole.RESPONDENT, "name": "被请求人"}])
    first = new_panel()
    for action, data in (("docket", {**docket_data(case, first), "known_on": "2019-05-01"}), ("serve_respondent", {}),
                         ("record_answer", {"answer": "a"})):
        perform(case, action, actor=sup, data={"version": case.version, **data})
    cid = case.id
    web.login(officers[0].username)
    page = client.get(f"/cases/{cid}/actions/set_panel")
    assert page.status_code == 200
    r = client.post(f"/cases/{cid}/actions/set_panel",
                    data={"csrf_token": csrf_of(page.data), "version": str(case.version),
                          "members": [o.username for o in officers[:2]]})
    # Refused by the guard: the form again (422) with the reason and both members still chosen; nothing changed.
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'id="refusal"' in html and "合议组" in html
    assert all(f'<option selected value="{o.username}">' in html for o in officers[:2])
    assert f'<option value="{officers[2].username}">' in html
    case = db.session.get(Case, cid)
    assert case.data["panel"] == first  # the panel formed at 立案 stays
    page = client.get(f"/cases/{cid}/actions/set_panel")
    r = client.post(f"/cases/{cid}/actions/set_panel",
                    data={"csrf_token": csrf_of(page.data), "version": str(case.version),
                          "members": [o.username for o in officers]})
    assert r.status_code == 303
    db.session.refresh(case)
    assert case.data["panel"] == [o.username for o in officers]
    day = clock.today() + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    page = client.get(f"/cases/{cid}/actions/schedule_hearing")
    assert page.status_code == 200 and "口头审理日期" in page.get_data(as_text=True)
    r = client.post(f"/cases/{cid}/actions/schedule_hearing",
                    data={"csrf_token": csrf_of(page.data), "version": str(case.version),
                          "hearing_date": day.isoformat(), "start_time": "14:00", "hours": "2", "mode": "in_person",
                          "room": "T1"})
    assert r.status_code == 303
    db.session.refresh(case)
    assert case.state == "hearing_scheduled"
    html = client.get(f"/cases/{cid}").get_data(as_text=True)
    assert "第一审理庭" in html and "风险提示" in html and "合议组与口头审理" in html
