"""The hearing's record (笔录) and recordings uploaded as evidence and shown with the hearing; the case clock of
局令81 art. 37 explained on the case page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from caseflow.core import clock
from caseflow.core.db import db
from caseflow.deadlines import due_date
from caseflow.evidence.models import Evidence, EvidenceKind
from caseflow.hearings import services
from caseflow.hearings.models import Hearing
from tests.adjudication.test_adj_steps import act, examined
from tests.conftest import csrf_of
from tests.evidence.helpers import MP4_HEAD, multipart, pdf
from tests.factories.adjudication import hold_on_the_day

pytestmark = pytest.mark.usefixtures("session")


def _held(people):
    case = examined(people)
    day = clock.today() + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), mode="remote",
        link="https://meeting.example.cn/h/1")
    hold_on_the_day(case, people["officer"], record="双方到庭。", requester_attended="yes", respondent_attended="no")
    [hearing] = services.of_case(case)
    return case, hearing


def _upload(client, case, hearing, role, name, data):
    page = client.get(f"/cases/{case.id}")
    body, ctype = multipart({"csrf_token": csrf_of(page.data), "role": role}, [("file", name, data)])
    return client.post(f"/hearings/{hearing.id}/evidence", data=body, content_type=ctype)


def test_record_and_video_uploaded_as_evidence_and_shown_with_the_hearing(client, web, people):
    case, hearing = _held(people)
    web.login(people["officer"].username)
    r = _upload(client, case, hearing, "record", "笔录.pdf", pdf("Hearing record"))
    assert r.status_code == 303
    r = _upload(client, case, hearing, "video", "录像.mp4", MP4_HEAD + b"\0" * 4096)
    assert r.status_code == 303
    row = db.session.get(Hearing, hearing.id)
    items = row.evidence_items
    assert [i["role"] for i in items] == ["record", "video"]
    record, video = (db.session.get(Evidence, i["id"]) for i in items)
    assert record.case_id == case.id and record.kind == EvidenceKind.DOCUMENTARY
    assert video.kind == EvidenceKind.AUDIOVISUAL and video.mime.startswith("video/")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    hearing_row = page[page.index(f'data-hearing="{hearing.id}"'):]
    hearing_row = hearing_row[:hearing_row.index("</tr>")]
    assert "口头审理笔录：" in hearing_row and f"《{record.title}》" in hearing_row
    assert "录像：" in hearing_row and "被请求人缺席" in hearing_row
    # Also in the case's evidence list, and audited.
    import sqlalchemy as sa

    from caseflow.cases.models import CaseEvent

    assert db.session.scalar(sa.select(sa.func.count()).where(CaseEvent.case_id == case.id,
                                                               CaseEvent.tag == "case:hearing:evidence")) == 2


def test_only_the_case_staff_upload_hearing_files(client, web, people):
    case, hearing = _held(people)
    web.login(people["other_district"].username)
    page = client.get("/hearings/calendar")
    body, ctype = multipart({"csrf_token": csrf_of(page.data), "role": "record"}, [("file", "a.pdf", pdf())])
    assert client.post(f"/hearings/{hearing.id}/evidence", data=body, content_type=ctype).status_code == 404
    web.login(people["respondent"].username)
    page = client.get(f"/portal/cases/{case.id}")
    body, ctype = multipart({"csrf_token": csrf_of(page.data), "role": "record"}, [("file", "a.pdf", pdf())])
    r = client.post(f"/hearings/{hearing.id}/evidence", data=body, content_type=ctype)
    assert r.status_code == 303 and db.session.get(Hearing, hearing.id).evidence_items == []
    assert r.headers["Location"].endswith(f"/portal/cases/{case.id}")  # a party goes back to the portal page
    web.login(people["officer"].username)
    r = _upload(client, case, hearing, "minutes", "a.pdf", pdf())  # not a known kind of hearing file
    assert r.status_code == 303 and db.session.get(Hearing, hearing.id).evidence_items == []


def test_case_page_explains_the_case_clock(client, web, people, shift, deadline):
    case = examined(people)
    docketed = deadline(case, "ADJ_CASE_LIMIT").trigger_date
    shift(10)
    act(case, "suspend", people["officer"], reason="depends", detail="本案须以另案审理结果为依据")
    shift(40)
    act(case, "resume", people["officer"])
    shift(45)
    act(case, "start_mediation", people["officer"], note="双方同意调解", settlement="yes")
    shift(52)
    act(case, "end_mediation", people["officer"])
    act(case, "extend", people["supervisor"], reason="案情复杂")
    act(case, "extend", people["city"], reason="特别复杂")
    web.login(people["officer"].username)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    clock = page[page.index('id="case-clock"'):]
    clock = clock[:clock.index("</div>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", clock))
    assert f"自立案之日（{docketed.isoformat()}）起三个月内结案" in text
    assert "中止处理：本案必须以另一案的审理结果为依据，而另一案尚未审结（第二十八条第（六）项）" in text
    assert "30 日不计入" in text
    assert "开始调解" in text and "7 日不计入" in text
    assert "延长 1 个月（本部门负责人批准" in text and "延长 2 个月（上级主管部门批准" in text
    assert "不计入的期间共 37 日" in text
    # Each extension runs from the expiry before it (民法典 arts 201-202).
    assert due_date(docketed, 3, "months", paused_days=37, extensions=[(1, "months"), (2, "months")]).due.isoformat() \
        in text


def test_parties_see_their_hearing_on_the_portal_but_not_the_officers_card(client, web, people):
    case = examined(people)
    day = clock.today() + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    act(case, "schedule_hearing", people["officer"], hearing_date=day.isoformat(), start_time="14:00",
        mode="remote", link="https://meeting.example.cn/h/9")
    web.login(people["respondent"].username)
    page = client.get(f"/portal/cases/{case.id}").get_data(as_text=True)
    assert 'id="party-hearings"' in page and f"{day.isoformat()} 14:00" in page
    assert "https://meeting.example.cn/h/9" in page
    assert 'id="hearings"' not in page and "访问码" not in page  # the officers' card stays with the officers
