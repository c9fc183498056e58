"""Every document type renders: case number, parties (rare characters included), the legally required sentences,
and no missing glyph (fonts and glyphs checked, not only the text layer)."""

from __future__ import annotations

import datetime as dt

import pytest

from caseflow.core import pdf
from caseflow.notices import catalogue, context, issuing, rendering
from caseflow.notices.cli import render_sample
from tests.core.test_pdf import _embedded_fonts, _glyph_problems
from tests.factories.adjudication import docket, issue_decision
from tests.notices.conftest import CLAIMANTS, RESPONDENTS, act, needs_pdftotext, pdf_text, squeeze

RARE = "堃喆赟𠮷"


@needs_pdftotext
@pytest.mark.parametrize("code", list(catalogue.KINDS))
def test_every_kind_renders_with_its_parties_and_legal_notices(code):
    ctx = context.sample_context(code)
    content, pages = render_sample(code)
    assert content.startswith(b"%PDF-") and pages >= 1
    text = pdf_text(content)
    assert ctx["case"]["number"] in text
    for party in context.SAMPLE_CLAIMANTS + context.SAMPLE_RESPONDENTS:
        assert party["name"] in text, party["name"]
    for sentence in ctx["legal"]:
        assert squeeze(sentence) in text, sentence
    assert squeeze(ctx["title"]) in text
    if catalogue.kind(code).numbered:
        assert ctx["doc_number"] in text and "7KQ4-M2XD-9PWE" in text
    fonts = _embedded_fonts(content)
    assert [f["name"] for f in fonts if f["program"] is None] == []
    assert _glyph_problems(fonts) == []
    drawn = "".join(t for f in fonts for t in f["to_unicode"].values())
    assert all(ch in drawn for ch in RARE)
    assert rendering.missing_characters(ctx) == []


def test_the_decision_sample_is_three_pages():
    # bench/ times this sample: a 3-page 行政裁决书 (the ≤ 150 ms target of docs/architecture.md, Quality targets).
    _, pages = render_sample("decision")
    assert pages == 3


@needs_pdftotext
def test_a_draft_sample_is_watermarked_and_has_no_verification():
    content, _ = render_sample("decision", draft=True)
    text = pdf_text(content)
    assert "草" in text and "稿" in text and "验证码" not in text


def test_notice_sample_command(app, tmp_path):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["caseflow", "notice-sample", "--list"])
    assert listed.exit_code == 0
    assert listed.output.split() == list(catalogue.KINDS)
    out = tmp_path / "裁决书.pdf"
    result = runner.invoke(args=["caseflow", "notice-sample", "decision", "--out", str(out), "--count", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("median ") and " ms " in result.output and "3 page(s)" in result.output
    assert out.read_bytes().startswith(b"%PDF-")
    unknown = runner.invoke(args=["caseflow", "notice-sample", "nonsense"])
    assert unknown.exit_code != 0 and "未知的文书类型" in unknown.output


@needs_pdftotext
@pytest.mark.usefixtures("session")
def test_a_real_decision_from_the_workflow(make_case, people, notices_of):
    case = make_case("adjudication")
    docket(case, people)
    act(case, "serve_respondent", people["officer"])
    act(case, "record_answer", people["officer"], answer="被诉产品结构不同")
    act(case, "deliberate", people["officer"], outcome="infringement", opinion="落入保护范围")
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="被诉侵权产品落入保护范围。",
        measures="责令立即停止销售被诉侵权产品")
    [notice] = notices_of(case, "decision")
    assert notice.parts["defence"] == "被请求人辩称：被诉产品结构不同"
    assert notice.parts["reasons"] == "被诉侵权产品落入保护范围。"
    assert "侵犯请求人ZL202221345678.9号实用新型专利权" in notice.parts["measures"]
    assert "责令被请求人立即停止销售被诉侵权产品。" in notice.parts["measures"]
    issue_decision(notice, people["supervisor"])
    with rendering.open_pdf(notice) as stream:
        text = pdf_text(stream.read())
    for name in CLAIMANTS + RESPONDENTS + ("张堃",):
        assert name in text, name
    assert case.number in text and notice.number in text
    assert "可以自收到本裁决书之日起十五日内，依照《中华人民共和国行政诉讼法》向人民法院起诉" in text
    assert "《中华人民共和国专利法》第十一条第一款、第六十五条" in text  # the 2020 numbering, for a 2026 document


def test_citations_follow_the_document_date():
    # The same template dated before the 2020 revision took effect cites art. 60.
    kind = catalogue.kind("decision")
    ctx = context.assemble(kind, procedure="adjudication", office_name=context.SAMPLE_OFFICE, area="渝中区",
                           case=context.sample_context("decision")["case"], claimants=context.SAMPLE_CLAIMANTS,
                           respondents=context.SAMPLE_RESPONDENTS, agents=[], parts={}, data={},
                           on=dt.date(2020, 5, 1))
    assert ctx["law"]["patent.dispute"] == "《中华人民共和国专利法》第六十条"
    assert "第六十条" in ctx["decision_basis"] and "专利纠纷行政裁决和调解办法" not in ctx["decision_basis"]


def test_uncovered_characters_become_geta_marks_in_previews():
    ctx = context.sample_context("correction", draft=True)
    ctx["parts"]["items"] = "请提交\ue000号证明"
    missing = rendering.missing_characters(ctx)
    assert missing == ["\ue000"]
    html = rendering.mark_missing(rendering.render_html("notices/correction.html", ctx), missing)
    assert "\ue000" not in html and "请提交〓号证明" in html
    content, _ = rendering.render("notices/correction.html", ctx, missing=missing)
    assert _glyph_problems(_embedded_fonts(content)) == []


def test_qr_code_is_an_inline_svg():
    url = rendering.qr_data_url("https://example.gov.cn/verify/7KQ4M2XD9PWE")
    assert url.startswith("data:image/svg+xml")
    assert pdf.render_pdf(f'<html><body><img src="{url}"></body></html>').startswith(b"%PDF-")


@pytest.mark.parametrize("code", [k.code for k in catalogue.KINDS.values() if k.numbered])
def test_the_verification_block_never_takes_a_page_of_its_own(code):
    # The issued document (footer code, number, QR code and address) has as many pages as its draft, which has
    # none of them: the block lives in the last page's bottom margin.
    _, final = render_sample(code)
    _, draft = render_sample(code, draft=True)
    assert final == draft


@needs_pdftotext
@pytest.mark.usefixtures("session")
def test_a_one_paragraph_acceptance_notice_is_one_page(make_case, people, notices_of):
    case = make_case("complaint")
    act(case, "accept", people["officer"])
    [notice] = notices_of(case, "acceptance")
    issuing.issue(notice, actor=people["officer"])
    assert notice.pages == 1
    with rendering.open_pdf(notice) as stream:
        text = pdf_text(stream.read())
    assert "特此通知" in text and f"文书编号：{notice.number}" in text and "输入文书编号和验证码" in text
