"""先行发布禁令 (issue #15 item 16): no statute sets its procedure, so it ships off; an office that turns it on
tells a refusal in writing, and the respondent is heard (陈述申辩) and the office reviews what it says."""

from __future__ import annotations

import re

import pytest

from caseflow.cases.services import available_actions
from caseflow.config import Config
from caseflow.core.db import db
from caseflow.injunction import config as injunction_config
from caseflow.notices import rendering
from tests.injunction.conftest import child_of
from tests.notices.conftest import pdf_text

pytestmark = pytest.mark.usefixtures("session")

ORDER = {"findings": "公证购买的产品与专利权利要求1的全部技术特征相同。", "measures": ["stop_selling"],
         "products": "JX-60型管道卡箍（门店及网店）"}


def test_injunctions_ship_off_and_cite_no_plan_as_their_basis():
    defaults = Config.from_env({})
    assert defaults.INJUNCTION_ENABLED is False and injunction_config.DEFAULTS["INJUNCTION_ENABLED"] is False
    assert "规划" not in defaults.INJUNCTION_LEGAL_BASIS
    assert Config.from_env({"CASEFLOW_INJUNCTION_ENABLED": "true"}).INJUNCTION_ENABLED is True


def test_off_by_default_an_application_is_refused(flow, people, adj_body, app, monkeypatch):
    monkeypatch.setitem(app.config, "INJUNCTION_ENABLED", Config().INJUNCTION_ENABLED)
    case = flow.adjudication(adj_body)
    r = flow.api.act(people["applicant"], case.id, "request_injunction", case.version, reason="请求禁令。")
    assert r.status_code == 409 and "未开展先行发布禁令" in r.json["message"]
    # Nor is it offered to anyone.
    for who in ("applicant", "officer"):
        assert "request_injunction" not in {a.name for a in available_actions(case, people[who])}
    monkeypatch.setitem(app.config, "INJUNCTION_ENABLED", True)
    assert "request_injunction" in {a.name for a in available_actions(case, people["applicant"])}


def _requested(flow, people, adj_body):
    case = flow.adjudication(adj_body)
    flow.upload(people["applicant"], case)
    flow.act(people["applicant"], case, "request_injunction", reason="请求责令被请求人立即停止销售JX-60型卡箍。")
    return case, child_of(case, "injunction")


def test_a_refusal_is_told_in_writing_with_its_reasons(flow, people, adj_body, notices_of):
    case, inj = _requested(flow, people, adj_body)
    flow.act(people["officer"], inj, "refuse", ground="insufficient_evidence", reason="网页截图未经公证。")
    assert inj.state == "refused"
    [notice] = notices_of(inj, "injunction_refusal")
    assert notice.title == "不予发布先行禁令通知书"
    text = pdf_text(rendering.preview_pdf(notice))
    assert "本局决定不予发布禁令" in text and "现有证据不足以证明存在侵权事实" in text and "网页截图未经公证" in text
    assert case.number in text and "行政复议" in text and "六个月内" in text


def test_the_respondent_is_heard_and_the_office_reviews(flow, people, adj_body, notices_of):
    officer = people["officer"]
    _, inj = _requested(flow, people, adj_body)
    flow.approve(flow.act(officer, inj, "propose_issue", status=202, **ORDER))
    db.session.refresh(inj)
    [order] = notices_of(inj, "injunction_order")
    assert "陈述和申辩" in pdf_text(rendering.preview_pdf(order))
    # Nothing to review before the respondent says anything.
    r = flow.api.act(officer, inj.id, "review_defence", inj.version, outcome="maintained", reasons="维持")
    assert r.status_code == 409 and "没有待复核的陈述申辩" in r.json["message"]
    # The respondent's written statement, recorded by the officer.
    flow.act(officer, inj, "state_defence", statement="被诉产品系从合法来源购进。")
    assert inj.data["defence"]["status"] == "pending"
    r = flow.api.act(officer, inj.id, "state_defence", inj.version, statement="再次申辩")
    assert r.status_code == 409 and "尚待复核" in r.json["message"]
    flow.act(officer, inj, "review_defence", outcome="maintained", reasons="合法来源抗辩不影响停止销售的责任。")
    assert inj.data["defence"]["status"] == "reviewed" and inj.data["defence"]["outcome"] == "maintained"
    assert inj.state == "issued"
    # A well-founded defence leads to lifting the order.
    flow.act(officer, inj, "state_defence", statement="涉案专利已被宣告无效。")
    flow.act(officer, inj, "review_defence", outcome="lift", reasons="专利权已被宣告无效。")
    flow.approve(flow.act(officer, inj, "lift", status=202, ground="right_lapsed", reason="专利权已被宣告无效。"))
    db.session.refresh(inj)
    assert inj.state == "lifted" and len(inj.data["defences"]) == 1


TAKE_DOWN = {**ORDER, "measures": ["stop_selling", "take_down"], "platform": "某电子商务平台经营者",
             "listings": "店铺“𠮷祥五金”商品编号 6627183920"}


