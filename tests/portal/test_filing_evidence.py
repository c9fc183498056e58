"""Evidence attached in the filing wizard: files are checked and stored as evidence uploads are, visible only to the
draft's author, and become the case's evidence (numbered, hashed, in the audit chain) when the draft is submitted."""

from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa

from caseflow.cases.models import Case
from caseflow.core.db import db
from caseflow.evidence.integrity import fsck
from caseflow.evidence.models import Evidence
from caseflow.evidence.storage import get_storage
from caseflow.portal.models import DraftEvidence, FilingDraft
from tests.adjudication.test_adj_portal_filing import _fill, _start
from tests.conftest import csrf_of
from tests.evidence import helpers as h
from tests.factories.accounts import PASSWORD, UserFactory
from tests.portal.test_filing import RIGHT

pytestmark = pytest.mark.usefixtures("session")


def _attach(client, draft_id, files, **fields):
    review = client.get(f"/portal/drafts/{draft_id}/review")
    body, ctype = h.multipart({"csrf_token": csrf_of(review.data), **fields}, files)
    return client.post(f"/portal/drafts/{draft_id}/evidence", data=body, content_type=ctype)


def _draft(client, web, people):
    web.login(people["applicant"].username)
    _, draft_id = _start(web, "adjudication")
    _fill(web, draft_id, RIGHT)
    return draft_id


def test_files_attached_before_submitting_become_the_cases_evidence(client, web, people):
    draft_id = _draft(client, web, people)
    patent, photo = h.pdf("Patent certificate"), h.png()
    r = _attach(client, draft_id, [("files", "专利证书.pdf", patent), ("files", "产品照片.png", photo)],
                kind="documentary", description="证明请求人是专利权人")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/portal/drafts/{draft_id}/review#evidence")
    review = client.get(f"/portal/drafts/{draft_id}/review").get_data(as_text=True)
    assert "证据材料（2）" in review and "专利证书" in review and "产品照片" in review
    assert hashlib.sha256(patent).hexdigest()[:16] in review
    # Nothing of the draft is the office's yet: no evidence row, no case.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 0
    # The stored files are explained to fsck by the draft (not orphans).
    report = fsck(get_storage(), verify_hashes=False)
    assert not {o.sha256 for o in report.orphans} & {hashlib.sha256(patent).hexdigest(),
                                                      hashlib.sha256(photo).hexdigest()}

    r = web.post_form(f"/portal/drafts/{draft_id}/review")
    case = db.session.get(Case, int(re.search(r"/portal/cases/(\d+)", r.headers["Location"]).group(1)))
    rows = list(db.session.scalars(sa.select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.number)))
    assert [(e.number, e.title, e.original_name) for e in rows] == [(1, "专利证书", "专利证书.pdf"),
                                                                      (2, "产品照片", "产品照片.png")]
    assert rows[0].sha256 == hashlib.sha256(patent).hexdigest() and rows[0].submitted_by_id == people["applicant"].id
    assert rows[0].description == "证明请求人是专利权人" and rows[1].mime == "image/png"
    assert [e.data["via"] for e in case.events if e.tag == "evidence:upload"] == ["filing", "filing"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftEvidence)) == 0
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    assert "证据（2）" in page and "专利证书" in page


def test_a_refused_file_is_said_in_chinese_and_attaches_nothing(client, web, people):
    draft_id = _draft(client, web, people)
    r = _attach(client, draft_id, [("files", "setup.exe", h.windows_exe())], kind="documentary")
    assert r.status_code == 303
    review = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "“setup.exe”未能附上" in review and "证据材料（0）" in review
    r = _attach(client, draft_id, [("files", "证据.pdf", h.pdf())])  # no kind chosen
    review = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "请选择证据种类" in review and "证据材料（0）" in review
    r = _attach(client, draft_id, [("files", "", b"")], kind="documentary")  # no file chosen
    assert "请选择要上传的文件" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftEvidence)) == 0


def test_only_the_author_attaches_sees_or_removes_and_deleting_the_draft_drops_them(client, web, people):
    draft_id = _draft(client, web, people)
    _attach(client, draft_id, [("files", "证据.pdf", h.pdf())], kind="documentary")
    [row] = db.session.scalars(sa.select(DraftEvidence)).all()
    other = UserFactory()
    web.login(other.username, PASSWORD)
    assert _attach(client, draft_id, [("files", "x.pdf", h.pdf("x"))], kind="documentary").status_code == 404
    token = csrf_of(client.get("/portal/").data)
    r = client.post(f"/portal/drafts/{draft_id}/evidence/{row.id}/remove", data={"csrf_token": token})
    assert r.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftEvidence)) == 1
    web.login(people["applicant"].username)
    r = web.post_form(f"/portal/drafts/{draft_id}/review",
                      post_url=f"/portal/drafts/{draft_id}/evidence/{row.id}/remove")
    assert r.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftEvidence)) == 0
    _attach(client, draft_id, [("files", "证据.pdf", h.pdf())], kind="documentary")
    r = web.post_form("/portal/", post_url=f"/portal/drafts/{draft_id}/delete")
    assert r.status_code == 303
    assert db.session.get(FilingDraft, draft_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftEvidence)) == 0
