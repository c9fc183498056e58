"""口头审理 scheduling: the 3-working-day notice (局令81 art. 26) enforced by the engine; rooms, panel members and
parties cannot be double-booked; remote hearings need a link; postponement; the record; the calendar page."""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import escape

from caseflow.accounts.models import Role
from caseflow.cases.models import PartyRole
from caseflow.cases.services import create_case
from caseflow.core import clock
from caseflow.core.errors import Conflict, Invalid
from caseflow.deadlines.calendar import default_calendar
from caseflow.hearings import services
from tests.factories.accounts import UserFactory, unit
from tests.factories.adjudication import docket_data, hold_on_the_day
from tests.factories.cases import act

pytestmark = pytest.mark.usefixtures("session")

FIELDS = {"kind": "patent_infringement", "ip_type": "invention", "right_number": "ZL202010123456.2",
          "title": "发明专利侵权纠纷", "facts": "f", "claims": "c", "channel": "online"}


@pytest.fixture
def people(session):
    return {
        "applicant": UserFactory(organisation=True),
        "officer": UserFactory(officer=True), "officer2": UserFactory(officer=True),
        "officer3": UserFactory(officer=True), "officer4": UserFactory(officer=True),
        "officer5": UserFactory(officer=True), "officer6": UserFactory(officer=True),
        "supervisor": UserFactory(supervisor=True),
        "respondent": UserFactory(role=Role.RESPONDENT),
        "other_district": UserFactory(officer=True, staff_unit="500105"),
    }


def examined(people, members, *, claimant="请求人甲公司", respondent="被请求人乙公司"):
    case = create_case(procedure="adjudication", unit=unit("500103"), actor=people["applicant"], fields=FIELDS,
                       parties=[{"role": PartyRole.CLAIMANT, "name": claimant},
                                {"role": PartyRole.RESPONDENT, "name": respondent}])
    act(case, "docket", people["supervisor"], **docket_data(case, [people[m].username for m in members]))
    act(case, "serve_respondent", people["officer"])
    act(case, "record_answer", people["officer"], answer="不侵权")
    return case


def weekday_ahead(days: int) -> dt.date:
    day = clock.today() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def room(session):
    return services.add_room(unit("500103"), "T1", "第一审理庭")


PANEL_A = ("officer", "officer2", "officer3")
PANEL_B = ("officer4", "officer5", "officer6")


@pytest.mark.parametrize(("clear", "whole_days"), [(True, 3), (False, 2)])
def test_notice_must_precede_the_hearing_by_three_working_days(people, room, app, monkeypatch, clear, whole_days):
    """局令81 art. 26, "至少在口头审理3个工作日前": by default (the cautious reading) three whole working days lie
    between a notice given today and the hearing; an office may read it as the third working day before."""
    monkeypatch.setitem(app.config, "HEARING_NOTICE_CLEAR_DAYS", clear)
    case = examined(people, PANEL_A)
    today = clock.today()

    def between(day):  # whole working days after today and before the hearing
        cal = default_calendar()
        return sum(cal.day(today + dt.timedelta(days=i)).worked(False) for i in range(1, (day - today).days))

    earliest = today + dt.timedelta(days=1)
    while not (default_calendar().is_workday(earliest) and between(earliest) >= whole_days):
        earliest += dt.timedelta(days=1)
    too_soon = earliest - dt.timedelta(days=1)
    while not default_calendar().is_workday(too_soon):
        too_soon -= dt.timedelta(days=1)
    with pytest.raises(Conflict, match="三个工作日"):
        act(case, "schedule_hearing", people["officer"], hearing_date=too_soon.isoformat(), room="T1")
    assert case.state == "examination"
    act(case, "schedule_hearing", people["officer"], hearing_date=earliest.isoformat(), room="T1")
    assert case.state == "hearing_scheduled"


def test_a_booked_room_is_refused(people, room):
    day = weekday_ahead(10)
    a = examined(people, PANEL_A)
    act(a, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), start_time="09:00", hours="3",
        room="T1")
    b = examined(people, PANEL_B, claimant="丙公司", respondent="丁公司")
    with pytest.raises(Conflict, match="审理庭“第一审理庭”"):
        act(b, "schedule_hearing", people["officer4"], hearing_date=day.isoformat(), start_time="11:00", room="T1")
    # After the first one ends the room is free.
    found = services.conflicts(starts=services._moment(day, "12:00"), ends=services._moment(day, "15:00"),
                               room=room, members=[], keys=[], case_id=None)
    assert found == []


def test_a_panel_member_booked_elsewhere_is_refused(people, room):
    services.add_room(unit("500103"), "T2", "第二审理庭")
    day = weekday_ahead(10)
    a = examined(people, PANEL_A)
    act(a, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), start_time="09:00", room="T1")
    b = examined(people, ("officer3", "officer4", "officer5"), claimant="丙公司", respondent="丁公司")
    with pytest.raises(Conflict) as exc:
        act(b, "schedule_hearing", people["officer4"], hearing_date=day.isoformat(), start_time="10:00", room="T2")
    assert people["officer3"].username in exc.value.message and "合议组成员" in exc.value.message


