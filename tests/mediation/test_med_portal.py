"""The 调解请求书 page on the portal over HTTP with CSRF on: validation in Chinese, nothing lost, one case per
submitted page, no access for others; the case pages show the mediation card."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import Role
from caseflow.cases.models import Case
from caseflow.core.db import db
from tests.conftest import csrf_of
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("session")

FORM = {"unit": "500103", "category": "ownership", "ip_type": "invention", "right_number": "2020101234562",
        "claimants-0-name": "重庆山城科技有限公司", "claimants-0-id_type": "uscc",
        "claimants-0-id_number": "91500103MA5U8KJ84F", "respondents-0-name": "张某",
        "title": "专利权权属纠纷", "facts": "双方对涉案专利权的归属有争议。", "claims": "请求调解专利权归属。"}


def text(r) -> str:
    return r.data.decode()


def key_of(html: str) -> str:
    return re.search(r'name="request_key" value="([^"]+)"', html).group(1)


@pytest.fixture
def holder(web):
    user = UserFactory(organisation=True, display_name="重庆山城科技有限公司")
    web.login(user.username, PASSWORD)
    return user


def cases_of(user) -> list[Case]:
    return list(db.session.scalars(sa.select(Case).where(Case.created_by_id == user.id)))


def test_request_page_submits_once_and_lands_on_the_receipt(web, holder):
    page = web.get("/portal/mediation/new")
    assert page.status_code == 200 and "调解请求书" in text(page) and 'value="重庆山城科技有限公司"' in text(page)
    data = {**FORM, "csrf_token": csrf_of(page.data), "request_key": key_of(text(page))}
    first = web.client.post("/portal/mediation/new", data=data)
    assert first.status_code == 303 and "receipt=1" in first.headers["Location"]
    again = web.client.post("/portal/mediation/new", data=data)  # the back button and a second click
    assert again.status_code == 303
    [case] = cases_of(holder)
    assert again.headers["Location"].endswith(f"/portal/cases/{case.id}")
    shown = web.get(f"/portal/cases/{case.id}")
    assert "请勿重复提交" in text(shown) and "专利申请权或专利权权属纠纷" in text(shown)


def test_bad_input_keeps_what_was_typed_and_says_why(web, holder):
    page = web.get("/portal/mediation/new")
    data = {**FORM, "category": "damages", "right_number": "123", "csrf_token": csrf_of(page.data),
            "request_key": key_of(text(page))}
    r = web.client.post("/portal/mediation/new", data=data)
    assert r.status_code == 422
    body = text(r)
    assert "处理决定书" in body and "专利号" in body and "双方对涉案专利权的归属有争议。" in body
    assert cases_of(holder) == []


def test_only_rights_holders_file_a_request(web, client):
    respondent = UserFactory(role=Role.RESPONDENT)
    web.login(respondent.username, PASSWORD)
    assert web.get("/portal/mediation/new").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_of(web.get("/portal/").data)})
    officer = UserFactory(officer=True)
    web.login(officer.username, PASSWORD)
    assert web.get("/portal/mediation/new").status_code == 404  # staff have no portal


def test_a_respondent_account_cannot_file_through_the_api(api, med_body):
    respondent = UserFactory(role=Role.RESPONDENT)
    r = api.post(respondent, "/api/v1/mediation/requests", json=med_body)
    assert r.status_code == 403 and r.json["message"] == "只有权利人账户可以提交调解请求"
