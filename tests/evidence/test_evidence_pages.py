"""Evidence on the workspace and the portal: the card, plain multi-file uploads with CSRF on, the script's
one-file uploads, the list (证据清单), the detail page, admission and hand-over forms, corrections."""

import csv
import hashlib
import io
import re

import sqlalchemy as sa

from caseflow.cases.models import CaseEvent
from caseflow.core.db import db
from caseflow.evidence.models import Admission, Evidence
from tests.conftest import csrf_of
from tests.evidence import helpers as h
from tests.evidence.conftest import nothing_left, read_and_close


def case_page(people, who, case):
    return f"/cases/{case.id}" if people[who].is_staff else f"/portal/cases/{case.id}"


def post_upload(web, page, url, fields, files, headers=None):
    token = csrf_of(web.get(page).data)
    body, ctype = h.multipart({"csrf_token": token, **fields}, files)
    return web.client.post(url, data=body, content_type=ctype, headers=headers or {})


def test_the_case_pages_show_the_card_and_the_upload_form(web, people, case):
    for who in ("applicant", "officer"):
        web.login(people[who].username)
        html = web.get(case_page(people, who, case)).get_data(as_text=True)
        assert 'id="evidence"' in html and "尚未提交证据" in html
        assert 'class="evidence-upload"' in html and 'enctype="multipart/form-data"' in html
        assert 'type="file" name="files" multiple' in html and "evidence.js" in html
        assert "现场提取" in html if who == "officer" else "现场提取" not in html  # staff-only method
    web.login(people["admin"].username)  # sees the case, cannot submit evidence
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="evidence"' in html and 'class="evidence-upload"' not in html


def test_plain_form_uploads_several_files_and_reports_each(web, people, case, storage):
    web.login(people["applicant"].username)
    page = case_page(people, "applicant", case)
    files = [("files", "发票.pdf", h.pdf("a")), ("files", "照片.png", h.png()), ("files", "伪装.pdf", h.html())]
    r = post_upload(web, page, f"/cases/{case.id}/evidence", {"kind": "documentary", "description": "购买过程"},
                    files)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/portal/cases/{case.id}#evidence")
    html = web.get(page).get_data(as_text=True)
    assert "已提交证据1《发票》" in html and "已提交证据2《照片》" in html
    assert "“伪装.pdf”未能提交" in html and "HTML 网页" in html
    rows = db.session.scalars(sa.select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)).all()
    assert [(e.title, e.original_name, e.description) for e in rows] == [
        ("发票", "发票.pdf", "购买过程"), ("照片", "照片.png", "购买过程")]
    assert rows[0].sha256 == hashlib.sha256(h.pdf("a")).hexdigest()
    assert storage.leftovers() == [] and len(list(storage.iter_objects())) == 2


def test_plain_form_title_applies_to_every_file(web, people, case):
    web.login(people["officer"].username)
    r = post_upload(web, f"/cases/{case.id}", f"/cases/{case.id}/evidence",
                    {"title": "现场照片", "kind": "physical", "method": "onsite_collection"},
                    [("files", "1.jpg", h.jpeg()), ("files", "2.png", h.png("green"))])
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/cases/{case.id}#evidence")
    titles = db.session.scalars(sa.select(Evidence.title).where(Evidence.case_id == case.id)
                                .order_by(Evidence.id)).all()
    assert titles == ["现场照片（1）", "现场照片（2）"]


def test_the_script_upload_answers_json(web, people, case, storage):
    web.login(people["respondent"].username)
    page = case_page(people, "respondent", case)
    xhr = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
    data = h.docx()
    r = post_upload(web, page, f"/cases/{case.id}/evidence", {"title": "答辩意见", "kind": "statement"},
                    [("files", "答辩.docx", data)], headers=xhr)
    assert r.status_code == 201, r.json
    assert r.json["items"][0]["sha256"] == hashlib.sha256(data).hexdigest() and r.json["refused"] == []
    r = post_upload(web, page, f"/cases/{case.id}/evidence", {"title": "程序", "kind": "electronic"},
                    [("files", "setup.pdf", h.windows_exe())], headers=xhr)
    assert r.status_code == 422 and "可执行程序" in r.json["message"]
    r = post_upload(web, page, f"/cases/{case.id}/evidence", {"title": "x"}, [("files", "a.pdf", h.pdf())],
                    headers=xhr)
    assert r.status_code == 422 and "kind" in r.json["fields"]
    assert storage.leftovers() == []


def test_upload_without_csrf_token_is_refused_and_leaves_nothing(web, people, case, storage):
    web.login(people["applicant"].username)
    body, ctype = h.multipart({"kind": "documentary"}, [("files", "a.pdf", h.pdf())])
    r = web.client.post(f"/cases/{case.id}/evidence", data=body, content_type=ctype)
    assert r.status_code == 400 and "页面已过期" in r.get_data(as_text=True)
    body, ctype = h.multipart({"kind": "documentary", "csrf_token": "forged"}, [("files", "a.pdf", h.pdf())])
    assert web.client.post(f"/cases/{case.id}/evidence", data=body, content_type=ctype).status_code == 400
    assert nothing_left(storage, case) == []


