"""The evidence API: uploads hashed on the server, stored once per content, hostile files refused cleanly."""

import hashlib

import pytest
import sqlalchemy as sa

from caseflow.cases.models import CaseEvent
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.evidence.models import Evidence
from tests.evidence import helpers as h
from tests.evidence.conftest import both_backends, nothing_left


@both_backends
def test_sha256_returned_equals_the_files_and_same_bytes_are_stored_once(eapi, people, case, storage):
    data = h.pdf("invoice")
    r = eapi.upload(people["applicant"], case.id, data, "发票.pdf")
    assert r.status_code == 201, r.json
    body = r.json
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["size"] == len(data) and body["mime"] == "application/pdf"
    assert body["original_name"] == "发票.pdf" and body["kind"] == "documentary" and body["label"] == "证据1"

    again = eapi.upload(people["officer"], case.id, data, "copy.pdf", title="同一发票", kind="documentary",
                        method="onsite_collection")
    assert again.status_code == 201, again.json
    assert again.json["sha256"] == body["sha256"] and again.json["id"] != body["id"]
    assert again.json["label"] == "证据2" and again.json["submitted_as"] == "staff"

    stored = list(storage.iter_objects())
    assert [o.sha256 for o in stored] == [body["sha256"]]  # two records, one stored file
    assert storage.leftovers() == []
    with storage.open(body["sha256"]) as fh:
        assert fh.read() == data
    got = eapi.get(people["respondent"], f"/api/v1/cases/{case.id}/evidence/{body['id']}/content")
    assert got.status_code == 200 and got.data == data and got.headers["Content-Length"] == str(len(data))
    preview = eapi.get(people["respondent"], f"/api/v1/cases/{case.id}/evidence/{body['id']}/preview.png")
    assert preview.status_code == 200 and preview.data.startswith(b"\x89PNG")

    # The case's JSON lists the evidence; each upload is a custody event in the chain.
    detail = eapi.get(people["officer"], f"/api/v1/cases/{case.id}").json
    assert [e["id"] for e in detail["evidence"]] == [body["id"], again.json["id"]]
    tags = db.session.scalars(sa.select(CaseEvent.tag).where(CaseEvent.case_id == case.id)).all()
    assert tags.count("evidence:upload") == 2


def test_download_and_view_are_custody_events_with_safe_headers(eapi, people, case):
    data = h.png()
    ev = eapi.upload(people["applicant"], case.id, data, "现场照片 1.png", kind="physical").json

    r = eapi.get(people["officer"], f"/api/v1/cases/{case.id}/evidence/{ev['id']}/content")
    assert r.status_code == 200 and r.data == data
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    disp = r.headers["Content-Disposition"]
    assert disp.startswith("attachment;") and h.rfc5987("现场照片 1.png") in disp
    assert "sandbox" in r.headers["Content-Security-Policy"]

    r = eapi.get(people["respondent"], f"/api/v1/cases/{case.id}/evidence/{ev['id']}/content?inline=1")
    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("inline;")

    events = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                           CaseEvent.tag.like("evidence:%"))
                                .order_by(CaseEvent.seq)).all()
    assert [e.tag for e in events] == ["evidence:upload", "evidence:download", "evidence:view"]
    assert all(e.data["evidence_id"] == ev["id"] for e in events)
    assert events[1].actor_id == people["officer"].id


def test_preview_of_image_and_pdf(eapi, people, case):
    img = eapi.upload(people["applicant"], case.id, h.jpeg((800, 600)), "photo.jpg", kind="physical").json
    doc = eapi.upload(people["applicant"], case.id, h.pdf(), "contract.pdf").json
    for ev in (img, doc):
        r = eapi.get(people["officer"], f"/api/v1/cases/{case.id}/evidence/{ev['id']}/preview.png")
        assert r.status_code == 200 and r.data.startswith(b"\x89PNG")
        import io

        from PIL import Image

        with Image.open(io.BytesIO(r.data)) as im:
            assert max(im.size) <= 320
    # Previews are not custody events (they would flood the chain); views and downloads are.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)
                             .where(CaseEvent.tag == "evidence:view", CaseEvent.case_id == case.id)) == 0


HOSTILE = [
    pytest.param("program.pdf", h.elf(), "可执行程序", id="renamed-elf"),
    pytest.param("发票.pdf", h.windows_exe(), "可执行程序", id="renamed-exe"),
    pytest.param("合同.pdf", h.html(), "HTML 网页", id="html-named-pdf"),
    pytest.param("空白.pdf", b"", "空文件", id="empty-file"),
    pytest.param("", h.pdf(), "文件名为空", id="empty-name"),
    pytest.param("   ", h.pdf(), "文件名为空", id="blank-name"),
    pytest.param("../../etc/passwd", h.text("root:x:0:0:root:/root:/bin/bash\n"), "路径", id="path-traversal"),
    # On the wire a backslash in a quoted filename is escaped; Werkzeug unescapes this to ..\..\boot.ini
    pytest.param("..\\\\..\\\\boot.ini", h.text(), "路径", id="windows-path"),
    pytest.param("archive.zip", h.zip_archive(), "压缩包", id="archive"),
    pytest.param("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG",
                 id="svg"),
    pytest.param("photo.pdf", h.png(), "扩展名 .pdf", id="png-named-pdf"),
]


