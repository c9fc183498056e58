"""Rendering a page costs a bounded number of SQL statements, whatever the case holds.

Each page kind is rendered twice: with few items (hearings, evidence, documents, deliveries, events, cases in a
queue) and with many. The number of statements must be the same — a statement per row (an N+1) makes the
second count larger — and stay under a small ceiling. Data is made through the services, as the application does.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from caseflow.accounts.models import Role
from caseflow.cases.models import PartyRole
from caseflow.cases.services import create_case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import DomainError
from tests.cases.samples import ADJ_FIELDS, MED_BODY
from tests.factories.accounts import UserFactory, unit
from tests.factories.adjudication import docket_data
from tests.factories.cases import act
from tests.querycount import counting

FEW, MANY = 2, 12

#: The most statements a page may send (loading the signed-in user and the access log's write included).
CEILING = {"adjudication": 13, "complaint": 12, "mediation": 14, "injunction": 13, "referral": 13,
           "portal": 14, "queue": 4}



@pytest.fixture
def people(session):
    return {
        "applicant": UserFactory(organisation=True, display_name="重庆山城科技有限公司"),
        "respondent": UserFactory(role=Role.RESPONDENT, display_name="重庆某某商贸有限公司"),
        "officer": UserFactory(officer=True, username="page-officer"),
        "mediator": UserFactory(mediator=True),
        "supervisor": UserFactory(supervisor=True, username="page-supervisor"),
    }


@pytest.fixture(autouse=True)
def injunctions_on(app, monkeypatch):
    """The office runs 先行禁令 (off by default): the complaint's page shows a linked injunction."""
    monkeypatch.setitem(app.config, "INJUNCTION_ENABLED", True)


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    from caseflow.evidence.storage import LocalStorage

    previous = app.extensions.get("caseflow_storage")
    app.extensions["caseflow_storage"] = LocalStorage(tmp_path / "storage")
    yield
    app.extensions["caseflow_storage"] = previous


_SLOTS = itertools.count(14, 7)  # each booking its own weekday: no room, member or party is booked twice


def weekday_ahead(days: int) -> dt.date:
    day = clock.today() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def add_evidence(case, actor, n: int) -> list:
    """n evidence records (their bytes are not needed to render the page), one of them corrected."""
    from caseflow.evidence import services
    from caseflow.evidence.services import StoredUpload

    out = []
    for i in range(n):
        stored = StoredUpload(f"{case.id:08d}{i:056d}", 1000 + i, "application/pdf", f"证据{i}.pdf", True)
        fields = services.clean_fields({"title": f"购买发票{i}", "kind": "documentary"}, actor=actor)
        out.append(services.create_evidence(case, stored, actor=actor, fields=fields))
    stored = StoredUpload(f"{case.id:08d}{'f' * 56}", 999, "image/png", "更正.png", True)
    services.create_evidence(case, stored, actor=actor, fields={}, replaces=out[0])
    return out


def add_notices(case, people, n: int, *, deliver_to=None) -> None:
    """n documents drafted by hand; with ``deliver_to`` (a party) each is issued and served on it."""
    from caseflow.notices import catalogue, deliveries, drafting, issuing

    kinds = [k.code for k in catalogue.hand_draftable(case, ())]
    for i in range(n):
        notice = drafting.draft_manual(case, kinds[i % len(kinds)], actor=people["officer"])
        if deliver_to is not None and deliver_to.id in (notice.recipient_party_ids or {}).get("ids", []):
            try:
                issuing.issue(notice, actor=people["supervisor"])
            except DomainError:  # a kind whose parts need typing first: left as a draft
                continue
            deliveries.record_delivery(notice, actor=people["officer"], method="direct", party_id=deliver_to.id,
                                       delivered_on=clock.today())


