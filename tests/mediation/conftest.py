"""Fixtures for the mediation tests: an office's people, a request body, notices and deadlines of a case."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import Role
from caseflow.core.db import db
from caseflow.core.timeutil import beijing_date, utcnow
from tests.api.conftest import Api
from tests.factories.accounts import UserFactory


@pytest.fixture()
def api(client):
    return Api(client)


@pytest.fixture()
def people(session):
    return {
        "applicant": UserFactory(organisation=True, display_name="重庆山城科技有限公司"),
        "other_applicant": UserFactory(),
        "respondent": UserFactory(role=Role.RESPONDENT, display_name="张某"),
        "officer": UserFactory(officer=True),
        "mediator": UserFactory(mediator=True),
        "supervisor": UserFactory(supervisor=True),
    }


MED_BODY = {
    "unit": "500103", "category": "remuneration", "ip_type": "invention", "right_number": "ZL202010123456.2",
    "title": "“一种防松脱管道卡箍”职务发明奖励报酬纠纷",
    "facts": "请求人系被请求人原员工，任职期间完成涉案职务发明，被请求人未支付奖励和报酬。",
    "claims": "请求就职务发明奖励、报酬的数额进行调解。",
    "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
                   "address": "重庆市渝中区", "phone": "13800000000"}],
    "respondents": [{"name": "张某", "id_type": "resident_id", "id_number": "11010519491231002X",
                     "address": "重庆市渝中区解放碑"}],
}


@pytest.fixture()
def med_body():
    return copy.deepcopy(MED_BODY)


class Shift:
    """Move 'today' n days ahead for the deadline and notice services (the engine's guards keep real time)."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def __call__(self, days: int) -> dt.date:
        import caseflow.deadlines.services as deadline_services
        import caseflow.notices.services as notice_services

        moment = utcnow() + dt.timedelta(days=days)
        day = beijing_date(moment)
        self.monkeypatch.setattr(deadline_services, "now", lambda: moment)
        self.monkeypatch.setattr(deadline_services, "today", lambda: day)
        self.monkeypatch.setattr(notice_services, "beijing_date", lambda m=None: day)
        return day


@pytest.fixture()
def shift(monkeypatch):
    return Shift(monkeypatch)


@pytest.fixture()
def notices_of():
    from caseflow.notices.models import Notice

    def find(case, kind=None):
        stmt = sa.select(Notice).where(Notice.case_id == case.id).order_by(Notice.id)
        if kind:
            stmt = stmt.where(Notice.kind == kind)
        return list(db.session.scalars(stmt))

    return find


@pytest.fixture()
def deadline():
    from caseflow.deadlines.models import Deadline

    def row(case, rule_id):
        return db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.rule_id == rule_id)
                                  .order_by(Deadline.id.desc())).first()

    return row


def pdf_text(content: bytes) -> str:
    """The text of a PDF without the spaces and line breaks pdftotext puts into justified Chinese text."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())
