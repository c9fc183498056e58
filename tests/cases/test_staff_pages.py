"""What staff see and do on the case pages (issue #16): irreversible steps confirmed without script, refusals that
keep the form, rooms chosen from the office's list, the signing step, labelled values, marked required fields.
Everything goes over HTTP with CSRF on, as a browser would."""

from __future__ import annotations

import re

import pytest

from caseflow.accounts.models import IdType
from caseflow.cases.models import Case, PartyRole
from caseflow.cases.services import create_case
from caseflow.core.clock import BEIJING
from caseflow.core.db import db
from tests.cases.samples import ADJ_FIELDS, MED_BODY
from tests.conftest import csrf_of
from tests.factories.accounts import UserFactory, unit
from tests.factories.adjudication import DOCKET_CHECKS, new_panel
from tests.factories.cases import act, complaint

TERMS = "一、被请求人于2027年1月31日前向请求人支付职务发明奖励人民币五万元。\n二、双方再无其他争议。"


@pytest.fixture
def people(session):
    return {
        "applicant": UserFactory(organisation=True, display_name="重庆山城科技有限公司"),
        "officer": UserFactory(officer=True, display_name="张执法"),
        "supervisor": UserFactory(supervisor=True, display_name="李科长"),
    }


def text(resp) -> str:
    return resp.get_data(as_text=True)


def adjudication(people):
    return create_case(procedure="adjudication", unit=unit("500103"), actor=people["applicant"], fields=ADJ_FIELDS,
                       parties=[{"role": PartyRole.CLAIMANT, "name": "重庆山城科技有限公司",
                                 "user_id": people["applicant"].id},
                                {"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司"}])


def form_of(html: str) -> str:
    return html[html.index("<form method=\"post\" novalidate>"):]


# ---- irreversible steps ----


