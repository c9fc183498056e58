"""The API contract (docs/architecture.md, JSON API) for complaints: create, read, act, errors in order."""

import pytest

pytestmark = pytest.mark.usefixtures("session")


def create(api, people, body):
    r = api.post(people["applicant"], "/api/v1/cases", json=body)
    assert r.status_code == 201, r.json
    return r.json


def test_applicant_files_and_officer_accepts(api, people, complaint_body):
    case = create(api, people, complaint_body)
    assert case["state"] == "submitted"
    assert case["number"].startswith("渝中知投〔") and case["number"].endswith("号")
    assert case["actions"] == ["withdraw"]

    seen = api.get(people["officer"], f"/api/v1/cases/{case['id']}").json
    assert "accept" in seen["actions"]
    assert seen["parties"][0]["id_number"] == "91500103MA5U8KJ84F"  # staff see full IDs

    r = api.act(people["officer"], case["id"], "accept", seen["version"])
    assert r.status_code == 200, r.json
    assert r.json["state"] == "accepted"
    assert r.json["version"] > seen["version"]

    again = api.act(people["officer"], case["id"], "accept", seen["version"])
    assert again.status_code == 409
    assert again.json["error"] == "conflict_version"

    assert api.get(people["applicant"], f"/api/v1/cases/{case['id']}").json["state"] == "accepted"


def test_numbers_are_gapless_per_office(api, people, complaint_body):
    numbers = [create(api, people, complaint_body)["number"] for _ in range(3)]
    seqs = [int(n.split("〕")[1].rstrip("号")) for n in numbers]
    assert seqs == list(range(seqs[0], seqs[0] + 3))


def test_applicant_may_not_accept(api, people, complaint_body):
    case = create(api, people, complaint_body)
    r = api.act(people["applicant"], case["id"], "accept", case["version"])
    assert r.status_code == 403
    assert r.json["error"] == "forbidden"
    assert r.json["message"]


def test_missing_required_field_names_it_in_chinese(api, people, complaint_body):
    case = create(api, people, complaint_body)
    r = api.act(people["officer"], case["id"], "request_correction", case["version"])
    assert r.status_code == 422
    assert "items" in r.json["fields"]
    assert "需补正的材料" in r.json["fields"]["items"]


def test_version_is_required(api, people, complaint_body):
    case = create(api, people, complaint_body)
    r = api.post(people["officer"], f"/api/v1/cases/{case['id']}/actions/accept", json={})
    assert r.status_code == 422
    assert "version" in r.json["fields"]


def test_wrong_state_is_a_conflict(api, people, complaint_body):
    case = create(api, people, complaint_body)
    r = api.act(people["officer"], case["id"], "conclude", case["version"], outcome="已处理")
    assert r.status_code == 409
    assert r.json["error"] == "conflict_state"


def test_unknown_action_is_404(api, people, complaint_body):
    case = create(api, people, complaint_body)
    r = api.act(people["officer"], case["id"], "explode", case["version"])
    assert r.status_code == 404
    assert r.json["error"] == "unknown_action"


def test_no_token_is_401(api, people, complaint_body):
    case = create(api, people, complaint_body)
    assert api.get(None, f"/api/v1/cases/{case['id']}").status_code == 401
    r = api.client.get(f"/api/v1/cases/{case['id']}", headers={"Authorization": "Bearer forged"})
    assert r.status_code == 401 and r.json["error"] == "unauthorized"


def test_create_validates_fields(api, people, complaint_body):
    complaint_body["right_number"] = "ZL202010123456.3"  # wrong check digit
    complaint_body["claimants"][0]["id_number"] = "91500103MA5U8KJ84X"
    del complaint_body["title"]
    r = api.post(people["applicant"], "/api/v1/cases", json=complaint_body)
    assert r.status_code == 422
    assert "校验位" in r.json["fields"]["right_number"]
    assert "claimants-0-id_number" in r.json["fields"]
    assert "title" in r.json["fields"]


def test_patent_number_both_forms(api, people, complaint_body):
    complaint_body["right_number"] = "2020101234562"
    assert create(api, people, complaint_body)["right_number"] == "ZL202010123456.2"


def test_list_is_paginated_and_scoped(api, people, complaint_body):
    for _ in range(3):
        create(api, people, complaint_body)
    r = api.get(people["officer"], "/api/v1/cases?per_page=2&procedure=complaint")
    assert r.status_code == 200
    assert len(r.json["items"]) == 2 and r.json["total"] >= 3 and r.json["page"] == 1
    assert api.get(people["other_applicant"], "/api/v1/cases").json["total"] == 0
    assert api.get(people["other_district"], "/api/v1/cases").json["total"] == 0
    # The city's supervisor narrows the list to one district's office.
    elsewhere = create(api, people, {**complaint_body, "unit": "500105"})
    district = api.get(people["city"], "/api/v1/cases?unit=500103&procedure=complaint&per_page=200").json
    assert district["total"] >= 3 and {c["unit"] for c in district["items"]} == {"500103"}
    assert elsewhere["id"] not in {c["id"] for c in district["items"]}
    other = api.get(people["city"], "/api/v1/cases?unit=500105&procedure=complaint&per_page=200").json
    assert elsewhere["id"] in {c["id"] for c in other["items"]} and {c["unit"] for c in other["items"]} == {"500105"}


def test_convert_creates_linked_adjudication(api, people, complaint_body):
    case = create(api, people, complaint_body)
    accepted = api.act(people["officer"], case["id"], "accept", case["version"]).json
    r = api.act(people["officer"], case["id"], "convert", accepted["version"], procedure="adjudication")
    assert r.status_code == 200, r.json
    assert r.json["state"] == "converted"
    child = next(link for link in r.json["links"] if link["relation"] == "child")
    assert child["procedure"] == "adjudication" and "裁〔" in child["number"]
    seen = api.get(people["applicant"], f"/api/v1/cases/{child['id']}").json
    assert seen["state"] == "submitted"


def test_openapi_lists_actions(api):
    doc = api.client.get("/api/v1/openapi.json").json
    assert "complaint.accept" in doc["components"]["schemas"]["Actions"]["properties"]
    assert "/api/v1/cases/{id}/actions/{action}" in doc["paths"]


def test_a_rights_holder_lists_the_cases_filed_and_those_joined_as_claimant(api, people, complaint_body, session):
    import sqlalchemy as sa

    from caseflow.cases.models import Party, PartyRole

    filed = create(api, people, complaint_body)
    joined = create(api, people, complaint_body)
    claimant = session.scalars(sa.select(Party).where(Party.case_id == joined["id"],
                                                      Party.role == PartyRole.CLAIMANT)).first()
    claimant.user_id = people["other_applicant"].id  # the claimant's own account, linked to the case
    session.flush()
    mine = api.get(people["applicant"], "/api/v1/cases").json
    theirs = api.get(people["other_applicant"], "/api/v1/cases").json
    assert {c["id"] for c in mine["items"]} == {filed["id"], joined["id"]} and mine["total"] == 2
    assert [c["id"] for c in theirs["items"]] == [joined["id"]] and theirs["total"] == 1
