"""The portal speaks the procedure's language: a 处理请求书 is not a 投诉 (no 投诉类型 to choose, no trademarks for a
patent-only procedure, 请求人/被请求人 in the parties and the receipt), and the timeline shows words, never codes."""

from __future__ import annotations

import re

import pytest

from caseflow.cases.models import Case
from caseflow.core.db import db
from tests.adjudication.test_adj_portal_filing import _fill, _start
from tests.adjudication.test_adj_steps import act, examined
from tests.factories.adjudication import deliberate
from tests.portal.test_filing import RIGHT

pytestmark = pytest.mark.usefixtures("session")


def _options(html: str, name: str) -> list[str]:
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.DOTALL)
    return re.findall(r"<option[^>]*>([^<]*)</option>", found.group(1)) if found else []


def test_step_one_of_a_request_offers_patents_only_and_no_complaint_type(client, web, people):
    web.login(people["applicant"].username)
    _, draft_id = _start(web, "adjudication")
    page = client.get(f"/portal/drafts/{draft_id}/step/1").get_data(as_text=True)
    assert "投诉类型" not in page and 'name="kind"' not in page
    assert _options(page, "ip_type") == ["请选择", "发明专利", "实用新型专利", "外观设计专利"]
    assert "商标" not in page and "专利号" in page
    # A trademark typed in anyway is refused on the step itself, in Chinese, and the draft keeps what was typed.
    r = web.post_form(f"/portal/drafts/{draft_id}/step/1", {**RIGHT, "ip_type": "trademark", "go": "next"})
    assert r.status_code == 422 and "专利类型" in r.get_data(as_text=True)
    # A complaint keeps its 投诉类型 and every kind of right.
    _, complaint_draft = _start(web, "complaint")
    page = client.get(f"/portal/drafts/{complaint_draft}/step/1").get_data(as_text=True)
    assert "投诉类型" in page and "注册商标" in _options(page, "ip_type")


def test_the_request_reads_as_a_request_from_review_to_receipt(client, web, people):
    web.login(people["applicant"].username)
    _, draft_id = _start(web, "adjudication")
    _fill(web, draft_id, {k: v for k, v in RIGHT.items() if k != "kind"})
    review = client.get(f"/portal/drafts/{draft_id}/review").get_data(as_text=True)
    assert "投诉类型" not in review and "决定是否立案" in review and "专利号" in review
    r = web.post_form(f"/portal/drafts/{draft_id}/review")
    receipt = client.get(r.headers["Location"]).get_data(as_text=True)
    case = db.session.get(Case, int(re.search(r"/portal/cases/(\d+)", r.headers["Location"]).group(1)))
    assert case.kind == "patent_infringement"
    assert "您的专利侵权纠纷处理请求书已于" in receipt and "通知您是否立案" in receipt
    assert "提交专利侵权纠纷处理请求书" in receipt and "投诉类型" not in receipt
    parties = receipt[receipt.index("<h2>当事人</h2>"):receipt.index("</table>", receipt.index("<h2>当事人</h2>"))]
    assert "<td>请求人</td>" in parties and "<td>被请求人</td>" in parties and "投诉人" not in parties


def test_the_timeline_names_the_outcome_in_words(client, web, people):
    case = examined(people)
    deliberate(case, people["officer"], "infringement")
    act(case, "decide", people["supervisor"], outcome="infringement", reasons="落入保护范围", measures="停止销售")
    db.session.flush()
    web.login(people["applicant"].username)
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    timeline = page[page.index("办理进度"):page.index("<h2>当事人</h2>")]
    assert "作出裁决" in timeline and "认定侵权，责令停止侵权" in timeline and "infringement" not in timeline
    # Each value carries its field's label, as on the staff page (the office's own choices stay off the portal).
    assert re.search(r'<span class="field-label">[^<：]+：</span>认定侵权，责令停止侵权', timeline)
    assert "落入保护范围" not in timeline


def test_case_numbers_never_wrap_on_the_portal(client, web, people):
    """A break inside 〔2026〕12号 splits the number: the case page, the receipt and the list keep it on one line."""
    case = examined(people)
    db.session.flush()
    web.login(people["applicant"].username)
    nowrap = f'<span class="case-no">{case.number}</span>'
    page = client.get(f"/portal/cases/{case.id}?receipt=1").get_data(as_text=True)
    assert page.count(nowrap) == page.count(case.number) - page.count(f"<title>{case.number}")
    assert nowrap in client.get("/portal/").get_data(as_text=True)


def test_login_and_access_pages_name_every_document_that_carries_a_code(client):
    """The answer notice (adjudication) and the statement notice (mediation) both print a respondent's code: the pages
    that promise a code name both, and say what each lets the respondent do."""
    login = client.get("/login").get_data(as_text=True)
    hint = re.search(r'id="access-code-hint">([^<]*)<', login).group(1)
    assert "答辩通知书" in hint and "陈述意见通知书" in hint
    page = client.get("/hearings/access").get_data(as_text=True)
    words = re.sub(r"\s+", "", re.search(r'id="access-code-documents">(.*?)</p>', page, re.DOTALL).group(1))
    assert "答辩通知书或陈述意见通知书" in words and "每位被请求人一个" in words
    assert "（收到答辩通知书的）在答辩期内提交答辩书" in words and "（收到陈述意见通知书的）提交意见陈述书" in words


def _deadline_words(page: str) -> str:
    """The deadlines card as a reader sees it (open and ended periods, their labels and how each was counted)."""
    start = page.index('id="deadlines"')
    card = page[page.index(">", start) + 1:page.index('<div class="card', start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card))


def test_the_deadline_labels_are_the_procedures_own_words(client, web, people):
    """A rights holder's case page names each period in its procedure's words: a complaint's in a 投诉's (not a
    处理请求书's), a request's and a mediation's never as a 投诉; no codes, no English."""
    from caseflow.mediation import services
    from tests.cases.samples import MED_BODY
    from tests.factories.cases import complaint

    mediation = services.create_request(dict(MED_BODY), people["applicant"])
    act(mediation, "assign", people["supervisor"], officer=people["officer"].username)
    act(mediation, "notify_respondent", people["officer"])
    cases = {"adjudication": examined(people), "mediation": mediation,
             "complaint": complaint(people["applicant"]),
             "complaint (trademark)": complaint(people["applicant"], kind="trademark",
                                                ip_type="trademark", right_number="12345678")}
    db.session.commit()
    web.login(people["applicant"].username)
    for name, case in cases.items():
        words = _deadline_words(client.get(f"/portal/cases/{case.id}").get_data(as_text=True))
        assert "计算：" in words, name  # the case has periods running
        wrong = ("请求书", "处理请求") if case.procedure == "complaint" else ("投诉",)
        assert [w for w in wrong if w in words] == [], (name, words)
        assert re.findall(r"[A-Za-z_]+", words) == [], (name, words)
