"""Fixtures for the mediation tests: an office's people, a request body, notices and deadlines of a case."""

from __future__ import annotations

import copy

import pytest

from caseflow.accounts.models import Role
from tests.factories.accounts import UserFactory


@pytest.fixture
def people(session):
    return {
        "applicant": UserFactory(organisation=True, display_name="重庆山城科技有限公司"),
        "other_applicant": UserFactory(),
        "respondent": UserFactory(role=Role.RESPONDENT, display_name="张某"),
        "officer": UserFactory(officer=True),
        "mediator": UserFactory(mediator=True),
        "supervisor": UserFactory(supervisor=True),
    }


MED_BODY = {
    "unit": "500103", "category": "remuneration", "ip_type": "invention", "right_number": "ZL202010123456.2",
    "title": "“一种防松脱管道卡箍”职务发明奖励报酬纠纷",
    "facts": "请求人系被请求人原员工，任职期间完成涉案职务发明，被请求人未支付奖励和报酬。",
    "claims": "请求就职务发明奖励、报酬的数额进行调解。",
    "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
                   "address": "重庆市渝中区", "phone": "13800000000"}],
    "respondents": [{"name": "张某", "id_type": "resident_id", "id_number": "11010519491231002X",
                     "address": "重庆市渝中区解放碑"}],
}


@pytest.fixture
def med_body():
    return copy.deepcopy(MED_BODY)
