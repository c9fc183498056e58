"""Filing the 处理请求书 on the portal: an adjudication draft with its own words, refused for a non-patent right or
without the asserted claims (局令81 art. 12), and an unknown procedure refused."""

from __future__ import annotations

import re

import pytest

from caseflow.cases.models import Case
from caseflow.core.db import db
from tests.portal.test_filing import CLAIMANT, FACTS, RESPONDENT, RIGHT

pytestmark = pytest.mark.usefixtures("session")


def _start(web, procedure):
    r = web.post_form("/portal/", {"procedure": procedure}, post_url="/portal/file")
    return r, (int(m.group(1)) if (m := re.search(r"/portal/drafts/(\d+)/step/1$", r.headers.get("Location", "")))
               else None)


def _fill(web, draft_id, right):
    for n, data in enumerate([right, CLAIMANT, RESPONDENT, FACTS], start=1):
        r = web.post_form(f"/portal/drafts/{draft_id}/step/{n}", {**data, "go": "next"})
        assert r.status_code == 303, r.get_data(as_text=True)[:1000]


def test_the_request_is_filed_as_an_adjudication(client, web, people):
    web.login(people["applicant"].username)
    _, draft_id = _start(web, "adjudication")
    page = client.get(f"/portal/drafts/{draft_id}/step/1").get_data(as_text=True)
    assert "填写专利侵权纠纷处理请求书" in page
    _fill(web, draft_id, RIGHT)
    review = client.get(f"/portal/drafts/{draft_id}/review").get_data(as_text=True)
    assert "提交处理请求书" in review and "<h2>被请求人</h2>" in review and "<h2>被投诉人</h2>" not in review
    r = web.post_form(f"/portal/drafts/{draft_id}/review")
    assert r.status_code == 303
    case = db.session.get(Case, int(re.search(r"/portal/cases/(\d+)", r.headers["Location"]).group(1)))
    assert case.procedure == "adjudication" and "知裁〔" in case.number and case.state == "submitted"


# A trademark is not even offered on step 1 (tests/portal/test_portal_words.py).
@pytest.mark.parametrize(("change", "words"), [({"asserted_claims": ""}, "权利要求")])
def test_the_request_must_concern_a_patent_and_name_the_claims(client, web, people, change, words):
    web.login(people["applicant"].username)
    _, draft_id = _start(web, "adjudication")
    _fill(web, draft_id, {**RIGHT, **change})
    r = web.post_form(f"/portal/drafts/{draft_id}/review")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/portal/drafts/{draft_id}/step/1")
    assert words in client.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.query(Case).filter(Case.procedure == "adjudication").count() == 0


def test_an_unknown_procedure_is_refused(web, people):
    web.login(people["applicant"].username)
    r, draft_id = _start(web, "referral")
    assert r.status_code == 422 and draft_id is None


def test_a_design_patent_is_filed_without_claims_naming_its_product(client, web, people):
    """专利法 art. 64(2): a design's protection is the product's design in the drawings or photos, it has no claims:
    the wizard asks for the product and the drawings instead and never refuses the request for missing claims
    (the API applies the same rule, tests/adjudication/test_adj_filing_integrity.py)."""
    web.login(people["applicant"].username)
    _, draft_id = _start(web, "adjudication")
    step = client.get(f"/portal/drafts/{draft_id}/step/1").get_data(as_text=True)
    assert "外观设计专利没有权利要求" in step and "使用该外观设计的产品" in step
    _fill(web, draft_id, {**RIGHT, "ip_type": "design", "right_number": "2022301234562", "asserted_claims": ""})
    review = client.get(f"/portal/drafts/{draft_id}/review").get_data(as_text=True)
    assert "<dt>外观设计产品</dt><dd>（未填写）</dd>" in review and "<dt>主张的权利要求</dt>" not in review
    assert 'id="design-scope"' in review and "图片或者照片及简要说明" in review
    r = web.post_form(f"/portal/drafts/{draft_id}/review")
    assert r.status_code == 303 and "/portal/cases/" in r.headers["Location"], r.headers["Location"]
    case = db.session.get(Case, int(re.search(r"/portal/cases/(\d+)", r.headers["Location"]).group(1)))
    assert (case.procedure, case.ip_type, case.state) == ("adjudication", "design", "submitted")
