"""Fixtures for the injunction and referral tests: the adjudication fixtures, evidence uploads, a docketed case."""

from __future__ import annotations

import pytest

from caseflow.cases.models import Case
from caseflow.core.db import db
from tests.adjudication.conftest import adj_body, people  # noqa: F401
from tests.factories.adjudication import docket_data


@pytest.fixture(autouse=True)
def injunctions_enabled(app, monkeypatch):
    """先行发布禁令 ships off (no statute sets it); these tests are of an office that turned it on."""
    monkeypatch.setitem(app.config, "INJUNCTION_ENABLED", True)


class Flow:
    """Shortcuts through the API, asserting each step's status."""

    def __init__(self, api, people, client):  # noqa: F811 - the `people` fixture
        self.api, self.people, self.client = api, people, client

    def ok(self, r, status=200):
        assert r.status_code == status, (r.status_code, r.json)
        return r.json

    def act(self, user, case, action, status=200, **fields):
        db.session.refresh(case)
        r = self.api.act(user, case.id, action, case.version, **fields)
        assert r.status_code == status, (action, r.status_code, r.json)
        db.session.refresh(case)
        return r.json

    def approve(self, approval_json):
        self.ok(self.api.post(self.people["supervisor"], f"/api/v1/approvals/{approval_json['id']}/approve", json={}))

    def upload(self, user, case, name="公证购买发票.pdf", title="公证购买发票", kind="documentary"):
        from tests.evidence.helpers import multipart, pdf

        body, ctype = multipart({"title": title, "kind": kind}, [("file", name, pdf(title))])
        r = self.client.post(f"/api/v1/cases/{case.id}/evidence", data=body, content_type=ctype,
                             headers={"Authorization": f"Bearer {self.api.token(user)}"})
        assert r.status_code == 201, r.json
        return r.json

    def adjudication(self, body, *, docket=True) -> Case:
        created = self.ok(self.api.post(self.people["applicant"], "/api/v1/cases", json=body), 201)
        case = db.session.get(Case, created["id"])
        if docket:
            self.act(self.people["supervisor"], case, "docket", **docket_data(case))
            assert case.state == "docketed"
        return case


@pytest.fixture
def flow(api, people, client):  # noqa: F811 - the `people` fixture
    return Flow(api, people, client)


def child_of(case: Case, procedure: str) -> Case:
    db.session.refresh(case)
    found = [c for c in case.children if c.procedure == procedure]
    assert found, f"no linked {procedure} on {case.number}"
    return found[-1]
