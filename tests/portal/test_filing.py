"""Online filing through the portal, over HTTP with CSRF on: drafts, validation, submission, status, withdrawal.

A draft is not a case (docs/architecture.md, JSON API): it has no number and is invisible to everyone but its author;
submitting creates exactly one case with the office's gapless number.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from caseflow.cases.models import Case
from caseflow.core.validators import patent_check_digit
from caseflow.portal.models import FilingDraft
from tests.conftest import csrf_of
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.cases import advance, complaint

pytestmark = pytest.mark.usefixtures("session")

RIGHT = {"unit": "500103", "kind": "patent_infringement", "ip_type": "invention",
         "right_number": "2020101234562", "asserted_claims": "权利要求1-3"}
CLAIMANT = {"claimants-0-name": "重庆山城科技有限公司", "claimants-0-id_type": "uscc",
            "claimants-0-id_number": "91500103MA5U8KJ84F", "claimants-0-address": "重庆市渝中区民生路1号",
            "claimants-0-phone": "13800000000"}
RESPONDENT = {"respondents-0-name": "重庆某某商贸有限公司", "respondents-0-id_type": "",
              "respondents-0-id_number": "", "respondents-0-address": "重庆市渝中区解放碑", "respondents-0-phone": ""}
FACTS = {"title": "销售侵犯发明专利权的空气净化器", "facts": "被投诉人在解放碑门店销售涉嫌侵权的空气净化器。",
         "claims": "请求责令停止销售并销毁库存。"}
STEPS = [RIGHT, CLAIMANT, RESPONDENT, FACTS]


# ---- helpers: what a person does in the browser, as HTTP ----


class Filer:
    """Drives the filing form as one logged-in rights holder."""

    def __init__(self, web):
        self.web = web

    def start(self) -> int:
        r = self.web.post_form("/portal/", post_url="/portal/file")
        assert r.status_code == 303, r.data.decode()[:300]
        m = re.search(r"/portal/drafts/(\d+)/step/1$", r.headers["Location"])
        assert m, r.headers["Location"]
        return int(m.group(1))

    def step_url(self, draft_id: int, n: int) -> str:
        return f"/portal/drafts/{draft_id}/step/{n}"

    def post_step(self, draft_id: int, n: int, data: dict, go: str = "next"):
        return self.web.post_form(self.step_url(draft_id, n), {**data, "go": go})

    def fill_all(self, draft_id: int) -> None:
        for n, data in enumerate(STEPS, start=1):
            r = self.post_step(draft_id, n, data)
            assert r.status_code == 303, (n, text(r)[:2000])
        assert r.headers["Location"].endswith(f"/portal/drafts/{draft_id}/review")

    def submit(self, draft_id: int):
        url = f"/portal/drafts/{draft_id}/review"
        return self.web.post_form(url)

    def file(self) -> int:
        """Start, fill in and submit a complaint; return the new case's id."""
        draft_id = self.start()
        self.fill_all(draft_id)
        r = self.submit(draft_id)
        assert r.status_code == 303, text(r)[:500]
        return case_id_of(r)


def text(resp) -> str:
    return resp.data.decode()


def case_id_of(resp) -> int:
    m = re.search(r"/portal/cases/(\d+)", resp.headers["Location"])
    assert m, resp.headers["Location"]
    return int(m.group(1))


def field_value(html: str, name: str) -> str | None:
    """The value a text input or the selected option of a select shows."""
    m = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if m:
        v = re.search(r'value="([^"]*)"', m.group(0))
        return v.group(1) if v else ""
    m = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.DOTALL)
    if m:
        v = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', m.group(1))
        return (v.group(1) or v.group(2)) if v else None
    m = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>\r?\n?(.*?)</textarea>', html, re.DOTALL)
    return m.group(1) if m else None


@pytest.fixture
def holder(session):
    return UserFactory(organisation=True, display_name="重庆山城科技有限公司", username="shancheng")


@pytest.fixture
def filer(web, holder):
    web.login(holder.username, PASSWORD)
    return Filer(web)


def drafts_of(session, user) -> list[FilingDraft]:
    return list(session.scalars(sa.select(FilingDraft).where(FilingDraft.user_id == user.id)))


