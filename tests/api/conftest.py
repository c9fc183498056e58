import datetime as dt

import pytest

from caseflow.core import clock
from tests.factories.accounts import PASSWORD, UserFactory


class Api:
    """Calls the JSON API as a given user."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}

    def token(self, user):
        held = self.tokens.get(user.username)
        if held is None or held[1] <= clock.now():  # a client signs in again when its token ran out (shift)
            r = self.client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
            assert r.status_code == 200, r.json
            held = self.tokens[user.username] = (r.json["token"], dt.datetime.fromisoformat(r.json["expires_at"]))
        return held[0]

    def _h(self, user):
        return {"Authorization": f"Bearer {self.token(user)}"} if user else {}

    def get(self, user, url, **kw):
        return self.client.get(url, headers=self._h(user), **kw)

    def post(self, user, url, json=None, **kw):
        return self.client.post(url, headers=self._h(user), json=json, **kw)

    def act(self, user, case_id, action, version, **fields):
        return self.post(user, f"/api/v1/cases/{case_id}/actions/{action}", json={"version": version, **fields})


@pytest.fixture
def people(session):
    return {
        "applicant": UserFactory(organisation=True),
        "other_applicant": UserFactory(),
        "officer": UserFactory(officer=True),
        "officer2": UserFactory(officer=True),
        "supervisor": UserFactory(supervisor=True),
        "supervisor2": UserFactory(supervisor=True),
        "other_district": UserFactory(officer=True, staff_unit="500105"),
        "other_supervisor": UserFactory(supervisor=True, staff_unit="500105"),
        "city": UserFactory(supervisor=True, staff_unit="500000"),
    }


COMPLAINT_BODY = {
    "procedure": "complaint", "unit": "500103", "kind": "patent_infringement", "ip_type": "invention",
    "right_number": "ZL202010123456.2", "title": "销售侵犯发明专利权的空气净化器",
    "facts": "被投诉人在解放碑门店销售涉嫌侵权产品。", "claims": "请求责令停止销售。", "channel": "online",
    "asserted_claims": "权利要求1-3",
    "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
                   "address": "重庆市渝中区", "phone": "13800000000"}],
    "respondents": [{"name": "重庆某某商贸有限公司", "id_type": "uscc", "address": "重庆市渝中区解放碑"}],
}


@pytest.fixture
def complaint_body():
    import copy

    return copy.deepcopy(COMPLAINT_BODY)
