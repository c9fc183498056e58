"""Each definition of the statistics (caseflow/stats/definitions.py, issue #15), on a few cases built by hand: the
expected figures are counted here from what the cases are, never from the code under test."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

import workflows
from caseflow.cases.models import Case
from caseflow.cases.services import create_case
from caseflow.core import clock
from caseflow.core.db import db
from tests.factories.accounts import UserFactory, unit
from tests.factories.cases import advance, complaint

MEDIATION = {
    "unit": "500103", "category": "remuneration", "ip_type": "invention", "right_number": "ZL202010123456.2",
    "title": "职务发明奖励报酬纠纷", "facts": "请求人系被请求人原员工，任职期间完成涉案职务发明。",
    "claims": "请求就职务发明奖励、报酬的数额进行调解。",
    "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
                   "address": "重庆市渝中区", "phone": "13800000000"}],
    "respondents": [{"name": "张某", "id_type": "resident_id", "id_number": "11010519491231002X",
                     "address": "重庆市渝中区解放碑"}],
}
TRADEMARK = {"kind": "trademark", "ip_type": "trademark", "right_number": "12345678", "title": "销售假冒注册商标的商品"}


@pytest.fixture
def people(session):
    return {"applicant": UserFactory(organisation=True), "officer": UserFactory(officer=True),
            "supervisor": UserFactory(supervisor=True), "city": UserFactory(supervisor=True, staff_unit="500000")}


def figures(api, user, start: str, end: str) -> dict:
    r = api.get(user, "/api/v1/stats/summary", query_string={"from": start, "to": end, "unit": "500103"})
    assert r.status_code == 200, r.json
    return r.json["figures"]


def act(api, user, case, action, **fields):
    r = api.act(user, case.id, action, case.version, **fields)
    assert r.status_code == 200, r.json
    db.session.refresh(case)


def mediation(api, people) -> Case:
    r = api.post(people["applicant"], "/api/v1/mediation/requests", json=MEDIATION)
    assert r.status_code == 201, r.json
    return db.session.get(Case, r.json["id"])


def converted(people, procedure: str = "adjudication") -> Case:
    """A patent infringement dispute request screened and converted; the linked case it became."""
    o = people["officer"]
    c = complaint(people["applicant"])
    advance(c, ("accept", o, None), ("convert", o, {"procedure": procedure}))
    return db.session.scalar(sa.select(Case).where(Case.parent_id == c.id))


def _csv_rows(web, path: str, params: dict, first: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(web.get(path, query_string=params).data.decode("utf-8-sig"))))
    return rows[next(i for i, row in enumerate(rows) if row and row[0] == first) + 1:]


def test_a_state_titled_by_channel_reads_as_the_cases_counted(web, people, shift):
    """A matter the office found itself is 已立案 once taken up, a complaint received 已受理: the count of both
    names both, a count of one channel names its own, and each listed deadline its case's."""
    o, s = people["officer"], people["supervisor"]
    found = create_case(procedure="complaint", unit=unit("500103"), actor=o,
                        fields={"kind": "patent_counterfeit", "ip_type": "utility_model", "channel": "ex_officio",
                                "right_number": "ZL201920765432.1", "title": "商品标注虚假专利号",
                                "facts": "执法检查中发现。", "claims": "依职权查处。"},
                        parties=[{"role": "respondent", "name": "重庆某某商贸有限公司"}])
    received = complaint(people["applicant"], **TRADEMARK)
    for case in (found, received):
        advance(case, ("assign", s, {"officer": o.username}), ("accept", o, None))
    shift(120)  # the penalty cases' 90 days ran out
    web.login(s.username)
    assert web.get("/stats/open").status_code == 200  # the page brings the figures up to date; its tables export
    title = workflows.procedure("complaint").title
    for channel, named in ((None, "已受理／已立案"), ("ex_officio", "已立案"), ("online", "已受理")):
        params = {"unit": "500103", **({"channel": channel} if channel else {})}
        rows = _csv_rows(web, "/stats/open/open_by_state.csv", params, "程序")
        assert [r[1] for r in rows if r[0] == title and r[2] == "accepted"] == [named]
    listed = {r[0]: r[2] for r in _csv_rows(web, "/stats/deadlines/overdue.csv", {"unit": "500103"}, "案号")}
    assert (listed[found.number], listed[received.number]) == ("已立案", "已受理")