def adjudication(people, n: int):
    """An adjudication in examination with n hearings (each with a linked 笔录), n evidence, n documents."""
    from caseflow.hearings import services as hearings

    members = [UserFactory(officer=True).username for _ in range(2)] + [people["officer"].username]
    case = create_case(procedure="adjudication", unit=unit("500103"), actor=people["applicant"], fields=ADJ_FIELDS,
                       parties=[{"role": PartyRole.CLAIMANT, "name": "重庆山城科技有限公司",
                                 "user_id": people["applicant"].id},
                                {"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司"}])
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    act(case, "docket", people["supervisor"], **docket_data(case, members))
    act(case, "serve_respondent", people["officer"])
    act(case, "record_answer", people["officer"], answer="不侵权")
    if hearings.room_by_code(case.unit, "T1") is None:
        hearings.add_room(case.unit, "T1", "第一审理庭", address="渝中区")
    evidence = add_evidence(case, people["officer"], n)
    for i in range(n):
        h = hearings.schedule(case, actor=people["officer"], day=weekday_ahead(next(_SLOTS)), start_time="09:30",
                              room_code="T1")
        hearings.link_evidence(h, evidence[i], role="record", actor=people["officer"])
    claimant = next(p for p in case.parties if p.role == PartyRole.CLAIMANT)
    add_notices(case, people, n, deliver_to=claimant)
    db.session.flush()
    return case


def complaint(people, n: int):
    """An accepted complaint with an injunction and a referral started from it, n evidence, n documents."""
    from tests.factories.cases import complaint as file_complaint

    case = file_complaint(people["applicant"])
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    act(case, "accept", people["officer"])
    add_evidence(case, people["officer"], n)
    act(case, "request_injunction", people["officer"], reason="展会期间持续销售侵权产品。")
    act(case, "start_referral", people["officer"], kind="police", target="重庆市公安局渝中区分局",
        reason="涉嫌假冒专利罪。", parent_effect="continue")
    add_notices(case, people, n)
    db.session.flush()
    return case


def child(case, procedure: str):
    return next(c for c in case.children if c.procedure == procedure)


def injunction(people, n: int):
    """An issued injunction with n compliance checks, each citing evidence."""
    parent = complaint(people, n)
    case = child(parent, "injunction")
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    evidence = add_evidence(case, people["officer"], n)
    act(case, "propose_issue", people["supervisor"], findings="现有证据证明被请求人正在销售侵权产品。",
        measures=["stop_selling"], products="空气净化器")
    for i in range(n):
        act(case, "record_compliance", people["officer"], checked_on=clock.today().isoformat(), method="onsite",
            result=f"第{i + 1}次检查：已停止销售。", evidence=str(evidence[i].number))
    add_notices(case, people, n)
    return case


def referral(people, n: int):
    """A police referral with the special team's report, on a complaint with n evidence."""
    parent = complaint(people, n)
    case = child(parent, "referral")
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    team = [people["officer"].username, UserFactory(officer=True).username]
    act(case, "submit_report", people["officer"], team=team, threshold="非法经营额五万元以上",
        report="经查，涉案金额已达立案追诉标准。")
    add_notices(case, people, n)
    return case


def mediation(people, n: int):
    """A mediation in session with n sessions booked, n evidence, n documents."""
    from caseflow.mediation import services

    case = services.create_request(dict(MED_BODY), people["applicant"])
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    act(case, "notify_respondent", people["officer"])
    act(case, "record_statement", people["officer"], agrees="yes", statement="同意调解。")
    act(case, "docket", people["officer"], body="office", decision_checked="yes")
    add_evidence(case, people["officer"], n)
    for _ in range(n):
        act(case, "schedule_session", people["officer"], session_date=weekday_ahead(next(_SLOTS)).isoformat(),
            start_time="14:00", mode="remote", link="https://meeting.example.cn/room")
    add_notices(case, people, n)
    return case


BUILDERS = {"adjudication": adjudication, "complaint": complaint, "injunction": injunction, "referral": referral,
            "mediation": mediation}


