"""Deadline rows driven through the workflow engine: start, stop, pause, resume, extend, recompute."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caseflow.cases.models import CaseEvent, PartyRole
from caseflow.cases.services import create_case
from caseflow.core import clock as core_clock
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid
from caseflow.deadlines import default_calendar, lifecycle, office_calendar, overrides, reading
from caseflow.deadlines.models import CalendarDay, CalendarYear, DayKind, Deadline, DeadlineStatus
from tests.factories.accounts import unit
from tests.factories.adjudication import docket_data
from tests.factories.cases import advance, complaint

D = dt.date

# An INVENTED 2027 Spring Festival schedule (the real one was not published when this was written):
# 2月5日（除夕）至12日 off, Sunday 1月31日 and Saturday 2月20日 worked.
INVENTED_2027 = [
    (D(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
    (D(2027, 1, 31), DayKind.WORKDAY, "春节"),
    *[(D(2027, 2, d), DayKind.HOLIDAY, "春节") for d in range(5, 13)],
    (D(2027, 2, 20), DayKind.WORKDAY, "春节"),
]


def rows(case, rule_prefix=""):
    return list(db.session.scalars(
        sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.rule_id.startswith(rule_prefix))
        .order_by(Deadline.id)))


def one(case, rule_id):
    found = [d for d in rows(case) if d.rule_id == rule_id]
    assert len(found) == 1, [(d.rule_id, d.status) for d in rows(case)]
    return found[0]


def adjudication(applicant):
    return create_case(
        procedure="adjudication", unit=unit("500103"), actor=applicant,
        fields={"title": "侵犯发明专利权纠纷", "facts": "被请求人制造销售侵权产品。", "claims": "请求责令停止侵权。",
                "kind": "patent_infringement", "ip_type": "invention", "right_number": "ZL202010123456.2"},
        parties=[{"role": PartyRole.CLAIMANT, "name": applicant.display_name, "user_id": applicant.id},
                 {"role": PartyRole.RESPONDENT, "name": "重庆某某制造有限公司"}],
    )


def docketed(staff, clock, on):
    clock.set(on)
    case = adjudication(staff["applicant"])
    # A supervisor dockets directly (the action needs approval only when an officer performs it).
    return advance(case, ("docket", staff["supervisor"], docket_data(case)))


# ---------------------------------------------------------------------------
# The complaint's acceptance period, by kind, restarting after 补正
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "rule_id", "unit_", "due"), [
    # Filed Thursday 2026-09-24: 9月25日至27日 (中秋) and 10月1日至7日 (国庆) are off, Saturday 10月10日 is worked.
    ("patent_infringement", "CPL_ACCEPT_PATENT_INFRINGEMENT", "working_days", D(2026, 10, 9)),
    ("patent_counterfeit", "CPL_ACCEPT_PATENT_COUNTERFEIT", "working_days", D(2026, 10, 15)),
    ("trademark", "CPL_ACCEPT_TRADEMARK", "working_days", D(2026, 10, 22)),
    ("geographical_indication", "CPL_ACCEPT_GEOGRAPHICAL_INDICATION", "working_days", D(2026, 10, 22)),
    ("other", "CPL_ACCEPT_OTHER", "working_days", D(2026, 10, 22)),
    # 15 natural days → 10月9日, a working day.
    ("copyright", "CPL_ACCEPT_COPYRIGHT", "days", D(2026, 10, 9)),
])
def test_complaint_acceptance_deadline_by_kind(staff, clock, kind, rule_id, unit_, due):
    clock.set("2026-09-24")
    case = complaint(staff["applicant"], kind=kind)
    d = one(case, rule_id)
    assert (d.unit, d.due_date, d.status, d.provisional, d.binds) == (
        unit_, due, DeadlineStatus.RUNNING, False, "office")
    assert d.trigger_date == D(2026, 9, 24) and d.started_by == "create"
    assert d.explanation.endswith(f"→ {due.isoformat()}")
    assert "chinesecalendar" in d.calendar_version


def test_design_example_explanation(staff, clock):
    clock.set("2026-09-24")
    d = one(complaint(staff["applicant"]), "CPL_ACCEPT_PATENT_INFRINGEMENT")
    assert d.explanation == ("收到投诉之日 2026-09-24 起 5 个工作日；"
                             "9月25日至27日、10月1日至7日为法定节假日 → 2026-10-09")


def test_correction_restarts_the_acceptance_clock(staff, clock):
    officer, applicant = staff["officer"], staff["applicant"]
    clock.set("2026-03-02")
    case = complaint(applicant)
    first = one(case, "CPL_ACCEPT_PATENT_INFRINGEMENT")
    assert first.due_date == D(2026, 3, 9)

    clock.set("2026-03-04")
    advance(case, ("request_correction", officer, {"items": "请补充专利权评价报告。"}))
    assert (first.status, first.ended_by) == (DeadlineStatus.MET, "request_correction")
    correction = one(case, "CPL_CORRECTION")
    # A party period waits for the delivery date; until the notices domain records it, the action date counts.
    assert correction.trigger_estimated and "送达日期尚未登记" in correction.explanation
    assert (correction.binds, correction.due_date) == ("party", D(2026, 3, 19))

    clock.set("2026-03-16")
    advance(case, ("resubmit", applicant, {"note": "已补充评价报告。"}))
    assert correction.status == DeadlineStatus.MET
    accept = [d for d in rows(case, "CPL_ACCEPT") if d.id != first.id]
    assert len(accept) == 1
    # The clock restarts from the day the complete materials arrive: 5 working days from 3月16日.
    assert (accept[0].trigger_date, accept[0].due_date, accept[0].status) == (
        D(2026, 3, 16), D(2026, 3, 23), DeadlineStatus.RUNNING)

    clock.set("2026-03-20")
    advance(case, ("accept", officer, {}))
    assert accept[0].status == DeadlineStatus.MET and accept[0].met_at is not None


def test_reject_after_correction_waits_for_the_period(staff, clock):
    officer, supervisor = staff["officer"], staff["supervisor"]
    clock.set("2026-03-02")
    case = complaint(staff["applicant"])
    advance(case, ("request_correction", officer, {"items": "补充材料"}))
    assert not lifecycle.deadline_passed(case, "CPL_CORRECTION")
    with pytest.raises(Conflict, match="补正期限尚未届满"):
        advance(case, ("reject", supervisor, {"reason": "未补正"}))
    clock.set("2026-03-18")  # due 3月17日
    assert lifecycle.deadline_passed(case, "CPL_CORRECTION")
    advance(case, ("reject", supervisor, {"reason": "逾期未补正"}))
    d = one(case, "CPL_CORRECTION")
    # The party's period lapsed (audited as 已届满), then the rejection ended it.
    assert (d.status, d.ended_by, d.met_at) == (DeadlineStatus.MISSED, "reject", None)
    assert any(e.tag == "case:deadline:missed" and "已届满" in e.summary for e in case.events)


def test_late_acceptance_is_missed_and_withdrawal_cancels(staff, clock):
    clock.set("2026-03-02")
    late = complaint(staff["applicant"])
    clock.set("2026-03-12")  # due 3月9日
    advance(late, ("accept", staff["officer"], {}))
    d = one(late, "CPL_ACCEPT_PATENT_INFRINGEMENT")
    assert (d.status, d.ended_by) == (DeadlineStatus.MISSED, "accept") and d.met_at is not None

    clock.set("2026-03-02")
    withdrawn = complaint(staff["applicant"])
    advance(withdrawn, ("withdraw", staff["applicant"], {"reason": "已和解"}))
    d = one(withdrawn, "CPL_ACCEPT_PATENT_INFRINGEMENT")
    # The office neither met nor missed a period the complainant ended.
    assert (d.status, d.met_at, d.ended_by) == (DeadlineStatus.CANCELLED, None, "withdraw")


def test_mark_missed_persists_and_audits_once(staff, clock):
    clock.set("2026-03-02")
    case = complaint(staff["applicant"])
    d = one(case, "CPL_ACCEPT_PATENT_INFRINGEMENT")
    clock.set("2026-03-09")
    assert lifecycle.mark_missed() == [] and reading.effective_status(d) == DeadlineStatus.RUNNING
    clock.set("2026-03-10")
    assert reading.effective_status(d) == DeadlineStatus.MISSED  # read side, no write
    assert d.status == DeadlineStatus.RUNNING
    assert lifecycle.mark_missed() == [d] and d.status == DeadlineStatus.MISSED
    assert lifecycle.mark_missed() == []
    tags = [e.tag for e in db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id))]
    assert tags.count("case:deadline:missed") == 1


# ---------------------------------------------------------------------------
# The adjudication clock: pause, resume, extend, close
# ---------------------------------------------------------------------------


def test_docket_starts_serve_and_case_limit(staff, clock):
    case = docketed(staff, clock, "2026-03-04")
    docket = one(case, "ADJ_DOCKET")
    assert docket.status == DeadlineStatus.MET
    serve = one(case, "ADJ_SERVE_REQUEST")
    limit = one(case, "ADJ_CASE_LIMIT")
    assert (serve.due_date, limit.due_date) == (D(2026, 3, 11), D(2026, 6, 4))
    assert limit.basis.endswith("第三十七条")  # 局令81, in force on the docket date


def test_suspension_moves_the_case_limit_by_the_paused_days_then_rolls(staff, clock):
    officer = staff["officer"]
    case = docketed(staff, clock, "2026-03-04")
    limit = one(case, "ADJ_CASE_LIMIT")
    assert limit.due_date == D(2026, 6, 4)
    advance(case, ("serve_respondent", officer, {}), ("record_answer", officer, {"answer": "不构成侵权。"}))

    clock.set("2026-04-01")
    advance(case, ("suspend", officer, {"reason": "depends"}))
    assert limit.status == DeadlineStatus.PAUSED
    assert limit.pauses == [{"from": "2026-04-01", "to": None, "key": "suspension",
                             "reason": "中止处理：本案必须以另一案的审理结果为依据，而另一案尚未审结"
                                       "（第二十八条第（六）项）"}]
    assert lifecycle.mark_missed() == []

    clock.set("2026-04-11")
    advance(case, ("resume", officer, {}))
    assert case.state == "examination"
    assert (limit.status, limit.paused_days) == (DeadlineStatus.RUNNING, 10)
    # 6月4日 + 10 natural days = 6月14日, a Sunday → the next working day.
    assert limit.due_date == D(2026, 6, 15)
    assert "暂停期间 2026-04-01 至 2026-04-11（10 日" in limit.explanation
    assert "另加暂停期间 10 日为 2026-06-14；6月14日为休息日，顺延至下一个工作日 → 2026-06-15" in limit.explanation

    # Resumed means running again: the clock runs out and is missed like any other.
    clock.set("2026-06-16")
    assert lifecycle.mark_missed() == [limit]


@pytest.mark.parametrize(("settlement", "status", "paused"), [
    ("yes", DeadlineStatus.MET, 58),  # the parties agreed to 和解: the clock stood still (局令81 art. 37)
    ("no", DeadlineStatus.MISSED, 0),  # office-led mediation alone is no excluded period
])
def test_mediation_inside_adjudication_pauses_only_for_settlement_talks(staff, clock, settlement, status, paused):
    officer = staff["officer"]
    case = docketed(staff, clock, "2026-03-04")
    advance(case, ("serve_respondent", officer, {}), ("record_answer", officer, {"answer": "答辩"}))
    clock.set("2026-05-04")
    advance(case, ("start_mediation", officer, {"settlement": settlement}))
    clock.set("2026-07-01")  # after the original due date
    advance(case, ("record_settlement", officer, {"terms": "赔偿并停止销售。"}),
            # The settlement takes effect, and meets the case limit, on the second signature (局令81 art. 35).
            ("record_signature", officer, {"side": "claimant"}), ("record_signature", officer, {"side": "respondent"}))
    limit = one(case, "ADJ_CASE_LIMIT")
    assert (limit.status, limit.paused_days) == (status, paused)
    # Nothing else is left open on a settled case.
    assert all(d.ended_at is not None for d in rows(case))


def test_extension_follows_the_rule_policy(staff, clock):
    supervisor = staff["supervisor"]
    case = docketed(staff, clock, "2026-03-04")
    limit = one(case, "ADJ_CASE_LIMIT")
    clock.set("2026-05-20")
    advance(case, ("extend", supervisor, {"reason": "案情复杂，需要鉴定"}))
    assert limit.due_date == D(2026, 7, 6)  # 4 months → 7月4日 (Saturday) → 7月6日
    assert limit.extensions[0]["approver"] == "department_head"
    assert limit.explanation.startswith("法定期限 3 个月，经批准延长 1 个月；")
    from tests.factories.accounts import UserFactory

    city = UserFactory(supervisor=True, staff_unit="500000")  # the second step is the superior office's
    advance(case, ("extend", city, {"reason": "特别复杂"}))
    assert limit.due_date == D(2026, 9, 4)  # + 2 months (superior department)
    with pytest.raises(Conflict, match="已无可批准的延长"):
        advance(case, ("extend", city, {"reason": "再次延长"}))
    tags = [e.tag for e in db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id))]
    assert tags.count("case:deadline:extend") == 2


def test_decision_meets_the_limit_and_starts_publication(staff, clock):
    officer, supervisor = staff["officer"], staff["supervisor"]
    case = docketed(staff, clock, "2026-03-04")
    advance(case, ("serve_respondent", officer, {}), ("record_answer", officer, {"answer": "答辩"}))
    clock.set("2026-05-29")
    advance(case, ("deliberate", officer, {"outcome": "infringement", "opinion": "落入保护范围"}),
            ("decide", supervisor, {"outcome": "infringement", "reasons": "落入保护范围",
                                          "measures": "立即停止销售被诉侵权产品"}))
    assert one(case, "ADJ_CASE_LIMIT").status == DeadlineStatus.MET
    publication = one(case, "ADJ_PUBLICATION")
    # Started by the closing action itself, so the close leaves it running.
    assert publication.status == DeadlineStatus.RUNNING and publication.ended_at is None


def test_revocation_cancels_what_it_does_not_stop(staff, clock):
    case = docketed(staff, clock, "2026-03-04")
    advance(case, ("revoke", staff["supervisor"], {"reason": "请求人撤回请求"}))
    assert one(case, "ADJ_CASE_LIMIT").status == DeadlineStatus.MET
    serve = one(case, "ADJ_SERVE_REQUEST")
    assert (serve.status, serve.ended_by) == (DeadlineStatus.CANCELLED, "terminal")


def test_answer_period_rebased_on_the_recorded_delivery(staff, clock):
    officer = staff["officer"]
    case = docketed(staff, clock, "2026-03-04")
    clock.set("2026-03-05")
    advance(case, ("serve_respondent", officer, {}))
    answer = one(case, "ADJ_ANSWER")
    assert answer.trigger_estimated and answer.due_date == D(2026, 3, 20)
    assert not lifecycle.deadline_passed(case, "ADJ_ANSWER")
    clock.set("2026-03-10")
    with pytest.raises(Invalid):
        lifecycle.start_party_deadline(case, "ADJ_ANSWER", D(2026, 3, 11), officer)
    lifecycle.start_party_deadline(case, "ADJ_ANSWER", D(2026, 3, 9), officer)
    # 15 days from delivery on 3月9日 = 3月24日.
    assert (answer.trigger_date, answer.due_date, answer.trigger_estimated) == (D(2026, 3, 9), D(2026, 3, 24), False)
    assert answer.explanation.startswith("被请求人收到请求书副本之日 2026-03-09 起 15 日")
    assert one(case, "ADJ_ANSWER") is answer
    clock.set("2026-03-25")
    advance(case, ("close_answer_period", officer, {}))
    assert (answer.status, answer.met_at, case.state) == (DeadlineStatus.MISSED, None, "examination")


def test_hours_period_for_a_police_referral(staff, clock):
    officer, supervisor = staff["officer"], staff["supervisor"]
    clock.set("2026-03-02")
    case = complaint(staff["applicant"])
    advance(case, ("accept", officer, {}))
    advance(case, ("refer", supervisor, {"kind": "police", "target": "渝中区公安分局", "reason": "涉嫌假冒专利罪"}))
    referral = case.children[0]
    # The head's 3 days run from the special team's written report (国务院令310 art. 5).
    advance(referral, ("submit_report", officer, {"team": [officer.username, supervisor.username],
                                                  "threshold": "reasonable_suspicion", "report": "涉嫌假冒专利罪。"}))
    assert one(referral, "REF_APPROVE").due_date == D(2026, 3, 5)
    clock.set("2026-03-03", hour=15)
    advance(referral, ("approve", supervisor, {}))
    transfer = one(referral, "REF_TRANSFER")
    assert transfer.due_at == dt.datetime(2026, 3, 4, 7, tzinfo=dt.UTC)  # 15:00 Beijing + 24 hours
    assert reading.deadlines_json(referral)[0]["due"] == "2026-03-04T15:00:00+08:00"


# ---------------------------------------------------------------------------
# Calendar publication: provisional dates recomputed and audited
# ---------------------------------------------------------------------------


def test_period_into_2027_is_provisional_then_recomputed_on_import(staff, clock):
    case = docketed(staff, clock, "2026-11-05")
    limit = one(case, "ADJ_CASE_LIMIT")
    # 3 months → 2027-02-05, 除夕 by the statutory rule; 2月5日至8日 rest → 2月9日, provisional.
    assert (limit.due_date, limit.provisional) == (D(2027, 2, 9), True)
    assert "2027 年放假安排尚未发布" in limit.explanation
    serve = one(case, "ADJ_SERVE_REQUEST")
    assert serve.provisional is False

    change = overrides.import_calendar(INVENTED_2027, source="测试用虚构安排", actor=staff["admin"])
    db.commit()
    assert (change.years, change.days, change.recomputed) == ([2027], 11, 1)
    assert (limit.due_date, limit.provisional) == (D(2027, 2, 15), False)
    assert "2027年2月5日至14日为法定节假日" in limit.explanation
    assert limit.calendar_version.endswith("2027年：本局发布的放假安排")
    event = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                          CaseEvent.tag == "case:deadline:recompute")).one()
    assert event.data["old_due"] == "2027-02-09" and event.data["new_due"] == "2027-02-15"
    assert "2027年放假安排已发布" in event.summary and event.actor_id == staff["admin"].id
    # The process calendar was swapped after the commit, so later computations use the published year.
    assert not default_calendar().day(D(2027, 2, 1)).provisional


def test_draft_year_changes_nothing_until_published(staff, clock):
    case = docketed(staff, clock, "2026-11-05")
    limit = one(case, "ADJ_CASE_LIMIT")
    change = overrides.add_day(D(2027, 2, 9), DayKind.HOLIDAY, "春节", actor=staff["admin"])
    assert (change.days, change.recomputed) == (0, 0)
    assert limit.due_date == D(2027, 2, 9) and limit.provisional
    change = overrides.set_published(2027, True, actor=staff["admin"])
    db.commit()
    # Only 2月9日 was entered: the published year has no 除夕 holiday, so 2月5日 (Friday) is a working day.
    assert change.recomputed == 1 and (limit.due_date, limit.provisional) == (D(2027, 2, 5), False)
    change = overrides.set_published(2027, False, actor=staff["admin"])
    db.commit()
    assert change.recomputed == 1 and (limit.due_date, limit.provisional) == (D(2027, 2, 9), True)
    assert db.session.scalar(sa.select(CalendarYear.published_at).where(CalendarYear.year == 2027)) is None


def test_missed_on_a_provisional_calendar_runs_again_when_publication_gives_time(staff, clock):
    case = docketed(staff, clock, "2026-11-05")
    limit = one(case, "ADJ_CASE_LIMIT")
    clock.set("2027-02-10")
    lifecycle.mark_missed()
    assert limit.status == DeadlineStatus.MISSED
    overrides.import_calendar(INVENTED_2027, source="测试用虚构安排", actor=None)
    assert (limit.status, limit.due_date) == (DeadlineStatus.RUNNING, D(2027, 2, 15))


def test_parse_calendar_file_reports_bad_lines_in_chinese():
    ok = overrides.parse_calendar_file("x.csv", "date,kind,name\n2027-10-01,holiday,国庆节\n2027-10-09,workday,国庆节\n"
                                      .encode())
    assert ok == [(D(2027, 10, 1), DayKind.HOLIDAY, "国庆节"), (D(2027, 10, 9), DayKind.WORKDAY, "国庆节")]
    as_json = overrides.parse_calendar_file("x.json", b'[{"date": "2027-10-01", "kind": "holiday", "name": "x"}]')
    assert as_json == [(D(2027, 10, 1), DayKind.HOLIDAY, "x")]
    for content, message in [
        (b"2027-13-01,holiday,x\n", "第 1 行：日期“2027-13-01”无效"),
        (b"2027-10-01,vacation,x\n", "类型“vacation”无效"),
        (b"2027-10-01,holiday,x\n2027-10-01,holiday,y\n", "第 2 行：日期 2027-10-01 重复"),
        (b"2027-10-04,workday,x\n", "调休上班日应为周六或周日"),
        (b"date,kind,name\n", "文件中没有任何日期"),
        (b'{"date": "2027-10-01"}', "JSON 应为列表"),
        (b"\xff\xfe", "UTF-8"),
    ]:
        with pytest.raises(Invalid, match=message):
            overrides.parse_calendar_file("x.csv", content)


def test_app_start_loads_only_published_years(databases, monkeypatch):
    from caseflow.core.db import make_engine

    url = databases.migrated("calendar")
    engine = make_engine(url)
    with Session(engine) as s:
        s.add_all([
            CalendarYear(year=2027, published_at=core_clock.now(), source="测试"),
            CalendarYear(year=2028, source="草稿"),
            CalendarDay(date=D(2027, 10, 4), kind=DayKind.HOLIDAY, name="国庆节", source="测试"),
            CalendarDay(date=D(2028, 10, 4), kind=DayKind.HOLIDAY, name="国庆节", source="草稿"),
        ])
        s.commit()
    monkeypatch.setattr(db, "engine", engine)
    office_calendar.load_calendar_at_start()
    cal = default_calendar()
    assert cal.override_years == {2027}
    assert cal.day(D(2027, 10, 4)).is_holiday and cal.day(D(2027, 10, 4)).name == "国庆节"
    assert not cal.day(D(2027, 6, 1)).provisional
    assert cal.is_workday(D(2028, 10, 4)) and cal.day(D(2028, 10, 4)).provisional
    engine.dispose()

    # A database not migrated yet leaves the calendar alone instead of failing the app start.
    bare = make_engine(databases.new_url("bare"))
    monkeypatch.setattr(db, "engine", bare)
    office_calendar.load_calendar_at_start()
    assert default_calendar() is cal
    bare.dispose()


def test_extension_requested_by_an_officer_runs_on_approval(staff, clock):
    from caseflow.approvals.services import approve_request
    from caseflow.cases.services import perform

    officer, supervisor = staff["officer"], staff["supervisor"]
    case = docketed(staff, clock, "2026-03-04")
    limit = one(case, "ADJ_CASE_LIMIT")
    from caseflow.core.errors import Forbidden
    from tests.factories.accounts import UserFactory

    city = UserFactory(supervisor=True, staff_unit="500000")
    # The first step is the head's (the district supervisor); the second the superior office's (局令81 art. 37).
    for expected, approver in ((D(2026, 7, 6), supervisor), (D(2026, 9, 4), city)):
        outcome = perform(case, "extend", actor=officer, data={"version": case.version, "reason": "案情复杂"})
        assert outcome.status == 202 and limit.due_date != expected
        if approver is city:
            with pytest.raises(Forbidden):
                approve_request(outcome.approval, actor=supervisor)
        assert approve_request(outcome.approval, actor=approver).failed is None
        assert limit.due_date == expected and limit.extensions[-1]["by"] == officer.username
    # No step left: the request is refused at once, the date unchanged.
    with pytest.raises(Conflict, match="已无可批准的延长"):
        perform(case, "extend", actor=officer, data={"version": case.version, "reason": "再次延长"})
    assert limit.due_date == D(2026, 9, 4) and len(limit.extensions) == 2


def test_a_rule_gap_is_audited_not_fatal(staff, clock):
    clock.set("2026-03-02")
    case = complaint(staff["applicant"], kind=None)  # no kind, so no acceptance rule applies
    assert rows(case) == []
    event = [e for e in case.events if e.tag == "case:deadline:unavailable"]
    assert len(event) == 1 and "CPL_ACCEPT" in event[0].summary and event[0].data == {"rule": "CPL_ACCEPT"}