def test_no_file_chosen(web, people, case, storage):
    web.login(people["applicant"].username)
    page = case_page(people, "applicant", case)
    r = post_upload(web, page, f"/cases/{case.id}/evidence", {"kind": "documentary"}, [("files", "", b"")])
    assert r.status_code == 303
    assert "请选择要上传的文件" in web.get(page).get_data(as_text=True)
    assert nothing_left(storage, case) == []


def test_list_csv_detail_and_staff_forms(web, eapi, people, case, storage):
    ev = eapi.upload(people["applicant"], case.id, h.pdf(), "=cmd|'calc'!A0.pdf",
                     title="=HYPERLINK(\"http://x\")", description="证明销售事实")
    assert ev.status_code == 201, ev.json
    ev = ev.json
    web.login(people["officer"].username)

    html = web.get(f"/cases/{case.id}/evidence").get_data(as_text=True)
    assert "证据清单" in html and ev["sha256"] in html and case.number in html

    r = read_and_close(web.get(f"/cases/{case.id}/evidence.csv"))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["序号", "版本", "证据名称"] and rows[1][0] == "1"
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")" and rows[1][9].startswith("'=cmd")  # no formula injection
    assert rows[1][12] == ev["sha256"]

    detail = f"/cases/{case.id}/evidence/{ev['id']}"
    html = web.get(detail).get_data(as_text=True)
    assert "证据认定" in html and "登记移交" in html and "保管记录" in html and ev["sha256"] in html
    assert f"{people['applicant'].display_name}（投诉人）" in html  # the complaint's own word, not 申请人/投诉人

    r = web.post_form(detail, {"decision": "rejected", "reason": ""},
                      post_url=f"{detail}/admission")
    assert r.status_code == 303
    assert "不予采信须说明理由" in web.get(detail).get_data(as_text=True)
    r = web.post_form(detail, {"decision": "rejected", "reason": "无法核实来源"}, post_url=f"{detail}/admission")
    assert r.status_code == 303
    row = db.session.get(Evidence, ev["id"])
    db.session.refresh(row)
    assert row.admission == Admission.REJECTED and row.admission_reason == "无法核实来源"

    r = web.post_form(detail, {"recipient": "渝中区人民法院", "note": "复制件一份"}, post_url=f"{detail}/handover")
    assert r.status_code == 303
    html = web.get(detail).get_data(as_text=True)
    assert "证据移交：证据1 移交给 渝中区人民法院" in html and "不予采信（无法核实来源）" in html

    # Parties see the detail page without the staff forms, and cannot post them.
    web.login(people["applicant"].username)
    html = web.get(detail).get_data(as_text=True)
    assert "<h2>证据认定</h2>" not in html and "<h2>登记移交</h2>" not in html and "更正（上传新版本）" in html
    assert web.post_form(detail, {"decision": "admitted"}, post_url=f"{detail}/admission").status_code == 403


def test_correction_through_the_page(web, eapi, people, case, storage):
    ev = eapi.upload(people["applicant"], case.id, h.pdf("v1"), "合同.pdf").json
    web.login(people["applicant"].username)
    detail = f"/cases/{case.id}/evidence/{ev['id']}"
    r = post_upload(web, detail, f"{detail}/replace", {"description": "补充盖章页"},
                    [("file", "合同（盖章）.pdf", h.pdf("v2"))])
    assert r.status_code == 303
    new_id = int(re.search(r"/evidence/(\d+)$", r.headers["Location"]).group(1))
    new = db.session.get(Evidence, new_id)
    assert new.replaces_id == ev["id"] and new.version == 2 and new.description == "补充盖章页"
    html = web.get(detail).get_data(as_text=True)
    assert "此为旧版本" in html and "证据1（第2版）" in html
    # A refused correction changes nothing.
    r = post_upload(web, f"/cases/{case.id}/evidence/{new_id}", f"/cases/{case.id}/evidence/{new_id}/replace",
                    {}, [("file", "x.pdf", b"")])
    assert r.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 2
    assert storage.leftovers() == []


def test_view_download_and_package_through_the_pages(web, eapi, people, case):
    data = h.pdf("shown")
    ev = eapi.upload(people["applicant"], case.id, data, "证据 (1).pdf").json
    web.login(people["supervisor"].username)
    base = f"/cases/{case.id}/evidence/{ev['id']}"
    r = read_and_close(web.get(base + "/view"))
    assert r.status_code == 200 and r.data == data and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" not in r.headers["Content-Security-Policy"]  # browsers' PDF viewers refuse a sandbox
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in r.headers["Cache-Control"]
    r = read_and_close(web.get(base + "/download"))
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert h.rfc5987("证据 (1).pdf") in r.headers["Content-Disposition"]
    r = read_and_close(web.get(f"/cases/{case.id}/evidence/package.zip"))
    assert r.status_code == 200 and r.mimetype == "application/zip" and r.data[:2] == b"PK"
    tags = db.session.scalars(sa.select(CaseEvent.tag).where(CaseEvent.case_id == case.id)
                              .order_by(CaseEvent.seq)).all()
    assert tags[-3:] == ["evidence:view", "evidence:download", "evidence:package"]