def statements_of(web, url: str):
    web.get(url)  # warm-up: first-use lookups (the calendar, templates) are not the page's cost
    db.session.expire_all()
    with counting() as seen:
        resp = web.get(url)
    assert resp.status_code == 200, resp.data.decode()[:500]
    return seen, resp


@pytest.mark.parametrize("procedure", list(BUILDERS))
def test_staff_case_page_statements_do_not_grow_with_the_case(web, people, procedure):
    few, many = BUILDERS[procedure](people, FEW), BUILDERS[procedure](people, MANY)
    web.login("page-officer")
    small, _ = statements_of(web, f"/cases/{few.id}")
    large, page = statements_of(web, f"/cases/{many.id}")
    assert len(large) == len(small), f"{len(small)} statements with {FEW} items, {len(large)} with {MANY}:\n" \
                                     + large.report()
    assert len(large) <= CEILING[procedure], large.report()
    assert many.number in page.data.decode()


def test_rights_holder_case_page_statements_do_not_grow_with_the_case(web, people):
    few, many = adjudication(people, FEW), adjudication(people, MANY)
    web.login(people["applicant"].username)
    small, _ = statements_of(web, f"/portal/cases/{few.id}")
    large, page = statements_of(web, f"/portal/cases/{many.id}")
    assert len(large) == len(small), large.report()
    assert len(large) <= CEILING["portal"], large.report()
    html = page.data.decode()
    assert many.number in html and html.count('class="hearing"') == MANY


def test_queue_statements_do_not_grow_with_the_cases(web, people):
    from tests.factories.cases import complaint as file_complaint

    def cases(n):
        for _ in range(n):
            case = file_complaint(people["applicant"])
            act(case, "assign", people["supervisor"], officer=people["officer"].username)
            act(case, "accept", people["officer"])
        db.session.flush()

    web.login("page-supervisor")
    cases(FEW)
    small, _ = statements_of(web, "/cases/?queue=all")
    cases(MANY + 13)  # past one page of 25
    large, page = statements_of(web, "/cases/?queue=all&sort=urgency")
    assert len(large) == len(small), large.report()
    assert len(large) <= CEILING["queue"], large.report()
    assert page.data.decode().count("/cases/") >= 25


def test_the_queue_counts_its_cases_on_every_page(web, people):
    """The total under the table counts the cases that pass the filters, on a page past the last too (where no row
    comes back to carry it) and when nothing matches."""
    from tests.factories.cases import complaint as file_complaint

    titles = ["甲公司专利侵权", "乙公司专利侵权", "丙公司外观设计"]
    for title in titles:
        file_complaint(people["applicant"], title=title)
    db.session.flush()
    web.login("page-supervisor")
    assert "共 3 件，第 1/1 页" in web.get("/cases/?queue=all").data.decode()
    assert "共 2 件，第 1/1 页" in web.get("/cases/?queue=all&q=专利侵权").data.decode()
    assert "共 3 件，第 4/1 页" in web.get("/cases/?queue=all&page=4").data.decode()
    assert "共 0 件，第 1/1 页" in web.get("/cases/?queue=all&q=商标").data.decode()


def test_the_case_page_template_loads_no_people(web, people):
    """Who worked on the case (the assignee, each event's actor) comes with the page's data, read once: the template
    asks no relationship for a user (in production nothing else holds those users, so each would be one more query)."""
    from tests.factories.cases import complaint as file_complaint

    case = file_complaint(people["applicant"])
    act(case, "assign", people["supervisor"], officer=people["officer"].username)
    act(case, "accept", people["officer"])
    db.session.flush()
    web.login("page-officer")
    web.get(f"/cases/{case.id}")  # warm-up
    db.session.expunge_all()  # as in production: the request's session holds only what the page loads
    with counting() as seen:
        page = web.get(f"/cases/{case.id}").data.decode()
    assert sum(s.lstrip().startswith("SELECT users.") for s in seen) == 1, seen.report()
    assert people["officer"].display_name in page and people["supervisor"].display_name in page
