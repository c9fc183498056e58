"""The public /verify page: it confirms office, number, date, masked recipient and SHA-256, and tells the original
PDF from the same PDF with one byte changed."""

from __future__ import annotations

import io

import pytest

from caseflow.core.db import db
from caseflow.notices import issuing, rendering, verification
from tests.notices.conftest import CLAIMANTS, act

pytestmark = pytest.mark.usefixtures("session")


@pytest.fixture
def issued(make_case, people, notices_of):
    case = make_case()
    act(case, "accept", people["officer"])
    [notice] = notices_of(case)
    issuing.issue(notice, actor=people["officer"])
    db.session.flush()
    with rendering.open_pdf(notice) as stream:
        content = stream.read()
    return notice, content


def _tampered(content: bytes) -> bytes:
    # Change one byte inside the document (a digit of the first object number's stream length would break
    # parsing; flip a byte in the middle instead).
    position = len(content) // 2
    return content[:position] + bytes([content[position] ^ 0x01]) + content[position + 1:]


def test_verify_page_confirms_the_document(issued, client):
    notice, _ = issued
    page = client.get(f"/verify/{notice.verify_code}")
    assert page.status_code == 200
    html = page.data.decode()
    assert notice.number in html and notice.sha256 in html and "重庆市渝中区知识产权局" in html
    assert f"{notice.document_date.year}年{notice.document_date.month}月{notice.document_date.day}日" in html
    assert "重庆********公司" in html and CLAIMANTS[0] not in html  # the recipient's name is masked
    # The printed form of the code (dashes, lower case) is accepted too.
    dashed = "-".join(notice.verify_code[i:i + 4] for i in range(0, 12, 4)).lower()
    assert client.get(f"/verify/{dashed}").status_code == 200
    assert client.get("/verify/AAAA-BBBB-CCCC").status_code == 404
    assert client.get("/verify").status_code == 200


def test_upload_accepts_the_original_and_rejects_one_changed_byte(issued, client):
    from tests.conftest import csrf_of

    notice, content = issued
    url = f"/verify/{notice.verify_code}"

    def upload(data: bytes):
        token = csrf_of(client.get(url).data)
        return client.post(url, data={"csrf_token": token, "code": notice.verify_code,
                                      "file": (io.BytesIO(data), "文书.pdf")}, content_type="multipart/form-data")

    good = upload(content)
    assert good.status_code == 200 and 'data-genuine="1"' in good.data.decode()
    bad = upload(_tampered(content))
    assert bad.status_code == 200 and 'data-genuine="0"' in bad.data.decode()


def test_verify_api(issued, client):
    notice, content = issued
    good = client.post(f"/api/v1/verify/{notice.verify_code}", data=content, content_type="application/pdf")
    assert good.status_code == 200 and good.json["genuine"] is True
    assert good.json["document"]["number"] == notice.number
    bad = client.post(f"/api/v1/verify/{notice.verify_code}",
                      data={"file": (io.BytesIO(_tampered(content)), "x.pdf")}, content_type="multipart/form-data")
    assert bad.status_code == 200 and bad.json["genuine"] is False
    assert client.post("/api/v1/verify/AAAABBBBCCCC", data=b"x").status_code == 404


def test_drafts_have_no_verification(make_case, people, notices_of, client):
    case = make_case()
    act(case, "accept", people["officer"])
    [notice] = notices_of(case)
    assert notice.verify_code is None
    assert verification.find_by_code("") is None
