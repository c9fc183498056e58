"""Officers issuing the same document type at the same moment get consecutive numbers: no gap, no duplicate."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from caseflow.cases.models import NumberSequence
from caseflow.notices.models import Notice
from tests.api.conftest import COMPLAINT_BODY
from tests.live import at_once

pytestmark = pytest.mark.live

OFFICERS = [f"notice_race_officer{i}" for i in range(4)]
#: A 假冒专利 report: its 受理 sends a 受理通知书 (a patent dispute request gets its one at the adjudication's 立案).
REPORT = {**COMPLAINT_BODY, "kind": "patent_counterfeit", "title": "销售标注虚假专利号的空气净化器"}


def test_simultaneous_issues_get_consecutive_numbers(live_server):
    live_server.add_user("notice_race_applicant", "applicant")
    for name in OFFICERS:
        live_server.add_user(name, "officer", "500103")
    applicant = live_server.token("notice_race_applicant")
    tokens = [live_server.token(name) for name in OFFICERS]

    drafts = []
    for token in tokens:
        status, case = live_server.request("POST", "/api/v1/cases", REPORT, token=applicant)
        assert status == 201, case
        status, case = live_server.request("POST", f"/api/v1/cases/{case['id']}/actions/accept",
                                           {"version": case["version"]}, token=token)
        assert status == 200, case
        [notice] = [n for n in case["notices"] if n["kind"] == "acceptance"]
        assert notice["status"] == "draft" and notice["number"] is None
        drafts.append(notice["id"])

    results = at_once(lambda token, notice_id: live_server.request("POST", f"/api/v1/notices/{notice_id}/issue", {},
                                                                    token=token),
                      list(zip(tokens, drafts, strict=True)))

    assert sorted(status for status, _ in results) == [200] * len(tokens), results
    numbers = [body["number"] for _, body in results]
    seqs = sorted(int(re.fullmatch(r"渝中知保受字〔\d{4}〕(\d+)号", n).group(1)) for n in numbers)
    assert seqs == list(range(seqs[0], seqs[0] + len(tokens))), numbers
    with live_server.engine.connect() as conn:
        rows = conn.execute(sa.select(Notice.seq, Notice.number).where(Notice.id.in_(drafts))).all()
        last = conn.scalar(sa.select(NumberSequence.last_value).where(NumberSequence.scope == "notice:保受字"))
    assert sorted(r.seq for r in rows) == seqs and len({r.number for r in rows}) == len(tokens)
    assert last == seqs[-1]  # nothing was taken and lost: the sequence ends at the last issued number
