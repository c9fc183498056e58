"""Hostile text in an upload's form (streamed, so checked after our own parser): a Chinese 400, nothing kept."""

import pytest

from tests.evidence import helpers as h
from tests.evidence.conftest import nothing_left
from tests.evidence.test_evidence_pages import post_upload


@pytest.mark.parametrize(("fields", "name"), [({"title": "购买发票\x00"}, "发票.pdf"),
                                              ({"title": "购买发票", "description": "\x00"}, "发票.pdf"),
                                              ({"title": "购买发票"}, "发票\x00.pdf")])
def test_api_upload_with_nul_is_refused_and_leaves_nothing(eapi, people, case, storage, fields, name):
    r = eapi.upload(people["applicant"], case.id, h.pdf(), name, **fields)
    assert r.status_code == 400, r.data[:300]
    assert r.json["error"] == "bad_characters" and "不允许的字符" in r.json["message"]
    assert nothing_left(storage, case) == []


def test_web_upload_with_nul_title_is_refused_and_leaves_nothing(web, people, case, storage):
    """The page's script gets a JSON 400; a plain form returns to the case page with the reason, as for every
    refused upload."""
    web.login(people["applicant"].username)
    page = f"/portal/cases/{case.id}"
    xhr = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
    r = post_upload(web, page, f"/cases/{case.id}/evidence", {"title": "发票\x00", "kind": "documentary"},
                    [("files", "a.pdf", h.pdf())], headers=xhr)
    assert r.status_code == 400 and "不允许的字符" in r.json["message"]
    r = post_upload(web, page, f"/cases/{case.id}/evidence", {"title": "发票\x00", "kind": "documentary"},
                    [("files", "a.pdf", h.pdf())])
    assert r.status_code == 303
    assert "不允许的字符" in web.get(r.headers["Location"]).get_data(as_text=True)
    assert nothing_left(storage, case) == []
