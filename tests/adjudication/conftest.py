"""Fixtures for the adjudication tests: an office's people, cases, notices, and a movable 'today'."""

from __future__ import annotations

import pytest

from caseflow.accounts.models import Role
from tests.factories.accounts import UserFactory


@pytest.fixture
def people(session):
    return {
        "applicant": UserFactory(organisation=True, display_name="重庆山城科技有限公司"),
        "respondent": UserFactory(role=Role.RESPONDENT, display_name="重庆某某商贸有限公司"),
        "officer": UserFactory(officer=True),
        "officer2": UserFactory(officer=True),
        "officer3": UserFactory(officer=True),
        "supervisor": UserFactory(supervisor=True),
        "supervisor2": UserFactory(supervisor=True),
        "other_district": UserFactory(officer=True, staff_unit="500105"),
        "city": UserFactory(supervisor=True, staff_unit="500000"),
    }


ADJ_BODY = {
    "procedure": "adjudication", "unit": "500103", "kind": "patent_infringement", "ip_type": "invention",
    "right_number": "ZL202010123456.2", "title": "“一种防松脱管道卡箍”发明专利侵权纠纷",
    "facts": "被请求人在其经营场所销售涉嫌侵权的管道卡箍。", "claims": "请求责令被请求人停止销售侵权产品。",
    "channel": "online", "asserted_claims": "权利要求1",
    "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
                   "address": "重庆市渝中区", "phone": "13800000000"}],
    "respondents": [{"name": "重庆某某商贸有限公司", "id_type": "uscc", "address": "重庆市渝中区解放碑"}],
}


@pytest.fixture
def adj_body():
    import copy

    return copy.deepcopy(ADJ_BODY)
