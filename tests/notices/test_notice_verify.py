"""The public /verify page: it confirms office, number, date, masked recipient and SHA-256, and tells the original
PDF from the same PDF with one byte changed."""

from __future__ import annotations

import io

import pytest

from caseflow.core.db import db
from caseflow.notices import issuing, rendering, verification
from tests.notices.conftest import CLAIMANTS

pytestmark = pytest.mark.usefixtures("session")


@pytest.fixture
def issued(acceptance, people):
    _, notice = acceptance
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


def test_drafts_have_no_verification(acceptance, people, client):
    _, notice = acceptance
    assert notice.verify_code is None
    assert verification.find_by_code("") is None


def test_verify_by_number_and_code_as_the_footer_says(issued, client):
    """The last page's footer says: enter the 文书编号 and 验证码 at the printed address. Doing just that works."""
    import re

    from tests.notices.conftest import pdf_text

    notice, content = issued
    text = pdf_text(content)
    assert "输入文书编号和验证码" in text
    number, code = re.search(r"文书编号：(.+?号)验证码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text).groups()
    assert number == notice.number
    page = client.get("/verify", query_string={"number": number, "code": code})
    assert page.status_code == 200 and notice.sha256 in page.data.decode()
    # Typed by hand: half-width brackets, spaces, lower case.
    typed = number.replace("〔", "[").replace("〕", "]")
    page = client.get("/verify", query_string={"number": f" {typed} ", "code": code.lower().replace("-", " ")})
    assert page.status_code == 200 and notice.sha256 in page.data.decode()


def test_number_and_code_must_belong_to_the_same_document(issued, client):
    notice, _ = issued
    other = notice.number.replace("〕", "〕9")
    page = client.get("/verify", query_string={"number": other, "code": notice.verify_code})
    assert page.status_code == 404 and notice.sha256 not in page.data.decode()
    alone = client.get("/verify", query_string={"number": notice.number})  # a number is guessable: not enough
    assert alone.status_code == 404 and notice.sha256 not in alone.data.decode()
    assert "请同时输入文书编号和验证码" in alone.data.decode()


def test_the_printed_address_is_the_configured_one_not_the_request_host(app, acceptance, people, monkeypatch):
    from tests.notices.conftest import pdf_text

    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://ip.cq.example.gov.cn/caseflow/")
    _, notice = acceptance
    with app.test_request_context("/", headers={"Host": "attacker.example"}):
        issuing.issue(notice, actor=people["officer"])
    with rendering.open_pdf(notice) as stream:
        text = pdf_text(stream.read())
    assert "https://ip.cq.example.gov.cn/caseflow/verify" in text and "attacker" not in text


def test_production_refuses_to_start_without_a_public_url(tmp_path):
    from caseflow.config import ConfigError, check_config

    base = {"ENV": "production", "SECRET_KEY": "s" * 40, "AUDIT_KEY": "a" * 40, "INSTANCE_DIR": str(tmp_path)}
    with pytest.raises(ConfigError, match="CASEFLOW_PUBLIC_URL"):
        check_config(dict(base))
    with pytest.raises(ConfigError, match="https"):
        check_config(dict(base, PUBLIC_URL="http://ip.cq.gov.cn"))
    with pytest.raises(ConfigError, match="不是有效的网址"):
        check_config(dict(base, PUBLIC_URL="ip.cq.gov.cn"))
    check_config(dict(base, PUBLIC_URL="https://ip.cq.gov.cn"))
