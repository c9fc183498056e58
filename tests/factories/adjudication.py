"""What an office records at each step of an adjudication (局令81), for tests that walk a case through it."""

from __future__ import annotations

#: The art. 12 filing conditions as an officer records them when all are met.
DOCKET_CHECKS = {"standing": "patentee", "claims_clear": "yes", "jurisdiction": "infringement_place",
                 "court_suit": "no", "other_route": "no", "patent_status": "valid"}

_PANEL_KEYS = ("officer", "officer2", "officer3", "supervisor", "supervisor2")


def panel_of(people: dict, size: int = 3) -> list[str]:
    """``size`` staff of the office (渝中区) from a test's people, officers first: a 合议组 (art. 20)."""
    staff = [people[k] for k in _PANEL_KEYS if k in people and people[k].unit is not None
             and people[k].unit.code == "500103"]
    if len(staff) < size:
        raise ValueError("the test's people hold too few staff of the office for a panel")
    return [u.username for u in staff[:size]]


def new_panel(size: int = 3) -> list[str]:
    """A 合议组 of new officers of 渝中区 (free for any hearing slot)."""
    from tests.factories.accounts import UserFactory

    return [UserFactory(officer=True).username for _ in range(size)]


def docket_data(case, members: list[str] | None = None) -> dict:
    """The 立案 form filled in for ``case``: the checks, the 评价报告 for utility models and designs, the panel
    (new officers unless ``members`` are given)."""
    out: dict = {**DOCKET_CHECKS, "members": members if members is not None else new_panel()}
    if getattr(case, "ip_type", None) in ("utility_model", "design"):
        out["evaluation_report"] = "provided"
    return out


def docket_fields(case, people: dict) -> dict:
    """The 立案 form filled in for ``case`` with the panel from a test's people."""
    return docket_data(case, panel_of(people))


def docket(case, people: dict, actor=None, **changes):
    """立案 by the office's supervisor (no approval needed) with the form filled in; ``changes`` alter it."""
    from caseflow.cases.services import perform

    fields = {**docket_fields(case, people), **changes}
    fields = {k: v for k, v in fields.items() if v is not None}
    return perform(case, "docket", actor=actor or people["supervisor"], data={"version": case.version, **fields})


def deliberate(case, actor, outcome: str = "infringement", opinion: str = "合议组一致认为……"):
    """The 合议 (局令81 art. 25) the decision follows."""
    from caseflow.cases.services import perform

    return perform(case, "deliberate", actor=actor,
                   data={"version": case.version, "outcome": outcome, "opinion": opinion})


def serve_hearing_notice(case, officer, on=None) -> None:
    """Issue the case's latest 口头审理通知书 (if still a draft) and serve it by post on every party, today (or
    ``on``)."""
    import sqlalchemy as sa

    from caseflow.core import clock
    from caseflow.core.db import db
    from caseflow.notices import deliveries, issuing
    from caseflow.notices.models import Notice, NoticeStatus

    notice = db.session.scalar(sa.select(Notice).where(Notice.case_id == case.id, Notice.kind == "hearing_notice",
                                                       Notice.status != NoticeStatus.DISCARDED)
                               .order_by(Notice.id.desc()).limit(1))
    if notice.status != NoticeStatus.ISSUED:
        issuing.issue(notice, actor=officer)
    served = {d.party_id for d in notice.deliveries}
    for party in deliveries.recipient_parties(notice):
        if party.id not in served:
            deliveries.record_delivery(notice, actor=officer, method="post", party_id=party.id,
                                       delivered_on=on or clock.today(), receipt_number="EMS-H")


def hold_on_the_day(case, officer, **record):
    """Serve the hearing notice today, move the clock to the hearing's day (09:00) and hold it (art. 26)."""
    import datetime as dt

    from caseflow.cases.services import perform
    from caseflow.core import clock

    serve_hearing_notice(case, officer)
    day = dt.date.fromisoformat(case.data["hearing"]["date"])
    if day > clock.today():
        clock.pin(dt.datetime.combine(day, dt.time(9, 0), clock.BEIJING))
    fields = {"record": "双方到庭陈述意见。", **record}
    return perform(case, "hold_hearing", actor=officer, data={"version": case.version, **fields})


#: 经审理查明 as a panel writes it: the 行政裁决书 is drafted without it (the request's own account is no finding of the
#: office) and issuing refuses it until it is written.
FINDINGS = "经审理查明：被诉侵权产品具备涉案专利权利要求1的全部技术特征；被请求人在其经营场所销售、许诺销售该产品。"


def write_findings(decision, actor, findings: str = FINDINGS):
    """The panel writes the findings into the drafted 行政裁决书."""
    from caseflow.notices import drafting

    return drafting.update_parts(decision, actor=actor, parts={"findings": findings})


def issue_decision(decision, actor, findings: str = FINDINGS):
    """Write the findings into the drafted 行政裁决书, then ``actor`` issues it (or sends it for sign-off)."""
    from caseflow.notices import issuing

    write_findings(decision, actor, findings)
    return issuing.issue(decision, actor=actor)