def test_the_platform_notice_is_drafted_by_hand_only_while_an_injunction_orders_take_downs(
        flow, people, adj_body, notices_of, web, client):
    """The 协助删除侵权链接通知书 says the office has issued an injunction ordering listings taken down: the case page
    offers it and the office drafts it by hand only while one is in force."""
    from caseflow.core.errors import Invalid
    from caseflow.notices import drafting

    officer = people["officer"]
    web.login(officer.username)

    def offered(inj) -> bool:
        return 'value="platform_notice"' in client.get(f"/cases/{inj.id}").get_data(as_text=True)

    def refused(inj) -> None:
        with pytest.raises(Invalid, match="本案没有有效的责令删除网络销售链接的先行禁令"):
            drafting.draft_manual(inj, "platform_notice", actor=officer)

    case, inj = _requested(flow, people, adj_body)
    assert not offered(inj)
    refused(inj)  # only applied for
    flow.approve(flow.act(officer, inj, "propose_issue", status=202, **ORDER))
    db.session.refresh(inj)
    assert not offered(inj)
    refused(inj)  # issued, but no take-down ordered
    flow.act(officer, case, "request_injunction", reason="网店持续销售。")
    other = child_of(case, "injunction")
    flow.approve(flow.act(officer, other, "propose_issue", status=202, **TAKE_DOWN))
    db.session.refresh(other)
    assert offered(other)
    again = drafting.draft_manual(other, "platform_notice", actor=officer)  # e.g. a second platform
    assert len(notices_of(other, "platform_notice")) == 2 and again.status.value == "draft"
    flow.approve(flow.act(officer, other, "lift", status=202, ground="right_lapsed", reason="专利权已被宣告无效。"))
    db.session.refresh(other)
    assert not offered(other)
    refused(other)  # lifted


def _complaint(people):
    from caseflow.cases.models import PartyRole
    from caseflow.cases.services import create_case
    from tests.factories.accounts import unit
    from tests.factories.cases import act

    complaint = create_case(
        procedure="complaint", unit=unit("500103"), actor=people["applicant"],
        fields={"kind": "patent_infringement", "ip_type": "invention", "right_number": "ZL202010123456.2",
                "title": "销售侵犯发明专利权的管道卡箍", "facts": "被投诉人销售侵权管道卡箍。",
                "claims": "责令停止销售。", "channel": "online"},
        parties=[{"role": PartyRole.CLAIMANT, "name": "重庆山城科技有限公司", "user_id": people["applicant"].id},
                 {"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司"}])
    act(complaint, "accept", people["officer"])
    return complaint


@pytest.mark.parametrize(("main", "by", "says", "calls"), [
    ("adjudication", "applicant", "向本局提出处理请求，并申请先行发布禁令", ("申请人", "被申请人")),
    ("adjudication", "officer", "向本局提出处理请求，本局依职权审查是否先行发布禁令", ("请求人", "被请求人")),
    ("complaint", "applicant", "向本局投诉，并申请先行发布禁令", ("申请人", "被申请人")),
    ("complaint", "officer", "向本局投诉，本局依职权审查是否先行发布禁令", ("投诉人", "被投诉人")),
])
def test_the_order_names_an_applicant_only_when_one_applied_and_the_main_case_as_it_came(
        flow, people, adj_body, notices_of, main, by, says, calls):
    """An injunction taken up ex officio names no 申请人 (its parties keep the main case's names); the main case came
    as a 处理请求 (adjudication) or a 投诉 (complaint)."""
    from tests.notices.conftest import text_of

    case = flow.adjudication(adj_body) if main == "adjudication" else _complaint(people)
    flow.upload(people["applicant"], case)
    flow.act(people[by], case, "request_injunction", reason="请求责令立即停止销售。")
    inj = child_of(case, "injunction")
    flow.approve(flow.act(people["officer"], inj, "propose_issue", status=202, **ORDER))
    [order] = notices_of(inj, "injunction_order")
    text = text_of(order)
    claimant, respondent = calls
    assert f"{claimant}：重庆山城科技有限公司" in text and f"{respondent}：重庆某某商贸有限公司" in text
    assert says in text and f"责令{respondent}立即停止下列行为" in text
    assert f"{respondent}应当自收到本决定书之日起立即停止上述行为" in text
    if by == "officer":
        assert "申请人" not in text  # nor 被申请人
    assert ("投诉" in text) is (main == "complaint")


def test_an_ex_officio_refusal_tells_no_applicant_to_apply_again(flow, people, adj_body, notices_of):
    from tests.notices.conftest import text_of

    case = flow.adjudication(adj_body)
    flow.act(people["officer"], case, "request_injunction", reason="依职权审查。")
    inj = child_of(case, "injunction")
    flow.act(people["officer"], inj, "refuse", ground="insufficient_evidence", reason="网页截图未经公证。")
    text = text_of(notices_of(inj, "injunction_refusal")[0])
    assert "申请人" not in text and "依职权审查是否对被请求人先行发布禁令" in text
    assert "本决定不影响本局对主案的继续处理。" in text and "如不服本决定" in text


def test_the_case_page_names_the_parties_as_the_injunction_came(flow, people, adj_body, client, web):
    """Taken up ex officio, nobody applied: the parties keep the main case's names, as its documents do."""
    case = flow.adjudication(adj_body)
    flow.act(people["officer"], case, "request_injunction", reason="依职权审查。")
    taken_up = child_of(case, "injunction")
    flow.act(people["applicant"], case, "request_injunction", reason="请求责令立即停止销售。")
    applied = next(c for c in case.children if c.procedure == "injunction" and c.id != taken_up.id)
    web.login(people["officer"].username)

    def roles(inj):
        page = client.get(f"/cases/{inj.id}").get_data(as_text=True)
        table = page[page.index("<th>身份</th>"):page.index("</table>", page.index("<th>身份</th>"))]
        return set(re.findall(r"<tr><td>([^<]+)", table))

    assert roles(taken_up) == {"请求人", "被请求人"}
    assert roles(applied) == {"申请人", "被申请人"}