@both_backends
@pytest.mark.parametrize(("name", "data", "message"), HOSTILE)
def test_hostile_files_are_refused_with_a_message_and_leave_nothing(eapi, people, case, storage, name, data,
                                                                     message):
    r = eapi.upload(people["applicant"], case.id, data, name)
    assert r.status_code == 422, r.json
    assert message in r.json["message"], r.json
    assert r.json["error"] in {"invalid", "unsupported_type"}
    assert nothing_left(storage, case) == []


@both_backends
def test_over_size_file_is_refused_and_leaves_nothing(app, eapi, people, case, storage, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 64 * 1024)
    r = eapi.upload(people["applicant"], case.id, h.text("x" * (64 * 1024 + 1)), "big.txt")
    assert r.status_code == 413 and r.json["error"] == "too_large"
    assert "64 KB" in r.json["message"]
    assert nothing_left(storage, case) == []
    # Exactly at the limit is fine.
    r = eapi.upload(people["applicant"], case.id, h.text("y" * (64 * 1024)), "ok.txt")
    assert r.status_code == 201, r.json


def test_over_size_by_content_length_is_refused_before_reading(app, eapi, people, case, storage, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 1024)
    body, ctype = h.multipart({"title": "x", "kind": "documentary"}, [("file", "a.txt", b"z" * 4 * 1024 * 1024)])
    r = eapi.raw(people["applicant"], case.id, body, ctype)
    assert r.status_code == 413 and "1 KB" in r.json["message"]
    assert nothing_left(storage, case) == []


def test_archives_and_executables_when_configured(app, eapi, people, case, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_ALLOW_ARCHIVES", True)
    r = eapi.upload(people["officer"], case.id, h.zip_archive(), "电子数据.zip", kind="electronic")
    assert r.status_code == 201 and r.json["mime"] == "application/zip"
    assert eapi.upload(people["officer"], case.id, h.elf(), "tool", kind="electronic").status_code == 422
    monkeypatch.setitem(app.config, "EVIDENCE_ALLOW_EXECUTABLES", True)
    r = eapi.upload(people["officer"], case.id, h.elf(), "侵权软件", kind="electronic")
    assert r.status_code == 201, r.json
    # Executables are only ever downloaded, never shown inline.
    got = eapi.get(people["officer"], f"/api/v1/cases/{case.id}/evidence/{r.json['id']}/content?inline=1")
    assert got.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": "", "kind": "documentary"}, "title"),
    ({"title": "x", "kind": "bogus"}, "kind"),
    ({"title": "x"}, "kind"),
    ({"title": "x" * 201, "kind": "documentary"}, "title"),
    ({"title": "x", "kind": "documentary", "method": "teleport"}, "method"),
    ({"title": "x", "kind": "documentary", "method": "onsite_collection"}, "method"),  # staff only
])
def test_invalid_fields_are_422_and_leave_nothing(eapi, people, case, storage, fields, field):
    body, ctype = h.multipart(fields, [("file", "a.pdf", h.pdf())])
    r = eapi.raw(people["applicant"], case.id, body, ctype)
    assert r.status_code == 422 and field in r.json["fields"], r.json
    assert nothing_left(storage, case) == []


def test_malformed_requests(eapi, people, case, storage):
    user = people["applicant"]
    url = f"/api/v1/cases/{case.id}/evidence"
    r = eapi.client.post(url, json={"title": "x"}, headers=eapi.headers(user))
    assert r.status_code == 422 and "multipart" in r.json["message"]
    body, ctype = h.multipart({"title": "x", "kind": "documentary"})
    assert eapi.raw(user, case.id, body, ctype).status_code == 422  # no file
    body, ctype = h.multipart({"title": "x", "kind": "documentary"}, [("file", "a.pdf", h.pdf()),
                                                                    ("file", "b.pdf", h.pdf("b"))])
    r = eapi.raw(user, case.id, body, ctype)
    assert r.status_code == 422 and "1 个文件" in r.json["message"]
    truncated, ctype = h.multipart({"title": "x", "kind": "documentary"}, [("file", "a.pdf", h.pdf())])
    r = eapi.raw(user, case.id, truncated[:-40], ctype)
    assert r.status_code in (400, 422)
    assert eapi.upload(None, case.id, h.pdf()).status_code == 401
    assert nothing_left(storage, case) == []