def cases_of(session, user) -> list[Case]:
    return list(session.scalars(sa.select(Case).where(Case.created_by_id == user.id).order_by(Case.id)))


# ---- drafts: save, leave, resume ----


def test_new_draft_is_prefilled_with_the_filer(filer, holder):
    draft_id = filer.start()
    html = text(filer.web.get(filer.step_url(draft_id, 2)))
    assert field_value(html, "claimants-0-name") == "重庆山城科技有限公司"
    assert field_value(html, "claimants-0-id_type") == "uscc"
    assert field_value(html, "claimants-0-id_number") == "91500103MA5U8KJ84F"


def test_save_keeps_the_draft_and_it_resumes_from_the_list(filer, holder, session):
    draft_id = filer.start()
    assert filer.post_step(draft_id, 1, RIGHT).status_code == 303
    r = filer.post_step(draft_id, 2, {**CLAIMANT, "claimants-0-address": "重庆市渝中区中山一路"}, go="save")
    assert r.status_code == 303 and r.headers["Location"].endswith(filer.step_url(draft_id, 2))
    assert "草稿已保存" in text(filer.web.get(r.headers["Location"]))

    # Leave, come back through the draft list: the draft resumes where it was left.
    index = text(filer.web.get("/portal/"))
    assert "草稿" in index and "继续填写" in index
    assert f'href="{filer.step_url(draft_id, 2)}"' in index
    html = text(filer.web.get(filer.step_url(draft_id, 2)))
    assert field_value(html, "claimants-0-address") == "重庆市渝中区中山一路"
    html = text(filer.web.get(filer.step_url(draft_id, 1)))
    assert field_value(html, "unit") == "500103"
    assert field_value(html, "right_number") == "ZL202010123456.2"  # normalised when the step passed

    # Not a case: no number, no case row.
    assert cases_of(session, holder) == []
    assert len(drafts_of(session, holder)) == 1


def test_save_accepts_an_incomplete_step(filer, holder, session):
    draft_id = filer.start()
    r = filer.post_step(draft_id, 4, {"title": "只写了案由", "facts": "", "claims": ""}, go="save")
    assert r.status_code == 303
    assert drafts_of(session, holder)[0].data["title"] == "只写了案由"
    assert field_value(text(filer.web.get(filer.step_url(draft_id, 4))), "title") == "只写了案由"


def test_prev_goes_back_and_keeps_what_was_typed(filer, holder, session):
    draft_id = filer.start()
    filer.post_step(draft_id, 1, RIGHT)
    r = filer.post_step(draft_id, 2, {**CLAIMANT, "claimants-0-phone": "13900000000"}, go="prev")
    assert r.status_code == 303 and r.headers["Location"].endswith(filer.step_url(draft_id, 1))
    assert field_value(text(filer.web.get(filer.step_url(draft_id, 2))), "claimants-0-phone") == "13900000000"


def test_step_out_of_range_is_404(filer):
    draft_id = filer.start()
    assert filer.web.get(filer.step_url(draft_id, 0)).status_code == 404
    assert filer.web.get(filer.step_url(draft_id, 5)).status_code == 404
    assert filer.web.get("/portal/drafts/99999999/step/1").status_code == 404


def test_deleting_a_draft(filer, holder, session):
    draft_id = filer.start()
    r = filer.web.post_form("/portal/", post_url=f"/portal/drafts/{draft_id}/delete")
    assert r.status_code == 303
    assert drafts_of(session, holder) == []
    assert filer.web.get(filer.step_url(draft_id, 1)).status_code == 404


# ---- validation on "next": 422, the Chinese message, and what was typed is kept ----


# A utility-model number (5th digit 2) with a correct check digit, offered as an invention patent.
UTILITY_MODEL_NUMBER = "ZL202020123456." + patent_check_digit("202020123456")


