"""The 90 days to decide a penalty case (行政处罚法 art. 60): 假冒专利, trademark, copyright and geographical-indication
complaints become penalty cases at their 受理 (立案); a patent dispute or another matter does not."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseflow.cases.models import PartyRole
from caseflow.cases.services import available_actions, create_case
from caseflow.core.db import db
from caseflow.core.errors import Conflict
from caseflow.deadlines import overrides
from caseflow.deadlines.models import Deadline, DeadlineStatus
from tests.deadlines.test_services import INVENTED_2027
from tests.factories.accounts import unit
from tests.factories.cases import advance, complaint

D = dt.date


def penalty_rows(case):
    return list(db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case.id,
                                                             Deadline.rule_id == "PEN_DECISION")))


@pytest.mark.parametrize("kind", ["trademark", "copyright", "patent_counterfeit", "geographical_indication"])
def test_accepting_a_penalty_complaint_starts_the_ninety_days_to_decide(staff, clock, kind):
    clock.set("2026-03-02")
    case = complaint(staff["applicant"], kind=kind)
    assert penalty_rows(case) == []  # the 90 days run from 立案, not from the complaint
    advance(case, ("accept", staff["officer"], {}))
    [row] = penalty_rows(case)
    # 90 natural days end on Sunday 5月31日, so the next working day (行政处罚法 art. 60; 民法典 art. 203).
    assert (row.trigger_date, row.due_date, row.binds, row.status) == (
        D(2026, 3, 2), D(2026, 6, 1), "office", DeadlineStatus.RUNNING)
    assert row.basis == "中华人民共和国行政处罚法（2021年修订）第六十条"
    clock.set("2026-05-29")
    advance(case, ("conclude", staff["officer"], {"outcome": "作出行政处罚决定：责令停止侵权，罚款。"}))
    assert row.status == DeadlineStatus.MET


def test_a_penalty_case_found_ex_officio_has_the_same_limit_and_a_late_decision_is_missed(staff, clock):
    clock.set("2026-03-02")
    officer = staff["officer"]
    found = create_case(
        procedure="complaint", unit=unit("500103"), actor=officer,
        fields={"kind": "trademark", "title": "销售假冒注册商标的商品", "facts": "执法检查中发现。",
                "claims": "依职权查处。", "channel": "ex_officio"},
        parties=[{"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司"}])
    clock.set("2026-03-04")
    advance(found, ("accept", officer, {}))
    [row] = penalty_rows(found)
    assert row.due_date == D(2026, 6, 2)
    clock.set("2026-06-03")
    advance(found, ("conclude", officer, {"outcome": "作出行政处罚决定。"}))
    assert row.status == DeadlineStatus.MISSED


@pytest.mark.parametrize("kind", ["patent_infringement", "other"])
def test_a_dispute_or_other_matter_gets_no_penalty_limit_and_no_gap_is_recorded(staff, clock, kind):
    clock.set("2026-03-02")
    case = complaint(staff["applicant"], kind=kind)
    advance(case, ("accept", staff["officer"], {}))
    assert penalty_rows(case) == []
    assert not [e for e in case.events if e.tag == "case:deadline:unavailable"]


def test_withdrawing_a_filed_penalty_complaint_is_refused_and_the_case_runs_on(staff, clock):
    clock.set("2026-03-02")
    applicant = staff["applicant"]
    before = complaint(applicant, kind="trademark")
    advance(before, ("withdraw", applicant, {"reason": "已与对方和解"}))  # before 受理 the complaint is the applicant's
    assert before.state == "withdrawn"
    filed = complaint(applicant, kind="trademark")
    advance(filed, ("accept", staff["officer"], {}))
    with pytest.raises(Conflict, match="撤回投诉举报不终止行政处罚案件"):
        advance(filed, ("withdraw", applicant, {"reason": "已与对方和解"}))
    [row] = penalty_rows(filed)
    assert (filed.state, row.status) == ("accepted", DeadlineStatus.RUNNING)


def test_the_complainant_is_told_why_a_filed_penalty_complaint_cannot_be_withdrawn(staff, clock, client, web):
    clock.set("2026-03-02")
    applicant = staff["applicant"]
    case = complaint(applicant, kind="trademark")
    web.login(applicant.username)
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/actions/withdraw" in page and "暂不能办理" not in page
    advance(case, ("accept", staff["officer"], {}))
    db.session.flush()
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/actions/withdraw" not in page
    refused = page[page.index("暂不能办理的事项"):page.index("</details>", page.index("暂不能办理的事项"))]
    assert "撤回投诉" in refused and "撤回投诉举报不终止行政处罚案件" in refused


def test_an_upgrade_starts_the_limit_on_penalty_cases_already_filed(app, staff, clock):
    """Cases filed before the rule existed: `flask caseflow deadlines start-added PEN_DECISION` starts it from the
    day of their 受理, once; closed cases, disputes and cases that have the row are left alone."""
    officer = staff["officer"]
    clock.set("2026-01-05")
    old = advance(complaint(staff["applicant"], kind="copyright"), ("accept", officer, {}))
    clock.set("2026-03-02")
    recent = advance(complaint(staff["applicant"], kind="trademark"), ("accept", officer, {}))
    closed = advance(complaint(staff["applicant"], kind="trademark"), ("accept", officer, {}),
                     ("conclude", officer, {"outcome": "已作出处罚决定。"}))
    dispute = advance(complaint(staff["applicant"], kind="patent_infringement"), ("accept", officer, {}))
    for case in (old, recent, closed):  # as if accepted before the upgrade
        for row in penalty_rows(case):
            db.session.delete(row)
    db.session.commit()
    clock.set("2026-04-10")
    result = app.test_cli_runner().invoke(args=["caseflow", "deadlines", "start-added", "PEN_DECISION"])
    assert result.exit_code == 0, result.output
    assert "已补记期限 2 个" in result.output
    [late], [running] = penalty_rows(old), penalty_rows(recent)
    assert (late.trigger_date, late.due_date, late.status) == (D(2026, 1, 5), D(2026, 4, 7), DeadlineStatus.MISSED)
    assert (running.trigger_date, running.due_date, running.status) == (D(2026, 3, 2), D(2026, 6, 1),
                                                                         DeadlineStatus.RUNNING)
    assert "已超期" in result.output and recent.number in result.output
    assert penalty_rows(closed) == [] and penalty_rows(dispute) == []
    assert any(e.tag == "case:deadline:upgrade" for e in recent.events)
    again = app.test_cli_runner().invoke(args=["caseflow", "deadlines", "start-added", "PEN_DECISION"])
    assert "已补记期限 0 个" in again.output


def test_start_added_refuses_an_unknown_or_delivery_started_rule_in_chinese(app):
    result = app.test_cli_runner().invoke(args=["caseflow", "deadlines", "start-added", "NO_SUCH_RULE"])
    assert result.exit_code == 1 and "未知的期限规则" in result.output
    result = app.test_cli_runner().invoke(args=["caseflow", "deadlines", "start-added", "ADJ_ADMIN_SUIT"])
    assert result.exit_code == 1 and "自送达起算" in result.output


def test_a_decision_late_only_by_the_provisional_calendar_is_on_time_once_the_year_is_published(staff, clock):
    """A provisional date errs early (a weekend after 元旦 may be worked): the case decided on the first working day
    after it reads late until the year's schedule is published, then on time."""
    clock.set("2026-10-04")
    case = advance(complaint(staff["applicant"], kind="trademark"), ("accept", staff["officer"], {}))
    [row] = penalty_rows(case)
    assert (row.due_date, row.provisional) == (D(2027, 1, 2), True)  # Saturday: may be a 调休 workday
    clock.set("2027-01-04")
    advance(case, ("conclude", staff["officer"], {"outcome": "作出行政处罚决定。"}))
    assert row.status == DeadlineStatus.MISSED
    overrides.import_calendar(INVENTED_2027, source="测试用虚构安排", actor=staff["admin"])  # Jan 2-3 are rest days
    db.session.commit()
    assert (row.due_date, row.provisional, row.status) == (D(2027, 1, 4), False, DeadlineStatus.MET)


@pytest.mark.parametrize(("kind", "ip_type", "offered"), [
    ("trademark", "trademark", False), ("trademark", "invention", False), ("patent_counterfeit", "invention", False),
    ("copyright", "copyright", False), ("patent_infringement", "invention", True)])
def test_only_a_patent_dispute_is_offered_conversion(staff, kind, ip_type, offered):
    """A penalty matter is handled as it is (or referred): 转立案办理 is not offered only to be refused, even when
    the complaint names a patent right type by mistake."""
    officer = staff["officer"]
    case = advance(complaint(staff["applicant"], kind=kind, ip_type=ip_type), ("accept", officer, {}))
    assert ("convert" in {a.name for a in available_actions(case, officer)}) == offered
    if not offered:
        with pytest.raises(Conflict, match="不能转为专利侵权纠纷行政裁决或者专利纠纷行政调解"):
            advance(case, ("convert", officer, {"procedure": "mediation"}))
        assert case.state == "accepted"