def test_per_case_limit(app, eapi, people, case, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_PER_CASE", 2)
    for i in range(2):
        assert eapi.upload(people["applicant"], case.id, h.unique_text(), f"{i}.txt").status_code == 201
    r = eapi.upload(people["applicant"], case.id, h.unique_text(), "3.txt")
    assert r.status_code == 409 and r.json["error"] == "evidence_limit" and "上限" in r.json["message"]


def test_admission_handover_and_versions(eapi, people, case, storage):
    ev = eapi.upload(people["applicant"], case.id, h.pdf("v1"), "合同.pdf").json
    base = f"/api/v1/cases/{case.id}/evidence/{ev['id']}"

    assert eapi.post(people["applicant"], base + "/admission", {"decision": "admitted"}).status_code == 403
    r = eapi.post(people["officer"], base + "/admission", {"decision": "rejected"})
    assert r.status_code == 422 and "理由" in r.json["message"]
    r = eapi.post(people["officer"], base + "/admission", {"decision": "rejected", "reason": "复印件，无原件核对"})
    assert r.status_code == 200 and r.json["admission"] == "rejected" and r.json["admission_title"] == "不予采信"
    r = eapi.post(people["supervisor"], base + "/admission", {"decision": "admitted", "reason": "已核对原件"})
    assert r.status_code == 200 and r.json["admission"] == "admitted"

    r = eapi.post(people["officer"], base + "/handover", {"recipient": "重庆市公安局渝中区分局", "note": "原件一份"})
    assert r.status_code == 200

    # A correction is a new version linked to the old one; the old file and record stay as they were.
    body, ctype = h.multipart({"description": "更正扫描件"}, [("file", "合同-更正.pdf", h.pdf("v2"))])
    r = eapi.client.post(base + "/versions", data=body, content_type=ctype, headers=eapi.headers(people["applicant"]))
    assert r.status_code == 201, r.json
    new = r.json
    assert new["replaces_id"] == ev["id"] and new["version"] == 2 and new["number"] == ev["number"]
    assert new["title"] == ev["title"] and new["label"] == "证据1（第2版）" and new["admission"] == "pending"
    old = eapi.get(people["applicant"], base).json
    assert old["current"] is False and old["replaced_by_id"] == new["id"] and old["sha256"] == ev["sha256"]
    assert {o.sha256 for o in storage.iter_objects()} == {ev["sha256"], new["sha256"]}
    # The old version cannot be corrected again (it already has a successor); other people's evidence neither.
    r = eapi.client.post(base + "/versions", data=body, content_type=ctype, headers=eapi.headers(people["applicant"]))
    assert r.status_code == 409
    r = eapi.client.post(f"/api/v1/cases/{case.id}/evidence/{new['id']}/versions", data=body, content_type=ctype,
                         headers=eapi.headers(people["respondent"]))
    assert r.status_code == 403

    tags = [e.tag for e in db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                              .order_by(CaseEvent.seq))]
    assert tags.count("evidence:admission") == 2 and tags.count("evidence:handover") == 1
    assert tags.count("evidence:upload") == 2
    from caseflow.cases.audit import verify_case

    assert verify_case(case) is None  # the chain stays intact


def test_parties_cannot_upload_to_a_closed_case_but_staff_can(eapi, people, case):

    case.closed_at = clock.now()
    db.session.flush()
    r = eapi.upload(people["applicant"], case.id, h.pdf())
    assert r.status_code == 403 and "办结" in r.json["message"]
    assert eapi.upload(people["officer"], case.id, h.pdf()).status_code == 201


def test_evidence_rows_reference_the_case(eapi, people, case):
    ev = eapi.upload(people["respondent"], case.id, h.docx(), "答辩意见.docx", kind="statement").json
    row = db.session.get(Evidence, ev["id"])
    assert row.submitted_as == "respondent" and row.case_id == case.id
    assert row.mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    listing = eapi.get(people["applicant"], f"/api/v1/cases/{case.id}/evidence").json
    assert [e["id"] for e in listing["items"]] == [ev["id"]]


def test_boundary_like_bytes_at_every_chunk_edge_and_long_fields(eapi, people, case, storage):
    # Werkzeug keeps a possible partial boundary between reads; the form limit must leave room for it.
    data = (b"x" * (64 * 1024 - 4) + b"\r\n--") * 6
    r = eapi.upload(people["applicant"], case.id, data, "log.txt")
    assert r.status_code == 201, r.json
    assert r.json["sha256"] == hashlib.sha256(data).hexdigest()
    body, ctype = h.multipart({"title": "x", "kind": "documentary", "description": "长" * (600 * 1024)},
                              [("file", "a.pdf", h.pdf())])
    r = eapi.raw(people["applicant"], case.id, body, ctype)
    assert r.status_code == 413 and "文字说明不超过 1 MB" in r.json["message"]
    assert storage.leftovers() == []