@pytest.mark.parametrize(("step", "data", "message", "field", "typed"), [
    (1, dict(RIGHT, right_number="ZL202010123456.3"), "专利号校验位不正确", "right_number", "ZL202010123456.3"),
    (1, dict(RIGHT, right_number="2020101234563"), "专利号校验位不正确", "right_number", "2020101234563"),
    (1, dict(RIGHT, right_number=UTILITY_MODEL_NUMBER), "专利号与所选专利类型不一致", "right_number",
     UTILITY_MODEL_NUMBER),
    (1, dict(RIGHT, right_number="CN12345"), "专利号格式不正确", "right_number", "CN12345"),
    (1, dict(RIGHT, unit=""), "请选择“受理单位”", "right_number", "ZL202010123456.2"),  # valid: normalised
    (1, dict(RIGHT, unit="999999"), "请选择有效的选项", "asserted_claims", "权利要求1-3"),
    (1, dict(RIGHT, right_number=""), "请填写“权利编号”", "right_number", ""),
    (1, dict(RIGHT, ip_type="trademark", right_number="第12AB号"), "商标注册号应为1至9位数字", "right_number",
     "第12AB号"),
    (2, dict(CLAIMANT, **{"claimants-0-id_number": "91500103MA5U8KJ84X"}), "统一社会信用代码不正确",
     "claimants-0-id_number", "91500103MA5U8KJ84X"),
    (2, dict(CLAIMANT, **{"claimants-0-id_type": "resident_id", "claimants-0-id_number": "110105194912310021"}),
     "居民身份证号码不正确", "claimants-0-id_number", "110105194912310021"),
    (2, dict(CLAIMANT, **{"claimants-0-name": ""}), "请填写“名称/姓名”", "claimants-0-address",
     "重庆市渝中区民生路1号"),
    (2, dict(CLAIMANT, **{"claimants-0-id_number": ""}), "请填写“证件号码”", "claimants-0-name",
     "重庆山城科技有限公司"),
    (3, dict(RESPONDENT, **{"respondents-0-name": ""}), "请填写“名称/姓名”", "respondents-0-address",
     "重庆市渝中区解放碑"),
    (3, dict(RESPONDENT, **{"respondents-0-id_type": "uscc", "respondents-0-id_number": "123"}),
     "统一社会信用代码不正确",
     "respondents-0-id_number", "123"),
    (4, dict(FACTS, facts=""), "请填写“事实与理由”", "title", FACTS["title"]),
    (4, dict(FACTS, claims=""), "请填写“请求事项”", "facts", FACTS["facts"]),
    (4, dict(FACTS, title="长" * 201), "标题不能超过200字", "title", "长" * 201),
])
def test_next_with_invalid_data_is_422_in_chinese_and_keeps_input(filer, holder, session, step, data, message,
                                                                  field, typed):
    draft_id = filer.start()
    r = filer.post_step(draft_id, step, data)
    assert r.status_code == 422
    html = text(r)
    assert message in html
    assert "请修改标出的内容" in html and 'aria-invalid="true"' in html
    assert field_value(html, field) == typed
    # What was typed is saved with the draft too: it is there after leaving and coming back, still on this step.
    assert field_value(text(filer.web.get(filer.step_url(draft_id, step))), field) == typed
    session.expire_all()
    assert drafts_of(session, holder)[0].step == step


def test_both_patent_number_forms_pass_and_are_normalised(filer, session, holder):
    draft_id = filer.start()
    for number in ("ZL202010123456.2", "2020101234562", "zl 202010123456.2"):
        r = filer.post_step(draft_id, 1, dict(RIGHT, right_number=number))
        assert r.status_code == 303, text(r)[:1000]
        session.expire_all()
        assert drafts_of(session, holder)[0].data["right_number"] == "ZL202010123456.2"


def test_resident_id_claimant_with_x_check_digit(filer):
    draft_id = filer.start()
    data = dict(CLAIMANT, **{"claimants-0-name": "李堃", "claimants-0-id_type": "resident_id",
                             "claimants-0-id_number": "11010519491231002x"})
    assert filer.post_step(draft_id, 2, data).status_code == 303
    assert field_value(text(filer.web.get(filer.step_url(draft_id, 2))), "claimants-0-id_number") == \
        "11010519491231002X"


# ---- claimant and respondent rows ----


