"""Only people who may see the case see its evidence: everyone else gets 404, by page and by API."""

import pytest

from tests.evidence import helpers as h
from tests.evidence.conftest import nothing_left, read_and_close


@pytest.fixture
def uploaded(eapi, people, case):
    r = eapi.upload(people["applicant"], case.id, h.png(), "照片.png", kind="physical")
    assert r.status_code == 201
    return r.json


def page_urls(case_id, ev_id):
    base = f"/cases/{case_id}/evidence"
    return [base, base + ".csv", base + "/package.zip", f"{base}/{ev_id}", f"{base}/{ev_id}/view",
            f"{base}/{ev_id}/download", f"{base}/{ev_id}/preview.png"]


def api_urls(case_id, ev_id):
    base = f"/api/v1/cases/{case_id}/evidence"
    return [base, base + ".csv", base + "/package.zip", f"{base}/{ev_id}", f"{base}/{ev_id}/content",
            f"{base}/{ev_id}/content?inline=1", f"{base}/{ev_id}/preview.png"]


@pytest.mark.parametrize("who", ["stranger", "other_district"])
def test_pages_answer_404_to_people_who_cannot_see_the_case(web, people, case, uploaded, who, storage):
    web.login(people[who].username)
    for url in page_urls(case.id, uploaded["id"]):
        r = read_and_close(web.get(url))
        assert r.status_code == 404, url
        assert "不存在" in r.get_data(as_text=True)
    # Posting to them is 404 as well, before a byte of the body is stored.
    body, ctype = h.multipart({"kind": "documentary"}, [("files", "x.pdf", h.pdf())])
    r = web.client.post(f"/cases/{case.id}/evidence", data=body, content_type=ctype)
    assert r.status_code == 404
    for suffix in ("admission", "handover", "replace"):
        r = web.client.post(f"/cases/{case.id}/evidence/{uploaded['id']}/{suffix}", data={})
        assert r.status_code in (400, 404)  # 400 only where CSRF answers first (no token)
    assert list(storage.leftovers()) == []


@pytest.mark.parametrize("who", ["stranger", "other_district"])
def test_api_answers_404_to_people_who_cannot_see_the_case(eapi, people, case, uploaded, who, storage):
    for url in api_urls(case.id, uploaded["id"]):
        r = eapi.get(people[who], url)
        assert r.status_code == 404, url
        assert r.json["error"] == "not_found"
    base = f"/api/v1/cases/{case.id}/evidence"
    assert eapi.upload(people[who], case.id, h.pdf()).status_code == 404
    for suffix, body in (("admission", {"decision": "admitted"}), ("handover", {"recipient": "x"})):
        assert eapi.post(people[who], f"{base}/{uploaded['id']}/{suffix}", body).status_code == 404
    assert storage.leftovers() == []
    # Nobody's evidence leaks through another case's URL either.
    assert len(nothing_left(storage, case)) == 2  # the uploaded row and its stored file


def test_evidence_of_another_case_is_404_even_for_its_viewers(eapi, people, case, uploaded):
    from tests.factories.cases import complaint

    mine = complaint(people["stranger"])
    r = eapi.get(people["stranger"], f"/api/v1/cases/{mine.id}/evidence/{uploaded['id']}/content")
    assert r.status_code == 404
    r = eapi.get(people["stranger"], f"/api/v1/cases/{mine.id}/evidence/{uploaded['id']}/preview.png")
    assert r.status_code == 404
    for bad in ("0", "99999999999", "-1", "abc"):
        assert eapi.get(people["officer"], f"/api/v1/cases/{case.id}/evidence/{bad}").status_code == 404


@pytest.mark.parametrize("who", ["applicant", "respondent", "officer", "supervisor", "mediator"])
def test_people_of_the_case_see_it(web, eapi, people, case, uploaded, who):
    web.login(people[who].username)
    for url in page_urls(case.id, uploaded["id"]):
        r = read_and_close(web.get(url))
        expected = 403 if url.endswith("package.zip") and who in ("applicant", "respondent", "mediator") else 200
        assert r.status_code == expected, (url, r.status_code)
    for url in api_urls(case.id, uploaded["id"]):
        r = eapi.get(people[who], url)
        expected = 403 if url.endswith("package.zip") and who in ("applicant", "respondent", "mediator") else 200
        assert r.status_code == expected, (url, r.status_code)