def test_a_party_booked_elsewhere_is_refused(people, room):
    day = weekday_ahead(10)
    a = examined(people, PANEL_A)
    act(a, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), start_time="09:00", room="T1")
    b = examined(people, PANEL_B, claimant="丙公司")  # the same respondent
    with pytest.raises(Conflict, match="当事人 被请求人乙公司"):
        act(b, "schedule_hearing", people["officer4"], hearing_date=day.isoformat(), start_time="10:00",
            mode="remote", link="https://meeting.example.cn/123")


def test_remote_hearing_needs_a_link_and_takes_no_room(people, room):
    day = weekday_ahead(10)
    case = examined(people, PANEL_A)
    with pytest.raises(Invalid):
        act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), mode="remote")


def test_a_link_is_only_ever_a_web_address(people, room):
    """Parties open the link from the portal: a javascript: or data: link is refused in any mode."""
    day = weekday_ahead(10)
    for mode, link in (("remote", "javascript:alert(1)"), ("in_person", "data:text/html,x"),
                       ("remote", "ftp://example.cn/x")):
        case = examined(people, PANEL_A)
        with pytest.raises(Invalid, match="https://"):
            act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), mode=mode, room="T1",
                link=link)


def test_remote_hearing_scheduled(people, room):
    day = weekday_ahead(10)
    case = examined(people, PANEL_A)
    act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), mode="remote",
        link="https://meeting.example.cn/abc")
    [h] = services.of_case(case)
    assert h.mode == "remote" and h.room is None and h.link.endswith("/abc")


def test_in_person_needs_a_room_when_the_office_has_rooms(people, room):
    case = examined(people, PANEL_A)
    with pytest.raises(Invalid):
        act(case, "schedule_hearing", people["officer"], hearing_date=weekday_ahead(10).isoformat())


def test_postponement_and_the_record(people, room, notices_of):
    case = examined(people, PANEL_A)
    act(case, "schedule_hearing", people["officer"], hearing_date=weekday_ahead(10).isoformat(), room="T1")
    act(case, "request_postponement", people["officer"], reason="代理人出差")
    with pytest.raises(Conflict, match="三个工作日"):
        act(case, "postpone_hearing", people["officer"], hearing_date=(clock.today() + dt.timedelta(days=1))
            .isoformat(), reason="代理人出差")
    act(case, "postpone_hearing", people["officer"], hearing_date=weekday_ahead(20).isoformat(), reason="代理人出差")
    old, new = services.of_case(case)
    assert old.status == "postponed" and new.status == "scheduled" and new.room.code == "T1"
    assert len(notices_of(case, "hearing_notice")) == 2
    hold_on_the_day(case, people["officer"], record="到庭", requester_attended="yes", respondent_attended="no")
    db_new = services.of_case(case)[1]
    assert db_new.status == "held" and db_new.attendance == {"requester_attended": "yes",
                                                             "respondent_attended": "no"}
    # A requester's absence is revoked as a withdrawal (art. 26) by the revoke action.
    act(case, "revoke", people["supervisor"], reason="请求人无正当理由拒不参加口头审理", ground="requester_absent")
    assert case.state == "revoked"


def test_calendar_page_lists_the_office_hearings(people, room, web):
    day = weekday_ahead(10)
    case = examined(people, PANEL_A)
    act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), room="T1")
    web.login(people["officer"].username)
    r = web.get(f"/hearings/calendar?unit=500103&from={day.isoformat()}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert case.number in html and "第一审理庭" in html
    assert "、".join(escape(people[u].display_name) for u in PANEL_A) in html
    r = web.get(f"/cases/{case.id}")
    assert r.status_code == 200 and 'id="hearings"' in r.get_data(as_text=True)
    # The panel is named as people read it, not by the accounts' usernames.
    panel = r.get_data(as_text=True).split('id="panel-members">', 1)[1].split("</dd>", 1)[0]
    assert panel == "、".join(escape(people[u].display_name) for u in PANEL_A)


def test_calendar_is_staff_only_and_scoped(people, web):
    web.login(people["other_district"].username)
    assert web.get("/hearings/calendar?unit=500103").status_code == 404
    assert web.get("/hearings/calendar").status_code == 200


def test_rooms_page_supervisor_adds_a_room(people, web):
    web.login(people["supervisor"].username)
    r = web.post_form("/hearings/rooms", {"code": "T9", "name": "第九审理庭"})
    assert r.status_code in (200, 302)
    assert "第九审理庭" in web.get("/hearings/rooms").get_data(as_text=True)
    [r9] = [r for r in services.rooms(unit("500103")) if r.code == "T9"]
    assert r9.name == "第九审理庭"


def test_rooms_page_officer_cannot_add(people, web):
    web.login(people["officer"].username)
    assert web.post_form("/hearings/rooms", {"code": "T8", "name": "x"}).status_code == 403