def test_add_and_remove_claimant_rows(filer, holder, session):
    draft_id = filer.start()
    second = {"claimants-1-name": "李堃", "claimants-1-id_type": "resident_id",
              "claimants-1-id_number": "11010519491231002X", "claimants-1-address": "", "claimants-1-phone": ""}
    r = filer.post_step(draft_id, 2, CLAIMANT, go="add-claimants")
    assert r.status_code == 303 and r.headers["Location"].endswith(filer.step_url(draft_id, 2))
    html = text(filer.web.get(filer.step_url(draft_id, 2)))
    assert 'name="claimants-1-name"' in html and 'name="claimants-2-name"' not in html
    assert field_value(html, "claimants-0-name") == "重庆山城科技有限公司"  # the first row survived

    # Fill the new row, add a third, then remove the first: the others move up.
    filer.post_step(draft_id, 2, {**CLAIMANT, **second}, go="add-claimants")
    html = text(filer.web.get(filer.step_url(draft_id, 2)))
    assert 'name="claimants-2-name"' in html
    third = {"claimants-2-name": "", "claimants-2-id_type": "", "claimants-2-id_number": "",
             "claimants-2-address": "", "claimants-2-phone": ""}
    r = filer.post_step(draft_id, 2, {**CLAIMANT, **second, **third}, go="remove-1")
    assert r.status_code == 303
    html = text(filer.web.get(filer.step_url(draft_id, 2)))
    assert field_value(html, "claimants-0-name") == "李堃"
    assert 'name="claimants-1-name"' in html and 'name="claimants-2-name"' not in html

    # The empty row blocks "next" with a message; removing it lets the step pass.
    r = filer.post_step(draft_id, 2, {**{k.replace("-1-", "-0-"): v for k, v in second.items()},
                                      **{k.replace("-2-", "-1-"): v for k, v in third.items()}})
    assert r.status_code == 422 and "请填写“名称/姓名”" in text(r)
    r = filer.post_step(draft_id, 2, {k.replace("-1-", "-0-"): v for k, v in second.items()}, go="remove-2")
    html = text(filer.web.get(filer.step_url(draft_id, 2)))
    assert 'name="claimants-1-name"' not in html
    session.expire_all()
    assert [c["name"] for c in drafts_of(session, holder)[0].data["claimants"]] == ["李堃"]


def test_the_last_row_cannot_be_removed(filer, holder, session):
    draft_id = filer.start()
    r = filer.post_step(draft_id, 3, RESPONDENT, go="remove-1")
    assert r.status_code == 303
    html = text(filer.web.get(filer.step_url(draft_id, 3)))
    assert field_value(html, "respondents-0-name") == "重庆某某商贸有限公司"


def test_rows_are_capped(filer, holder, session):
    draft_id = filer.start()
    rows = {}
    for i in range(10):
        rows.update({f"claimants-{i}-name": f"投诉人{i}", f"claimants-{i}-id_type": "uscc",
                     f"claimants-{i}-id_number": "91500103MA5U8KJ84F"})
    r = filer.post_step(draft_id, 2, rows, go="add-claimants")
    assert r.status_code == 303
    session.expire_all()
    assert len(drafts_of(session, holder)[0].data["claimants"]) == 10


def test_bad_buttons_do_not_break(filer):
    draft_id = filer.start()
    for go in ("remove-x", "remove-99", "remove-0", "add-", "bogus", ""):
        r = filer.post_step(draft_id, 2, CLAIMANT, go=go)
        assert r.status_code in (303, 422), (go, r.status_code)


# ---- drafts are private ----


def test_draft_is_invisible_to_other_rights_holders(web, holder, session):
    web.login(holder.username, PASSWORD)
    draft_id = Filer(web).start()
    Filer(web).post_step(draft_id, 4, FACTS, go="save")
    web.client.post("/logout", data={"csrf_token": _token(web)})

    other = UserFactory()
    web.login(other.username, PASSWORD)
    for url in (f"/portal/drafts/{draft_id}/step/1", f"/portal/drafts/{draft_id}/step/4",
                f"/portal/drafts/{draft_id}/review"):
        assert web.get(url).status_code == 404
    # Nor can they write to it, submit it or delete it.
    token = _token(web)
    assert web.client.post(f"/portal/drafts/{draft_id}/step/4",
                           data={"csrf_token": token, **FACTS, "title": "篡改", "go": "save"}).status_code == 404
    assert web.client.post(f"/portal/drafts/{draft_id}/review", data={"csrf_token": token}).status_code == 404
    assert web.client.post(f"/portal/drafts/{draft_id}/delete", data={"csrf_token": token}).status_code == 404
    assert "销售侵犯发明专利权" not in text(web.get("/portal/"))
    session.expire_all()
    assert session.get(FilingDraft, draft_id).data["title"] == FACTS["title"]


