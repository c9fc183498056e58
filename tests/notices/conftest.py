"""Fixtures for the document tests: people of an office, cases moved through the workflow, PDF text helpers."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from caseflow.accounts.models import Role
from caseflow.cases.models import PartyRole
from caseflow.cases.services import create_case
from tests.factories.accounts import UserFactory, unit
from tests.factories.cases import act

#: Parties whose names need the rare-character fallback fonts (堃 U+5803, 喆 U+5586, 赟 U+8D5F, 𠮷 U+20BB7).
CLAIMANTS = ("重庆堃泰机电科技有限公司", "王喆")
RESPONDENTS = ("重庆市渝中区𠮷祥五金机电经营部", "李赟")

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")

_FOOTER = re.compile(r"验证码[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}|—\d+—")


def pdf_text(content: bytes) -> str:
    """The PDF's text without spaces, line breaks and the page footers (验证码 …, — 1 —)."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return _FOOTER.sub("", re.sub(r"\s+", "", result.stdout.decode("utf-8")))


def text_of(notice) -> str:
    """The document's text as it will be issued (without the draft's watermark running through the lines)."""
    from caseflow.notices import catalogue, rendering
    from caseflow.notices.context import build_context

    ctx = build_context(notice)
    ctx["draft"] = False
    content, _ = rendering.render(catalogue.kind(notice.kind).template, ctx)
    return pdf_text(content)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def people(session):
    return {
        "applicant": UserFactory(organisation=True, display_name="重庆堃泰机电科技有限公司"),
        "respondent": UserFactory(role=Role.RESPONDENT, display_name="李赟"),
        "other_applicant": UserFactory(),
        "officer": UserFactory(officer=True),
        "officer2": UserFactory(officer=True),
        "supervisor": UserFactory(supervisor=True),
        "other_district": UserFactory(officer=True, staff_unit="500105"),
    }


def _parties(applicant, respondent_user=None):
    return [
        {"role": PartyRole.CLAIMANT, "name": CLAIMANTS[0], "address": "重庆市渝中区解放碑民族路188号",
         "user_id": applicant.id},
        {"role": PartyRole.CLAIMANT, "name": CLAIMANTS[1], "address": "重庆市渝北区聚金大道88号"},
        {"role": PartyRole.AGENT, "name": "张堃", "address": "重庆渝信专利代理事务所"},
        {"role": PartyRole.RESPONDENT, "name": RESPONDENTS[0], "address": "重庆市渝中区较场口216号"},
        {"role": PartyRole.RESPONDENT, "name": RESPONDENTS[1], "address": "重庆市九龙坡区杨家坪正街18号",
         "user_id": respondent_user.id if respondent_user else None},
    ]


FIELDS = {"kind": "patent_infringement", "ip_type": "utility_model", "right_number": "ZL202221345678.9",
          "title": "“一种防松脱管道卡箍”实用新型专利侵权纠纷", "facts": "被请求人在其经营场所销售涉嫌侵权的管道卡箍。",
          "claims": "请求责令被请求人停止销售侵权产品。", "channel": "online", "asserted_claims": "权利要求1"}


@pytest.fixture
def make_case(people):
    """make_case(procedure="complaint", unit_code="500103") → a case in its first state, filed by the applicant."""

    def make(procedure: str = "complaint", unit_code: str = "500103"):
        # A complaint here is a report of 假冒专利 (its 受理 has a 受理通知书); a patent infringement dispute request
        # received as a complaint gets its one 受理通知书 at 立案 of the adjudication (局令81 art. 20).
        fields = {**FIELDS, "kind": "patent_counterfeit"} if procedure == "complaint" else FIELDS
        return create_case(procedure=procedure, unit=unit(unit_code), actor=people["applicant"], fields=fields,
                           parties=_parties(people["applicant"], people["respondent"]))

    return make


def addressed_to(notices, case, name):
    """Of a document drafted for each respondent apart (the 答辩通知书 carries each one's access code), the one for
    the respondent of that name."""
    party = next(p for p in case.parties if p.name == name)
    [notice] = [n for n in notices if n.party_ids == [party.id]]
    return notice


@pytest.fixture
def acceptance(make_case, people, notices_of):
    """(case, notice): a complaint the officer accepted, and its 受理通知书 (a draft)."""
    case = make_case()
    act(case, "accept", people["officer"])
    [notice] = notices_of(case)
    return case, notice