def test_accepting_asks_for_a_ticked_check_and_works_without_script(web, people):
    case = complaint(people["applicant"])
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    web.login(people["officer"].username)
    page = text(web.get(f"/cases/{case.id}"))
    # 受理 is a link to its form, not a one-click button that posts at once.
    assert f'href="/cases/{case.id}/actions/accept"' in page
    assert f'action="/cases/{case.id}/actions/accept"' not in page
    form = text(web.get(f"/cases/{case.id}/actions/accept"))
    assert "受理（立案）后不能撤销" in form and 'type="checkbox"' in form and 'name="confirmed"' in form
    assert "data-confirm" not in form and "onclick" not in form
    version = str(case.version)
    refused = web.post_form(f"/cases/{case.id}/actions/accept", {"version": version})
    assert refused.status_code == 422 and "请勾选“我已核对”后再提交" in text(refused)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "submitted"
    done = web.post_form(f"/cases/{case.id}/actions/accept", {"version": version, "confirmed": "yes"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "accepted"


def test_a_matter_found_ex_officio_gets_the_forms_of_its_own_steps(web, people):
    """立案 and 不予立案 of a matter the office found itself: their own titles, help and fields, not those of a
    complaint's 受理 (a patent dispute's help) and 不予受理 (a competent department to name to a complainant)."""
    found = create_case(procedure="complaint", unit=unit("500103"), actor=people["officer"],
                        fields={"kind": "patent_counterfeit", "ip_type": "utility_model", "channel": "ex_officio",
                                "right_number": "ZL201920765432.1", "title": "商品标注虚假专利号",
                                "facts": "执法检查中发现。", "claims": "依职权查处。"},
                        parties=[{"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司"}])
    web.login(people["officer"].username)
    accept = text(web.get(f"/cases/{found.id}/actions/accept"))
    assert "立案 ·" in accept and "五个工作日内立案" in accept and "专利侵权纠纷处理请求" not in accept
    reject = form_of(text(web.get(f"/cases/{found.id}/actions/reject")))
    assert "不予立案理由" in reject and "competent_department" not in reject


def test_a_matter_found_ex_officio_reads_as_opened_not_received(web, api, people):
    """Nothing was received (受理) of a matter the office found itself: once 立案 its pages say 已立案, and a
    complaint accepted beside it still says 已受理."""
    found = create_case(procedure="complaint", unit=unit("500103"), actor=people["officer"],
                        fields={"kind": "patent_counterfeit", "ip_type": "utility_model", "channel": "ex_officio",
                                "right_number": "ZL201920765432.1", "title": "商品标注虚假专利号",
                                "facts": "执法检查中发现。", "claims": "依职权查处。"},
                        parties=[{"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司"}])
    received = complaint(people["applicant"])
    for case in (found, received):
        act(case, "assign", people["supervisor"], officer=people["officer"].username)
        act(case, "accept", people["officer"])
    web.login(people["officer"].username)
    page = text(web.get(f"/cases/{found.id}"))
    assert re.search(r'id="case-state">已立案<', page) and "立案（已提交 → 已立案）" in page and "已受理" not in page
    assert re.search(r'id="case-state">已受理<', text(web.get(f"/cases/{received.id}")))
    queue = text(web.get("/cases/?q=" + found.number))
    assert re.findall(r'<span class="badge open">([^<]+)</span>', queue) == ["已立案"]
    assert api.get(people["officer"], f"/api/v1/cases/{found.id}").json["state_title"] == "已立案"


@pytest.mark.parametrize("action", ["docket", "reject"])
def test_docketing_and_closing_steps_ask_for_confirmation(web, people, action):
    case = adjudication(people)
    web.login(people["supervisor"].username)
    form = text(web.get(f"/cases/{case.id}/actions/{action}"))
    assert 'name="confirmed"' in form and "不能撤销" in form


def test_deciding_asks_for_confirmation(people):
    import workflows
    from caseflow.cases.forms import action_form_class

    proc = workflows.procedure("adjudication")
    assert "不能撤销" in proc.confirmation("decide", "examination")
    form = action_form_class(proc.action("decide"), None, confirm=proc.confirmation("decide", "examination"))
    assert hasattr(form, "confirmed")


def test_the_api_needs_no_confirmation_field(api, people):
    case = complaint(people["applicant"])
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    r = api.act(people["officer"], case.id, "accept", case.version)
    assert r.status_code == 200, r.json


# ---- a refused action keeps the form ----


def test_a_guard_refusal_shows_the_form_again_with_everything_typed(web, people):
    case = adjudication(people)
    web.login(people["supervisor"].username)
    two = new_panel(2)  # art. 20: three or more, an odd number
    data = {**DOCKET_CHECKS, "members": two, "known_on": "2026-01-15", "continuing": "yes",
            "version": str(case.version), "confirmed": "yes"}
    r = web.post_form(f"/cases/{case.id}/actions/docket", data)
    html = text(r)
    assert r.status_code == 422
    assert re.search(r'id="refusal"[^>]*>[^<]*合议组', html), html[:3000]
    assert 'value="2026-01-15"' in html and 'checked' in html
    for username in two:
        assert f'<option selected value="{username}">' in html
    assert '<option selected value="infringement_place">' in html
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "submitted"


# ---- rooms, required fields, case numbers ----


def test_the_hearing_room_is_chosen_from_the_registered_rooms(web, people):
    from caseflow.hearings import services as hearings

    hearings.add_room(unit("500103"), "T1", "第一审理庭", address="渝中区民生路1号")
    hearings.add_room(unit("500103"), "T2", "第二审理庭")
    case = adjudication(people)
    act(case, "docket", people["supervisor"], **DOCKET_CHECKS, members=new_panel())
    act(case, "serve_respondent", people["officer"])
    act(case, "record_answer", people["officer"], answer="不侵权")
    web.login(people["supervisor"].username)
    html = form_of(text(web.get(f"/cases/{case.id}/actions/schedule_hearing")))
    room = html[html.index('name="room"'):]
    room = room[:room.index("</select>")]
    assert '<option value="T1">第一审理庭（渝中区民生路1号）</option>' in room
    assert '<option value="T2">第二审理庭</option>' in room
    assert 'type="text"' not in html[html.index('for="room"'):html.index('for="room"') + 300]


def test_required_fields_are_marked_and_case_numbers_do_not_wrap(web, people):
    case = adjudication(people)
    web.login(people["supervisor"].username)
    html = text(web.get(f"/cases/{case.id}/actions/docket"))
    label = re.search(r'<label for="standing">([^<]*)</label><span class="req" aria-hidden="true"> \*</span>', html)
    assert label and "请求人主体资格" in label.group(1)
    assert 'aria-required="true"' in html and "带 <span class=\"req\">*</span> 的为必填项" in html
    assert re.search(r'<label for="known_on">[^<]*</label></div>', html), "an optional field carries no mark"
    page = text(web.get(f"/cases/{case.id}"))
    assert f'<span class="case-no">{case.number}</span>' in page
    queue = text(web.get("/cases/?queue=all"))
    assert f'<a href="/cases/{case.id}"><span class="case-no">{case.number}</span></a>' in queue


# ---- the timeline and the approvals inbox ----


def test_timeline_values_carry_their_labels(web, people):
    case = complaint(people["applicant"])
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    act(case, "request_correction", people["officer"], items="请补充权利证明。")
    web.login(people["officer"].username)
    html = text(web.get(f"/cases/{case.id}"))
    timeline = html[html.index('class="timeline"'):]
    assert re.search(r'<span class="field-label">[^<]+：</span>请补充权利证明。', timeline)
    assert "需补正的材料及要求：" in timeline
    # The officer assigned is named, not given by login name.
    assert re.search(r'<span class="field-label">承办人：</span>张执法</div>', timeline), timeline[:2000]
    assert people["officer"].username not in timeline


def pending_rejection(people):
    """A complaint the officer asks to reject (不予受理 needs the supervisor's approval)."""
    case = complaint(people["applicant"])
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    outcome = act(case, "reject", people["officer"], reason="投诉事项不属于知识产权侵权。")
    assert outcome.approval is not None
    return case, outcome.approval


def test_the_inbox_shows_the_case_labelled_values_the_requester_and_a_preview(web, people, client):
    case, req = pending_rejection(people)
    db.session.commit()
    web.login(people["supervisor"].username)
    html = text(web.get("/approvals/"))
    card = html[html.index(f'id="approval-{req.id}"'):]
    assert f'href="/cases/{case.id}"' in card and case.number in card
    assert "申请人员" in card and "张执法（承办人）" in card
    assert re.search(r"<dt>不予受理理由</dt><dd[^>]*>投诉事项不属于知识产权侵权。</dd>", card)
    assert "reason" not in card
    assert f'href="/approvals/{req.id}/preview.pdf"' in card
    pdf = web.get(f"/approvals/{req.id}/preview.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    # Previewing records nothing: the case and the request are as they were, and no document was drafted.
    db.session.expire_all()
    fresh = db.session.get(Case, case.id)
    assert fresh.state == case.state and fresh.version == req.case_version
    import sqlalchemy as sa

    from caseflow.notices.models import Notice

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice).where(Notice.case_id == case.id)) == 0
    approve = web.post_form("/approvals/", {"comment": ""}, post_url=f"/approvals/{req.id}/approve")
    assert approve.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "rejected"


def test_the_preview_is_not_for_other_offices_or_parties(web, people):
    _case, req = pending_rejection(people)
    db.session.commit()
    other = UserFactory(supervisor=True, staff_unit="500105")
    web.login(other.username)
    assert web.get(f"/approvals/{req.id}/preview.pdf").status_code == 404


# ---- mediation: the signing step ----


def signing_mediation(people):
    from caseflow.mediation import services

    case = services.create_request(dict(MED_BODY), people["applicant"])
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    act(case, "notify_respondent", people["officer"])
    act(case, "record_statement", people["officer"], agrees="yes", statement="同意调解。")
    act(case, "docket", people["officer"], body="office", decision_checked="yes")
    act(case, "record_agreement", people["officer"], terms=TERMS)
    assert case.state == "signing"
    return case


def test_signing_is_a_visible_step_and_the_party_consents_with_a_checkbox(web, people, client):
    case = signing_mediation(people)
    db.session.commit()
    web.login(people["officer"].username)
    page = text(web.get(f"/cases/{case.id}"))
    assert re.search(rf'<a class="btn[^"]*" href="/cases/{case.id}/actions/record_signature">登记当事人签名</a>', page)
    assert "已办结" not in page and "结案时间" not in page
    client.post("/logout", data={"csrf_token": csrf_of(page)})

    web.login(people["applicant"].username)
    portal = text(web.get(f"/portal/cases/{case.id}"))
    assert f'href="/cases/{case.id}/actions/confirm_agreement"' in portal
    form = text(web.get(f"/cases/{case.id}/actions/confirm_agreement"))
    assert "一、被请求人于2027年1月31日前向请求人支付职务发明奖励人民币五万元。" in form
    assert re.search(r'<input[^>]*id="consent"[^>]*type="checkbox"|<input[^>]*type="checkbox"[^>]*id="consent"', form)
    assert "本人已阅读调解协议书全文，同意其内容，以在线确认作为签名" in form
    version = str(db.session.get(Case, case.id).version)
    refused = web.post_form(f"/cases/{case.id}/actions/confirm_agreement", {"version": version})
    assert refused.status_code == 422 and "请勾选确认声明后再提交" in text(refused)
    signed = web.post_form(f"/cases/{case.id}/actions/confirm_agreement", {"version": version, "consent": "y"})
    assert signed.status_code == 303
    db.session.expire_all()
    fresh = db.session.get(Case, case.id)
    assert fresh.state == "signing" and fresh.closed_at is None  # one side has signed: not yet 结案
    signing = [e for e in fresh.events if e.action == "confirm_agreement"]
    assert signing[-1].data["fields"]["consent"] == "yes"


def test_the_parties_read_in_the_procedures_own_words(web, people):
    """A mediation's and an adjudication's parties are 请求人/被请求人, a complaint's 投诉人/被投诉人: never
    "请求人/投诉人" on the staff page."""
    from caseflow.mediation import services

    mediation = services.create_request(dict(MED_BODY), people["applicant"])
    cases = {"请求人": [mediation, adjudication(people)], "投诉人": [complaint(people["applicant"])]}
    db.session.commit()
    web.login(people["officer"].username)
    for word, group in cases.items():
        for case in group:
            page = text(web.get(f"/cases/{case.id}"))
            parties = page[page.index("<h2>当事人</h2>"):page.index("</table>", page.index("<h2>当事人</h2>"))]
            assert f"<td>{word}" in parties and f"<td>被{word}" in parties, case.procedure
            assert "/" not in re.sub(r"<[^>]+>", "", parties), case.procedure


def test_a_party_without_an_id_number_shows_no_none(web, people):
    """A respondent whose ID type is known but whose number is not reads 号码未登记, never "None"."""
    case = adjudication(people)
    respondent = next(p for p in case.parties if p.role.value == "respondent")
    respondent.id_type, respondent.id_number = IdType.USCC, None
    db.session.commit()
    web.login(people["officer"].username)
    page = text(web.get(f"/cases/{case.id}"))
    parties = page[page.index("<h2>当事人</h2>"):page.index("</table>", page.index("<h2>当事人</h2>"))]
    assert "None" not in parties and "号码未登记" in parties


def test_the_access_codes_name_the_document_each_procedure_prints_them_on(web, people):
    """A mediation's code is printed on the 陈述意见通知书, an adjudication's on the 答辩通知书: each card names
    its own."""
    from caseflow.hearings import access
    from caseflow.mediation import services

    mediation = services.create_request(dict(MED_BODY), people["applicant"])
    act(mediation, "assign", people["supervisor"], officer=people["officer"].username)
    adj = adjudication(people)
    for case in (mediation, adj):
        access.issue_codes(case, people["officer"])
    db.session.commit()
    web.login(people["officer"].username)
    for case, document, other in ((mediation, "陈述意见通知书", "答辩通知书"), (adj, "答辩通知书", "陈述意见通知书")):
        page = text(web.get(f"/cases/{case.id}"))
        codes = page[page.index("访问码</h3>") - 20:page.index("</ul>", page.index('id="access-codes"'))]
        assert f"（随{document}告知）" in codes and other not in codes and "<h3>被请求人访问码</h3>" in codes


def test_queue_rows_mark_closed_cases_and_show_the_beijing_time_received(web, people):
    open_case = complaint(people["applicant"], title="尚在办理的投诉")
    closed_case = complaint(people["applicant"], title="已撤回的投诉")
    act(closed_case, "withdraw", people["applicant"], reason="已和解")
    web.login(people["supervisor"].username)
    queue = text(web.get("/cases/?queue=all"))
    row = lambda c: queue[queue.index(c.number):].split("</tr>")[0]  # noqa: E731
    assert '<span class="badge open">' in row(open_case)
    assert '<span class="badge closed">已撤回</span>' in row(closed_case)
    received = open_case.received_at.astimezone(BEIJING)
    assert f'<td class="hide-sm">{received:%Y-%m-%d %H:%M}</td>' in row(open_case)
