"""Every document's sentences read right, for every kind a case of each procedure can produce and every ip_type.

The cases are built the way filers fill them in: a title that already names the respondent and the act, a right
number typed with its 号, an order that starts with the respondent's role word, a right number left empty. The
text a party reads must never double a role word, run a name into another field, print the filer's title inside a
sentence, or show a code, "None" or a placeholder.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re

import pytest

from caseflow.cases.models import Case, Party, PartyRole
from caseflow.notices import catalogue, context, phrasing, rendering
from tests.notices.conftest import needs_pdftotext, pdf_text
from workflows import PROCEDURES

IP_TYPES = (*context.IP_TYPES, None)
CLAIMANT = "重庆堃泰机电科技有限公司"
RESPONDENTS = ("重庆某某电器销售有限公司", "重庆渝兴商贸有限公司")
#: A filer's title that names the respondent and the act (the garbled sentences of issue #16 pasted it in).
TITLE = "某电器公司销售侵犯专利权的电水壶"
NUMBERS = {"invention": "ZL201910012345.6", "utility_model": "ZL202221345678.9号", "design": "ZL202330567890.1",
           "trademark": "第12345678号", "copyright": "国作登字-2024-F-00012345", "geographical_indication": "",
           "other": None, None: "ZL202221345678.9"}
#: Fields of the actions that draft documents, as officers type them.
DATA = {
    "reason": "请求人已撤回处理请求。", "measures": "被请求人应当立即停止销售被诉侵权产品。", "outcome": "infringement",
    "items": "请提交专利登记簿副本。", "target": "重庆市公安局渝中区分局", "terms": "被请求人支付赔偿金三万元。",
    "court": "重庆市渝中区人民法院", "platform": "某电子商务平台", "listings": "商品编号 6627183920",
    "grounds": "涉案金额已达立案追诉标准。", "procuratorate": "重庆市渝中区人民检察院",
    "findings": "被申请人正在销售。",
    "category": "damages", "referral_kind": "police", "origin": "渝中知投〔2026〕30号", "applied_by": "rights_holder",
}
#: What differs by procedure: an adjudication's outcome is a choice, a complaint's the officer's text.
OUTCOMES = {"adjudication": "infringement", "complaint": "经查，被投诉人销售的电水壶侵权，本局已责令其停止销售。"}


def _kinds_by_procedure() -> dict[str, list[str]]:
    """What a case of each procedure can produce: its actions' documents, the kinds drafted by hand, and the
    更正通知书 and 送达回证 any issued document may have."""
    out: dict[str, set[str]] = {}
    for code, procedure in PROCEDURES.items():
        kinds = out.setdefault(code, {"rectification", "service_receipt"})
        kinds.update(k.code for k in catalogue.manual_kinds(code))
        for action in procedure.actions:
            if action.notice in catalogue.KINDS:
                kinds.add(action.notice)
            elif action.notice:
                kinds.update({"criminal_referral", "case_transfer", "enforcement_application"})
    return {code: sorted(kinds) for code, kinds in out.items()}


KINDS_BY_PROCEDURE = _kinds_by_procedure()
GRID = [(procedure, code, ip_type) for procedure, codes in KINDS_BY_PROCEDURE.items()
        for code, ip_type in itertools.product(codes, IP_TYPES)]


def make_case(procedure: str, ip_type: str | None, *, respondents=RESPONDENTS) -> Case:
    """A case as filed (not stored): the documents are built from it as from a stored one."""
    parties = [Party(role=PartyRole.CLAIMANT, name=CLAIMANT, address="重庆市渝中区解放碑民族路188号")]
    parties += [Party(role=PartyRole.RESPONDENT, name=name, address="重庆市九龙坡区杨家坪正街18号")
                for name in respondents]
    return Case(procedure=procedure, number="渝中知投〔2026〕31号", kind="patent_infringement", ip_type=ip_type,
                right_number=NUMBERS[ip_type], title=TITLE, facts="被请求人在其门店销售涉嫌侵权的电水壶。",
                claims="请求责令被请求人停止侵权。", received_at=dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC),
                data=data_of(procedure), parties=parties)


def data_of(procedure: str) -> dict:
    return {**DATA, "outcome": OUTCOMES.get(procedure, "")}


def document_context(case: Case, code: str) -> dict:
    kind = catalogue.kind(code)
    return context.case_context(
        kind, case, on=dt.date(2026, 3, 5), office_name="重庆市渝中区知识产权局", area="渝中区",
        data=data_of(case.procedure),
        docketed_on=dt.date(2026, 3, 4), doc_number=f"渝中知{kind.word}〔2026〕12号" if kind.numbered else "",
        extra={**context.SAMPLE_EXTRA, "draft": False,
               "access": context.portal_access(kind, "https://zscq.example.gov.cn",
                                               [(name, "H7QK-3MZP-W9TB") for name in RESPONDENTS])})


def visible_text(markup: str) -> str:
    """The words of a rendered document as a reader sees them (tags, the <head> and whitespace dropped)."""
    body = markup.split("<body", 1)[-1].split(">", 1)[-1]
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", body)))


_SLUG = re.compile(r"[A-Za-z]+(?:_[A-Za-z]+)+|(?<![A-Za-z0-9])[a-z]{2,}(?![A-Za-z0-9])|None|null|True|False")
_URL = re.compile(r"https?://[^\s，。（）]+")
ROLE_WORDS = phrasing.ALL_ROLE_WORDS


def problems(text: str, names=(CLAIMANT, *RESPONDENTS)) -> list[str]:
    """What is wrong with a document's text, in words a reviewer would use."""
    found = []
    for word in ROLE_WORDS:
        if word + word in text:
            found.append(f"doubled role word {word}")
    for a, b in itertools.permutations(names, 2):
        if a + b in text:
            found.append(f"{a} runs into {b}")
    for name in names:
        for word in ROLE_WORDS:
            # "甲公司被请求人：" is the next line's label; "甲公司被请求人" in a sentence is a pasted field.
            if re.search(re.escape(name + word) + "(?!：)", text):
                found.append(f"{name} runs into {word}")
    if TITLE in text:
        found.append("the filer's title printed in the text")
    for junk in ("（未登记）", "未登记", "{{", "}}", "号号", "。。", "，，", "、、", "的的", "于，", "于。", "（）",
                 "侵犯其权", "侵犯权"):
        if junk in text:
            found.append(f"contains {junk}")
    if re.search(r"权权(?!属|利人：)", text):  # 专利权权属纠纷 is a name; "…专利权" + next line "权利人：" a label
        found.append("doubled 权")
    slugs = _SLUG.findall(_URL.sub("", text))
    if slugs:
        found.append(f"codes {slugs}")
    return found


