"""Approvals (docs/procedures.md, Approvals): 202 for officers, direct for supervisors, pending blocks, nobody
approves their own."""

import pytest

pytestmark = pytest.mark.usefixtures("session")


@pytest.fixture
def case(api, people, complaint_body):
    r = api.post(people["applicant"], "/api/v1/cases", json=complaint_body)
    return r.json


def test_officer_reject_needs_approval(api, people, case):
    r = api.act(people["officer"], case["id"], "reject", case["version"], reason="不属于本局管辖")
    assert r.status_code == 202, r.json
    req = r.json
    assert req["action"] == "reject" and req["status"] == "pending"

    inbox = api.get(people["supervisor"], "/api/v1/approvals").json["items"]
    assert [i["id"] for i in inbox] == [req["id"]]
    assert api.get(people["officer"], "/api/v1/approvals").json["items"] == []
    assert api.get(people["other_supervisor"], "/api/v1/approvals").json["items"] == []

    current = api.get(people["officer"], f"/api/v1/cases/{case['id']}").json
    assert current["state"] == "submitted"
    blocked = api.act(people["officer"], case["id"], "accept", current["version"])
    assert blocked.status_code == 409 and blocked.json["error"] == "approval_pending"

    done = api.post(people["supervisor"], f"/api/v1/approvals/{req['id']}/approve", json={"comment": "同意"})
    assert done.status_code == 200, done.json
    assert done.json["state"] == "rejected"
    tags = [e["tag"] for e in done.json["events"]]
    assert tags[-3:] == ["case:approval:request", "case:approval:approve", "case:state:reject"]
    again = api.post(people["supervisor"], f"/api/v1/approvals/{req['id']}/approve", json={})
    assert again.status_code == 409


def test_supervisor_acts_directly(api, people, case):
    r = api.act(people["supervisor"], case["id"], "reject", case["version"], reason="材料不属实")
    assert r.status_code == 200
    assert r.json["state"] == "rejected"


def test_nobody_approves_their_own(api, people, case):
    # A supervisor's own request can only exist through another office's override; here the officer asks
    # and the same officer tries to approve.
    req = api.act(people["officer"], case["id"], "reject", case["version"], reason="x").json
    r = api.post(people["officer"], f"/api/v1/approvals/{req['id']}/approve", json={})
    assert r.status_code == 403


def test_other_district_cannot_see_request(api, people, case):
    req = api.act(people["officer"], case["id"], "reject", case["version"], reason="x").json
    r = api.post(people["other_supervisor"], f"/api/v1/approvals/{req['id']}/approve", json={})
    assert r.status_code == 404


def test_reject_records_reason_and_keeps_state(api, people, case):
    req = api.act(people["officer"], case["id"], "reject", case["version"], reason="x").json
    missing = api.post(people["supervisor"], f"/api/v1/approvals/{req['id']}/reject", json={})
    assert missing.status_code == 422
    r = api.post(people["supervisor"], f"/api/v1/approvals/{req['id']}/reject", json={"comment": "证据充分，应当受理"})
    assert r.status_code == 200
    assert r.json["state"] == "submitted"
    assert r.json["events"][-1]["tag"] == "case:approval:reject"
    assert "accept" in api.get(people["officer"], f"/api/v1/cases/{case['id']}").json["actions"]


def test_withdraw_while_pending_voids_the_approval(api, people, case):
    req = api.act(people["officer"], case["id"], "reject", case["version"], reason="x").json
    current = api.get(people["applicant"], f"/api/v1/cases/{case['id']}").json
    assert current["actions"] == ["withdraw"]
    w = api.act(people["applicant"], case["id"], "withdraw", current["version"], reason="已和解")
    assert w.status_code == 200 and w.json["state"] == "withdrawn"
    r = api.post(people["supervisor"], f"/api/v1/approvals/{req['id']}/approve", json={})
    assert r.status_code == 409 and r.json["error"] == "conflict_version"
    assert api.get(people["supervisor"], "/api/v1/approvals").json["items"] == []
    final = api.get(people["officer"], f"/api/v1/cases/{case['id']}").json
    assert final["state"] == "withdrawn"
    # The failure is kept, and nothing of the approval it refused: no approve event, no state change.
    tags = [e["tag"] for e in final["events"]]
    assert tags[-3:] == ["case:approval:request", "case:state:withdraw", "case:approval:fail"]
    again = api.post(people["supervisor"], f"/api/v1/approvals/{req['id']}/approve", json={})
    assert again.status_code == 409 and again.json["error"] == "conflict_state" and "失效" in again.json["message"]


def test_city_supervisor_may_approve_district_request(api, people, case):
    req = api.act(people["officer"], case["id"], "reject", case["version"], reason="x").json
    r = api.post(people["city"], f"/api/v1/approvals/{req['id']}/approve", json={})
    assert r.status_code == 200 and r.json["state"] == "rejected"