def _token(web) -> str:
    """The session's CSRF token, as any rendered form carries it."""
    return csrf_of(web.get("/login").data)


def test_draft_is_invisible_to_staff_queues_and_api(web, client, holder, session):
    web.login(holder.username, PASSWORD)
    filer = Filer(web)
    draft_id = filer.start()
    for n, data in enumerate(STEPS, start=1):
        filer.post_step(draft_id, n, data)  # complete, on the review page, but not submitted
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    web.client.post("/logout", data={"csrf_token": _token(web)})

    officer = UserFactory(officer=True, username="officer-a")
    supervisor = UserFactory(supervisor=True, username="super-a")
    for staff in (officer, supervisor):
        web.login(staff.username, PASSWORD)
        for q in ("mine", "unassigned", "all"):
            page = text(web.get(f"/cases/?queue={q}"))
            assert "销售侵犯发明专利权" not in page and "没有符合条件的案件" in page
        assert web.get(f"/portal/drafts/{draft_id}/step/1").status_code == 404
        assert web.get(f"/portal/drafts/{draft_id}/review").status_code == 404
        web.client.post("/logout", data={"csrf_token": _token(web)})

        token = client.post("/api/v1/auth/token", json={"username": staff.username, "password": PASSWORD}).json["token"]
        listing = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
        assert listing.status_code == 200 and listing.json["total"] == 0 and listing.json["items"] == []

    # The author's own API listing holds no draft either.
    token = client.post("/api/v1/auth/token", json={"username": holder.username, "password": PASSWORD}).json["token"]
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).json["total"] == 0


def test_staff_cannot_use_the_portal(web):
    officer = UserFactory(officer=True)
    web.login(officer.username, PASSWORD)
    assert web.get("/portal/").status_code == 404
    assert web.post_form("/cases/", post_url="/portal/file").status_code == 404