@pytest.mark.parametrize(("procedure", "code", "ip_type"), GRID,
                         ids=[f"{p}-{c}-{t}" for p, c, t in GRID])
def test_every_sentence_is_built_from_its_parts(procedure, code, ip_type):
    case = make_case(procedure, ip_type)
    ctx = document_context(case, code)
    text = visible_text(rendering.render_html(catalogue.kind(code).template, ctx))
    assert problems(text) == []
    assert case.number in text


def test_a_complaint_against_an_unnamed_seller_reads_right():
    case = make_case("complaint", "utility_model", respondents=())
    for code in KINDS_BY_PROCEDURE["complaint"]:
        text = visible_text(rendering.render_html(catalogue.kind(code).template, document_context(case, code)))
        assert problems(text) == [], code


def test_the_sentences_of_the_reported_documents():
    """The sentences issue #16 quoted, as they now read."""
    complaint = make_case("complaint", "utility_model")
    text = visible_text(rendering.render_html("notices/conclusion.html", document_context(complaint, "conclusion")))
    assert ("关于重庆某某电器销售有限公司、重庆渝兴商贸有限公司涉嫌侵犯ZL202221345678.9号实用新型专利权的投诉举报"
            in text)
    mediation = make_case("mediation", "invention")
    text = visible_text(rendering.render_html("notices/mediation_agreement.html",
                                              document_context(mediation, "mediation_agreement")))
    assert ("重庆堃泰机电科技有限公司与重庆某某电器销售有限公司、重庆渝兴商贸有限公司"
            "ZL201910012345.6号发明专利侵权赔偿数额纠纷一案") in text
    adjudication = make_case("adjudication", "design")
    ctx = document_context(adjudication, "decision")
    text = visible_text(rendering.render_html("notices/decision.html", ctx))
    assert "责令被请求人立即停止销售被诉侵权产品。" in text
    assert "侵犯请求人ZL202330567890.1号外观设计专利权" in text


@pytest.mark.parametrize(("typed", "order"), [
    ("被请求人立即停止销售。", "立即停止销售"),
    ("责令被请求人：被请求人应当立即停止销售", "立即停止销售"),
    ("立即停止制造、销售", "立即停止制造、销售"),
    ("", ""),
])
def test_orders_lose_the_role_word_the_sentence_supplies(typed, order):
    assert phrasing.order_text(typed) == order


@needs_pdftotext
@pytest.mark.parametrize(("procedure", "code"), [(p, c) for p, codes in KINDS_BY_PROCEDURE.items() for c in codes])
def test_the_pdfs_read_right_too(procedure, code):
    # One PDF per kind and procedure (the ip_types take turns), checked on the text extracted from the PDF.
    codes = KINDS_BY_PROCEDURE[procedure]
    ip_type = IP_TYPES[codes.index(code) % len(IP_TYPES)]
    ctx = document_context(make_case(procedure, ip_type), code)
    content, _ = rendering.render(catalogue.kind(code).template, ctx)
    assert problems(pdf_text(content)) == []


AGENT = "重庆知桥专利代理事务所（普通合伙）"


@pytest.mark.parametrize(("procedure", "code", "ip_type"), GRID,
                         ids=[f"{p}-{c}-{t}" for p, c, t in GRID])
def test_a_document_to_a_represented_party_names_its_agent(procedure, code, ip_type):
    """An agent filed for the claimant (the case records it as the 代理人 party): a document addressed to the
    claimant names the agent beside it, and the party block lists the agent; nothing else changes."""
    case = make_case(procedure, ip_type)
    case.parties.append(Party(role=PartyRole.AGENT, name=AGENT, address="重庆市渝中区中山三路131号"))
    kind = catalogue.kind(code)
    text = visible_text(rendering.render_html(kind.template, document_context(case, code)))
    assert problems(text, (CLAIMANT, *RESPONDENTS, AGENT)) == []
    if kind.recipient in ("claimant", "parties"):  # in its 主送 or its list of the parties
        assert f"{CLAIMANT}（委托代理人：{AGENT}）" in text or f"委托代理人：{AGENT}，" in text
    if kind.recipient == "respondent":
        # A respondent's own document is not addressed to the claimant's agent (a party block may list it).
        assert f"（委托代理人：{AGENT}）" not in text
