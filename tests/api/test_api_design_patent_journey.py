"""Acceptance of issue #15 through the API alone: a design patent (外观设计) dispute from its online filing to the
issued 裁决书, every step an HTTP request an API client could make from /api/v1/openapi.json (the party to serve is
found in the document's recipients, never in the database), and every document's text read from the PDF the API
hands out: 专利法 第十一条第二款 for a design, the 合议组 by name, 请求人/被请求人 wording, "请求人请求：" leading
the claims, no doubled role words, no identifiers, no "None"."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from caseflow.core import clock
from caseflow.hearings import services as hearings
from tests.api.conftest import COMPLAINT_BODY
from tests.document_checks import DESIGN_ARTICLE, adjudication_problems, cn, pdf_text
from tests.evidence.helpers import multipart, pdf
from tests.factories.accounts import UserFactory, unit
from tests.factories.adjudication import FINDINGS
from tests.notices.conftest import needs_pdftotext

pytestmark = [pytest.mark.usefixtures("session"), needs_pdftotext]

CLAIMANT, RESPONDENT = "重庆山城科技有限公司", "重庆某某商贸有限公司"
FILING = {**COMPLAINT_BODY, "procedure": "adjudication", "ip_type": "design", "right_number": "ZL202230123456.2",
          "title": "“保温杯”外观设计专利侵权纠纷", "asserted_claims": "",
          "facts": "被请求人在其解放碑门店销售的保温杯与涉案外观设计相近似。",
          "claims": "责令被请求人立即停止销售与涉案外观设计近似的保温杯。"}


class Client:
    """The API as its documentation describes it: each call's route and method, and each action's fields, must be
    in /api/v1/openapi.json."""

    def __init__(self, api):
        self.api = api
        self.doc = api.client.get("/api/v1/openapi.json").get_json()

    def _described(self, method: str, url: str) -> None:
        path = url.split("?", maxsplit=1)[0]
        matches = [item for template, item in self.doc["paths"].items()
                   if re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+?", re.escape(template)), path)]
        assert any(method in item for item in matches), f"{method.upper()} {path} is not in the OpenAPI document"

    def get(self, user, url, status=200):
        self._described("get", url)
        r = self.api.get(user, url)
        assert r.status_code == status, (url, r.status_code, r.get_data(as_text=True)[:300])
        return r

    def post(self, user, url, status=200, **kw):
        self._described("post", url)
        r = self.api.post(user, url, **kw)
        assert r.status_code == status, (url, r.status_code, r.json)
        return r.json

    def act(self, user, case_id, action, status=200, **fields):
        schema = self.doc["components"]["schemas"]["Actions"]["properties"][f"adjudication.{action}"]
        assert set(fields) <= set(schema["properties"]), (action, set(fields) - set(schema["properties"]))
        assert set(schema["required"]) - {"version"} <= set(fields), (action, schema["required"])
        version = self.get(user, f"/api/v1/cases/{case_id}").json["version"]
        return self.post(user, f"/api/v1/cases/{case_id}/actions/{action}", status, json={"version": version,
                                                                                          **fields})

    def case(self, user, case_id) -> dict:
        return self.get(user, f"/api/v1/cases/{case_id}").json

    def notice(self, user, case_id, kind) -> dict:
        items = self.get(user, f"/api/v1/cases/{case_id}/notices").json["items"]
        [found] = [n for n in items if n["kind"] == kind]
        return found

    def issue_and_serve(self, officer, supervisor, case_id, kind, on: dt.date) -> dict:
        """Issue the drafted document (a supervisor signs off when the office asks for it) and serve it by post on
        each of its recipients."""
        draft = self.notice(officer, case_id, kind)
        signoff = self.get(officer, f"/api/v1/notices/{draft['id']}").json["needs_signoff"]
        issued = self.post(supervisor if signoff else officer, f"/api/v1/notices/{draft['id']}/issue", json={})
        assert issued["status"] == "issued" and issued["verify_code"], issued
        for party in issued["recipients"]:
            self.post(officer, f"/api/v1/notices/{draft['id']}/deliveries", 201,
                      json={"method": "post", "party_id": party["party_id"], "delivered_on": on.isoformat(),
                            "receipt_number": f"EMS{party['party_id']:08d}"})
        return self.get(officer, f"/api/v1/notices/{draft['id']}").json

    def text(self, user, notice: dict) -> str:
        r = self.get(user, notice["pdf"])
        assert r.mimetype == "application/pdf"
        content = r.get_data()
        r.close()  # a file the server streams
        return pdf_text(content)


def test_a_design_patent_dispute_from_online_filing_to_the_issued_decision_through_the_api(api, shift):
    client = Client(api)
    holder = UserFactory(organisation=True, display_name=CLAIMANT)
    panel = [UserFactory(officer=True, display_name=name) for name in ("周明远", "吴静怡", "郑浩然")]
    officer, supervisor = panel[0], UserFactory(supervisor=True, display_name="冯建国")
    names, panel_names = (CLAIMANT, RESPONDENT), tuple(u.display_name for u in panel)
    hearings.add_room(unit("500103"), "T3", "第三审理庭")
    received = clock.today()

    # ---- the rights holder files online, with evidence ----
    case = client.post(holder, "/api/v1/cases", 201, json=FILING)
    case_id = case["id"]
    assert (case["procedure"], case["ip_type"], case["channel"], case["state"]) == (
        "adjudication", "design", "online", "submitted")
    assert re.fullmatch(rf"渝中知裁〔{received.year}〕\d+号", case["number"])
    body, ctype = multipart({"title": "公证购买保温杯的公证书", "kind": "documentary"},
                            [("file", "公证书.pdf", pdf("notarised purchase"))])
    client._described("post", f"/api/v1/cases/{case_id}/evidence")
    r = api.client.post(f"/api/v1/cases/{case_id}/evidence", data=body, content_type=ctype,
                        headers={"Authorization": f"Bearer {api.token(holder)}"})
    assert r.status_code == 201, r.json
    assert [e["title"] for e in client.case(officer, case_id)["evidence"]] == ["公证购买保温杯的公证书"]

    # ---- 立案: the art. 12 checks, the design's 评价报告 (art. 14), the 合议组 (art. 20); the head approves ----
    pending = client.act(officer, case_id, "docket", 202, standing="patentee", claims_clear="yes",
                         jurisdiction="infringement_place", court_suit="no", other_route="no", patent_status="valid",
                         evaluation_report="provided", members=[u.username for u in panel])
    inbox = client.get(supervisor, "/api/v1/approvals").json["items"]
    assert [(a["id"], a["action"]) for a in inbox if a["case_id"] == case_id] == [(pending["id"], "docket")]
    assert client.post(supervisor, f"/api/v1/approvals/{pending['id']}/approve", json={})["state"] == "docketed"

    texts: dict[str, str] = {}
    acceptance = client.issue_and_serve(officer, supervisor, case_id, "acceptance", shift(1))
    texts["acceptance"] = text = client.text(holder, client.notice(holder, case_id, "acceptance"))
    assert case["number"] in text and acceptance["number"] in text and "外观设计" in text
    assert cn(received) in text and "回避" in text

    # ---- the respondent is served the request and the 答辩通知书; the answer is recorded and forwarded ----
    client.act(officer, case_id, "serve_respondent")
    served = shift(2)
    answer_notice = client.issue_and_serve(officer, supervisor, case_id, "answer_notice", served)
    assert [p["name"] for p in answer_notice["recipients"]] == [RESPONDENT]
    texts["answer_notice"] = text = client.text(officer, answer_notice)
    assert "十五日" in text
    client.act(officer, case_id, "record_answer", answer="被诉产品的外观与涉案外观设计不相近似。")
    client.act(officer, case_id, "forward_answer", delivered_on=served.isoformat())

    # ---- the hearing: noticed more than three working days ahead, served on both, held on its day ----
    day = served + dt.timedelta(days=12)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    client.act(officer, case_id, "schedule_hearing", hearing_date=day.isoformat(), start_time="14:30", hours="2",
               mode="in_person", room="T3")
    hearing_notice = client.issue_and_serve(officer, supervisor, case_id, "hearing_notice", shift(3))
    assert sorted(p["name"] for p in hearing_notice["recipients"]) == sorted(names)
    texts["hearing_notice"] = text = client.text(holder, client.notice(holder, case_id, "hearing_notice"))
    assert cn(day) in text and "下午2时30分" in text and "第三审理庭" in text
    shift((day - received).days)
    client.act(officer, case_id, "hold_hearing", record="双方到庭，就外观是否近似发表意见。",
               requester_attended="yes", respondent_attended="yes")

    # ---- 合议 (art. 25), the decision approved by the head, issued and served ----
    client.act(officer, case_id, "deliberate", outcome="infringement",
               opinion="被诉产品与涉案外观设计在整体视觉效果上无实质性差异。")
    pending = client.act(officer, case_id, "decide", 202, outcome="infringement",
                         reasons="被诉产品与涉案外观设计构成近似，落入外观设计专利权的保护范围。",
                         measures="立即停止销售与涉案外观设计近似的保温杯", measure_kind="stop_acts")
    assert client.post(supervisor, f"/api/v1/approvals/{pending['id']}/approve", json={})["state"] == "decided"
    decided = shift((day - received).days + 2)
    # The panel writes what it found (the draft leaves 经审理查明 to it), then the decision is issued.
    draft = client.notice(officer, case_id, "decision")
    client.post(officer, f"/api/v1/notices/{draft['id']}/parts", json={"parts": {"findings": FINDINGS}})
    decision = client.issue_and_serve(officer, supervisor, case_id, "decision", decided)

    # ---- the rights holder reads the decision it was served ----
    seen = client.case(holder, case_id)
    assert seen["state"] == "decided"
    mine = {n["kind"]: n for n in seen["notices"]}
    assert mine["decision"]["delivered_at"] == decided.isoformat()
    texts["decision"] = text = client.text(holder, mine["decision"])
    assert decision["number"] in text and case["number"] in text and "ZL202230123456.2" in text
    assert f"{DESIGN_ARTICLE}、第六十五条" in text
    assert "请求人请求：责令被请求人立即停止销售与涉案外观设计近似的保温杯。" in text
    assert "被请求人辩称：被诉产品的外观与涉案外观设计不相近似" in text
    assert f"本局于{cn(received)}立案" in text and "依法组成合议组进行了审理" in text
    assert "立即停止销售与涉案外观设计近似的保温杯" in text and "十五日内" in text and "人民法院" in text

    # Every document, read as issued, says only what a party should read.
    assert [n["kind"] for n in client.get(officer, f"/api/v1/cases/{case_id}/notices").json["items"]] == [
        "acceptance", "answer_notice", "hearing_notice", "decision"]
    for kind, text in texts.items():
        assert adjudication_problems(text, kind, names=names, panel=panel_names) == [], kind