def test_anonymous_is_sent_to_login(client):
    r = client.get("/portal/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


# ---- submission ----


def test_submit_creates_one_case_with_the_office_number(filer, holder, session):
    draft_id = filer.start()
    filer.fill_all(draft_id)
    review = text(filer.web.get(f"/portal/drafts/{draft_id}/review"))
    for shown in ("专利侵权", "发明专利", "ZL202010123456.2", "权利要求1-3", "重庆某某商贸有限公司",
                  "91500103MA5U8KJ84F", FACTS["title"], FACTS["claims"]):
        assert shown in review, shown
    assert cases_of(session, holder) == []

    r = filer.submit(draft_id)
    assert r.status_code == 303 and r.headers["Location"].endswith("?receipt=1")
    cases = cases_of(session, holder)
    assert len(cases) == 1
    case = cases[0]
    assert re.fullmatch(r"渝中知投〔\d{4}〕\d+号", case.number)
    assert case.state == "submitted" and case.channel == "online"
    assert case.right_number == "ZL202010123456.2" and case.asserted_claims == "权利要求1-3"
    assert [(p.role.value, p.name) for p in case.parties] == [("claimant", "重庆山城科技有限公司"),
                                                             ("respondent", "重庆某某商贸有限公司")]
    assert drafts_of(session, holder) == []

    receipt = text(filer.web.get(r.headers["Location"]))
    assert "提交回执" in receipt and case.number in receipt
    assert re.search(r'id="case-state"[^>]*>已提交<', receipt)


def test_numbers_are_gapless_per_office_and_year(filer, holder, session):
    ids = [filer.file() for _ in range(3)]
    numbers = [session.get(Case, i).number for i in ids]
    seqs = [int(re.search(r"〕(\d+)号", n).group(1)) for n in numbers]
    assert seqs == list(range(seqs[0], seqs[0] + 3)), numbers
    assert all(n.startswith("渝中知投〔") for n in numbers)

    # Another office keeps its own sequence, with its own prefix.
    draft_id = filer.start()
    for n, data in enumerate(STEPS, start=1):
        filer.post_step(draft_id, n, dict(data, unit="500105") if n == 1 else data)
    other = session.get(Case, case_id_of(filer.submit(draft_id)))
    assert other.number.startswith("江北知投〔") and other.number.endswith("〕1号"), other.number


def test_failed_submission_creates_nothing_and_sends_back_to_the_step(filer, holder, session):
    draft_id = filer.start()
    for n, data in enumerate(STEPS[:3], start=1):
        filer.post_step(draft_id, n, data)
    filer.post_step(draft_id, 4, dict(FACTS, claims=""), go="save")
    before = session.scalar(sa.select(sa.func.count()).select_from(Case))
    r = filer.submit(draft_id)
    assert r.status_code == 303 and r.headers["Location"].endswith(filer.step_url(draft_id, 4))
    assert "提交失败" in text(filer.web.get(r.headers["Location"]))
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == before
    assert len(drafts_of(session, holder)) == 1


def test_double_submit_creates_one_case(filer, holder, session):
    draft_id = filer.start()
    filer.fill_all(draft_id)
    url = f"/portal/drafts/{draft_id}/review"
    token = _token(filer.web)
    first = filer.web.client.post(url, data={"csrf_token": token})
    second = filer.web.client.post(url, data={"csrf_token": token})  # the same form, posted again
    assert first.status_code == 303
    assert second.status_code == 303, text(second)[:500]
    assert case_id_of(second) == case_id_of(first)
    assert len(cases_of(session, holder)) == 1
    page = text(filer.web.get(second.headers["Location"]))
    case = cases_of(session, holder)[0]
    assert "已提交" in page and "请勿重复提交" in page and case.number in page


def test_submitting_a_draft_that_never_existed_is_404(filer, holder, session):
    filer.file()
    assert filer.web.client.post("/portal/drafts/99999999/review",
                                 data={"csrf_token": _token(filer.web)}).status_code == 404


def test_submitted_draft_pages_point_to_the_case(filer, holder, session):
    draft_id = filer.start()
    filer.fill_all(draft_id)
    case_id = case_id_of(filer.submit(draft_id))
    r = filer.web.get(f"/portal/drafts/{draft_id}/step/2")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/portal/cases/{case_id}")


def test_another_users_submitted_draft_stays_404(web, holder, session):
    web.login(holder.username, PASSWORD)
    filer = Filer(web)
    draft_id = filer.start()
    filer.fill_all(draft_id)
    filer.submit(draft_id)
    web.client.post("/logout", data={"csrf_token": _token(web)})
    other = UserFactory()
    web.login(other.username, PASSWORD)
    assert web.get(f"/portal/drafts/{draft_id}/review").status_code == 404
    assert web.client.post(f"/portal/drafts/{draft_id}/review",
                           data={"csrf_token": _token(web)}).status_code == 404


# ---- the status page, withdrawal ----


def test_status_page_shows_timeline_and_withdraw(filer, holder, session):
    case_id = filer.file()
    case = session.get(Case, case_id)
    officer = UserFactory(officer=True)
    advance(case, ("request_correction", officer, {"items": "请补充专利权评价报告"}))
    html = text(filer.web.get(f"/portal/cases/{case_id}"))
    assert re.search(r'id="case-state"[^>]*>待补正<', html)
    assert "办理进度" in html and "通知补正" in html and "请补充专利权评价报告" in html
    assert html.index("通知补正") < html.index("提交投诉")  # newest first
    # Each step of the timeline names the state it led to.
    timeline = html[html.index("办理进度"):html.index("提交投诉")]
    assert re.search(r'通知补正</strong>\s*<span class="badge">待补正</span>', timeline)
    assert f'href="/cases/{case_id}/actions/withdraw"' in html and "撤回投诉" in html
    assert "提交回执" not in html
    # Parties see masked IDs of others but the facts of their own filing.
    assert FACTS["facts"] in html


def test_status_page_of_another_holders_case_is_404(web, holder, session):
    mine = complaint(holder)
    other = UserFactory()
    web.login(other.username, PASSWORD)
    assert web.get(f"/portal/cases/{mine.id}").status_code == 404
    assert web.get(f"/cases/{mine.id}/actions/withdraw").status_code == 404
    assert web.get("/portal/cases/0").status_code == 404
    assert web.get(f"/portal/cases/{2**63}").status_code == 404


def test_withdraw_through_the_action_form(filer, holder, session):
    case_id = filer.file()
    form_url = f"/cases/{case_id}/actions/withdraw"
    page = filer.web.get(form_url)
    assert page.status_code == 200 and "撤回理由" in text(page)
    version = session.get(Case, case_id).version
    assert field_value(text(page), "version") == str(version)
    # Withdrawing ends the case: the form asks for a ticked "我已核对" and refuses without it, keeping the reason.
    assert "撤回后本案即告终结" in text(page) and 'name="confirmed"' in text(page)
    r = filer.web.post_form(form_url, {"version": str(version), "reason": "已与对方和解"})
    assert r.status_code == 422 and "请勾选“我已核对”后再提交" in text(r) and "已与对方和解" in text(r)
    r = filer.web.post_form(form_url, {"version": str(version), "reason": "已与对方和解", "confirmed": "yes"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/portal/cases/{case_id}")
    session.expire_all()
    case = session.get(Case, case_id)
    assert case.state == "withdrawn" and case.closed_at is not None
    html = text(filer.web.get(r.headers["Location"]))
    assert re.search(r'id="case-state"[^>]*>已撤回<', html)
    assert "已完成：撤回投诉" in html and "已与对方和解" in html
    assert "当前没有您可执行的操作" in html


def test_withdraw_twice_with_a_stale_version_flashes_and_loses_nothing(filer, holder, session):
    case_id = filer.file()
    form_url = f"/cases/{case_id}/actions/withdraw"
    page = text(filer.web.get(form_url))
    token, version = csrf_of(page), field_value(page, "version")
    first = filer.web.client.post(form_url, data={"csrf_token": token, "version": version, "reason": "第一次",
                                                  "confirmed": "yes"})
    assert first.status_code == 303
    events_before = len(session.get(Case, case_id).events)
    # The double click: the same form again, with the version it was rendered with.
    second = filer.web.client.post(form_url, data={"csrf_token": token, "version": version, "reason": "第二次",
                                                   "confirmed": "yes"})
    assert second.status_code == 303 and second.headers["Location"].endswith(f"/portal/cases/{case_id}")
    html = text(filer.web.get(second.headers["Location"]))
    assert "flash danger" in html
    session.expire_all()
    case = session.get(Case, case_id)
    assert case.state == "withdrawn"
    assert len(case.events) == events_before
    assert case.events[-1].data["fields"]["reason"] == "第一次"


def test_stale_version_while_open_keeps_the_case_as_it_was(filer, holder, session):
    case_id = filer.file()
    form_url = f"/cases/{case_id}/actions/withdraw"
    page = text(filer.web.get(form_url))
    stale = field_value(page, "version")
    case = session.get(Case, case_id)
    advance(case, ("accept", UserFactory(officer=True), {}))  # an officer acted meanwhile
    r = filer.web.post_form(form_url, {"version": stale, "reason": "撤回", "confirmed": "yes"})
    assert r.status_code == 303
    html = text(filer.web.get(r.headers["Location"]))
    assert "案件已被他人更新，请刷新后重试" in html
    session.expire_all()
    assert session.get(Case, case_id).state == "accepted"


def test_withdraw_without_version_changes_nothing(filer, holder, session):
    case_id = filer.file()
    r = filer.web.post_form(f"/cases/{case_id}/actions/withdraw", {"reason": "x"})
    assert r.status_code == 422
    session.expire_all()
    assert session.get(Case, case_id).state == "submitted"


def test_portal_lists_my_cases_only(web, holder, session):
    mine = complaint(holder, title="我的投诉")
    theirs = complaint(UserFactory(), title="别人的投诉")
    web.login(holder.username, PASSWORD)
    html = text(web.get("/portal/"))
    assert mine.number in html and "我的投诉" in html
    assert theirs.number not in html and "别人的投诉" not in html