def test_a_complaints_acceptance_check_is_no_statutory_limit_but_its_penalty_limit_is(api, people, shift, deadline):
    """法定审限结案率 covers the 审限 of adjudication, ownership mediation and a penalty case's 90 days (行政处罚法
    art. 60), not a complaint's acceptance check."""
    o = people["officer"]
    c = complaint(people["applicant"], **TRADEMARK)
    shift(40)  # the 15 working days of the acceptance check ran out
    advance(c, ("accept", o, None), ("conclude", o, {"outcome": "已责令停止销售。"}))
    assert deadline(c, "CPL_ACCEPT_TRADEMARK").status.value == "missed"
    assert deadline(c, "PEN_DECISION").status.value == "met"
    fig = figures(api, people["supervisor"], "2026-03", "2026-04")
    assert fig["closed"] == 1
    assert fig["limit_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}


def test_one_dispute_counts_once_across_its_linked_cases(api, people):
    """A request converted to an adjudication, a complaint referred to the police: one 收案 and one 结案 each; an
    adjudication not docketed ends its dispute too."""
    s = people["supervisor"]
    withdrawn = converted(people)
    advance(withdrawn, ("withdraw", people["applicant"], {"reason": "已和解"}))
    not_docketed = converted(people)
    advance(not_docketed, ("reject", s, {"reason": "已向人民法院起诉。", "ground": "court_suit"}))
    assert not_docketed.state == "not_docketed" and not_docketed.closed_at is None
    referred = complaint(people["applicant"], **TRADEMARK)
    advance(referred, ("accept", people["officer"], None),
            ("refer", s, {"kind": "police", "target": "重庆市公安局渝中区分局", "reason": "涉嫌犯罪。"}))
    referral = db.session.get(Case, referred.data["referral"])
    report = {"team": [people["officer"].username, s.username], "threshold": "reasonable_suspicion",
              "report": "涉嫌犯罪。"}
    # The complaint ends once the matter is sent.
    advance(referral, ("submit_report", people["officer"], report), ("approve", s, None),
            ("transfer", people["officer"], None))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 6  # three disputes, six cases
    fig = figures(api, s, "2026-03", "2026-03")
    assert (fig["received"], fig["closed"]) == (3, 3)
    assert fig["open"] == 1  # the referral, still with the police


def test_close_rate_counts_the_disputes_carried_into_the_period(api, people, web):
    """结案率 = 结案 ÷ (旧存 + 新收): a dispute received in January and closed in February counts as carried over."""
    o = people["officer"]

    def on(day: str) -> None:
        clock.pin(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), clock.BEIJING))

    on("2026-01-15")
    carried = complaint(people["applicant"], **TRADEMARK)
    on("2026-01-20")
    done_before = complaint(people["applicant"], **TRADEMARK)
    advance(done_before, ("accept", o, None), ("conclude", o, {"outcome": "已处理。"}))
    on("2026-02-10")
    new = complaint(people["applicant"], **TRADEMARK)
    for c in (carried, new):
        advance(c, ("accept", o, None), ("conclude", o, {"outcome": "已处理。"}))
    on("2026-03-02")
    fig = figures(api, people["supervisor"], "2026-02", "2026-02")
    assert (fig["received"], fig["closed"]) == (1, 2)
    assert fig["close_rate"] == {"value": 1.0, "numerator": 2, "denominator": 2, "carried_over": 1, "received": 1}
    assert figures(api, people["supervisor"], "2026-01", "2026-01")["close_rate"]["value"] == pytest.approx(0.5)
    web.login(people["city"].username)
    r = web.get("/stats/districts/districts.csv", query_string={"from": "2026-02", "to": "2026-02"})
    rows = {row[0]: row for row in csv.reader(io.StringIO(r.data.decode("utf-8-sig"))) if row}
    assert rows["渝中区"][1:5] == ["1", "1", "2", "100.0"]  # 旧存, 新收, 结案, 结案率
    page = web.get("/stats/overview", query_string={"from": "2026-02", "to": "2026-02"}).data.decode()
    assert page.count("结案率 = 期内结案数 ÷（旧存 + 新收）") == 1  # stated once, in the definitions


def test_mediation_rate_counts_a_partys_refusal_alike_and_success_only_when_signed(api, people):
    """调解率: a party's refusal to mediate counts in the denominator in every procedure (in an adjudication the case
    goes on to its decision; a mediation ends in 不予受理); a request the office did not take up counts in neither.
    调解成功率: an agreement counts once both parties signed it."""
    o, s = people["officer"], people["supervisor"]
    declined = mediation(api, people)
    act(api, o, declined, "notify_respondent")
    act(api, o, declined, "record_statement", agrees="no", statement="不同意调解。")
    act(api, o, declined, "refuse", ground="respondent_declined", reason="被请求人不同意调解。")
    inadmissible = mediation(api, people)
    act(api, o, inadmissible, "refuse", ground="court_suit", reason="请求人已向人民法院起诉。")
    signed, unsigned = mediation(api, people), mediation(api, people)
    for m in (signed, unsigned):
        act(api, o, m, "notify_respondent")
        act(api, o, m, "record_statement", agrees="yes", statement="同意调解。")
        act(api, o, m, "docket", body="office")
        act(api, o, m, "record_agreement", terms="被请求人支付奖励人民币五万元。")
        act(api, o, m, "record_signature", side="claimant")
    act(api, o, signed, "record_signature", side="respondent")
    assert (signed.state, unsigned.state) == ("agreement", "signing")
    adjudication = converted(people)
    advance(adjudication, ("reject", s, {"reason": "不符合立案条件。"}))
    fig = figures(api, s, "2026-03", "2026-03")
    assert (fig["mediation_rate"]["numerator"], fig["mediation_rate"]["denominator"]) == (1, 2)  # signed; declined
    assert (fig["mediation_success_rate"]["numerator"], fig["mediation_success_rate"]["denominator"]) == (1, 1)
    # Closed: declined, inadmissible, signed, the adjudication not docketed (the complaint handed it on).
    assert (fig["received"], fig["closed"]) == (5, 4)
