"""Every route × every role (and anonymous) against someone else's case: the answer is what the policy says.

The routes come from the application's URL map: a route (or method) without an entry in EXPECT fails the test.
Each entry asks caseflow/policy.py (and, for case actions, the workflow's roles) what the identity should get, at
the moment of the request, about a world of one rights holder's case in one district office:

- LOGIN: web pages send anonymous visitors to the login page; 401: the API without a token;
- 404: what the identity may not see does not exist for it (someone else's case, evidence, document, draft,
  session, account; another role's pages);
- 403: a case the identity sees, but an act its role may not do;
- THROUGH: none of these refusals — the request reached the view's own logic (which may still find the empty
  input wanting, 400/422, or the state wrong, 409).

A page that declares @on_refusal answers a service's refusal by flashing it and going back (303): a 403 expected
there is met by a 403 or by that flashed refusal.

No answer may be a 500, and no answer to someone who may not see the case may show its number, its
respondent's name or its evidence.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

import workflows
from caseflow import policy
from caseflow.accounts import sessions
from caseflow.accounts.models import Role, SignInSession, User
from caseflow.approvals.models import ApprovalRequest
from caseflow.cases.models import PartyRole
from caseflow.cases.services import create_case, perform
from caseflow.core import clock
from tests.conftest import csrf_of
from tests.factories.accounts import PASSWORD, UserFactory, unit

pytestmark = pytest.mark.usefixtures("session")

THROUGH, LOGIN, FLASHED = "through", "login", "flashed refusal"
ANON = "anonymous"
# Words only the case's own people and staff may ever read (the case number is added once the case exists).
RESPONDENT_NAME = "重庆矩阵标记商贸有限公司"
EVIDENCE_TITLE = "矩阵机密账册甲七"

#: Who asks: every Role value, someone of the same role outside the case or office, and anonymous.
IDENTITIES: dict[str, dict] = {
    "applicant": {"organisation": True},                    # the rights holder who filed the case
    "stranger": {},                                         # another rights holder
    "respondent": {"role": Role.RESPONDENT},                # the case's respondent, linked to its party
    "other_respondent": {"role": Role.RESPONDENT},          # a respondent of some other case
    "officer": {"officer": True},                           # the case's office (500103)
    "mediator": {"mediator": True},
    "supervisor": {"supervisor": True},
    "city_supervisor": {"supervisor": True, "staff_unit": "500000"},   # the parent office
    "other_officer": {"officer": True, "staff_unit": "500105"},        # another district
    "other_supervisor": {"supervisor": True, "staff_unit": "500105"},
    "admin": {"admin": True, "staff_unit": "500000"},                  # manages every office's accounts
    "district_admin": {"admin": True, "staff_unit": "500105"},         # manages another district only
}


@dataclasses.dataclass
class World:
    people: dict[str, User]
    case: object
    evidence: object
    notice: object          # a draft document (the staff's)
    issued: object          # an issued document served on the applicant
    draft: object           # the applicant's unfinished filing
    draft_evidence: object  # a file attached to it
    approval: object        # the officer's request to reject the case
    bystander: User         # an officer of the case's office nobody here is: admin pages act on this account
    their_session: SignInSession
    their_token: object
    markers: tuple[str, ...] = ()


# ---- expectations: (user or None, world) → outcome ----

Expect = Callable[[User | None, World], object]


def _user(u):
    return u if u is not None else AnonymousUserMixin()


def public(then: Expect | None = None) -> Expect:
    """Anyone, signed in or not."""
    return lambda u, w: then(u, w) if then else THROUGH


def web(then: Expect | None = None) -> Expect:
    """Signed in (else the login page)."""
    return lambda u, w: LOGIN if u is None else (then(u, w) if then else THROUGH)


def api(then: Expect | None = None) -> Expect:
    """A valid token (else 401)."""
    return lambda u, w: 401 if u is None else (then(u, w) if then else THROUGH)


def rule(name: str, then: Expect | None = None) -> Expect:
    """policy.requires(name): 404 to whoever the rule refuses."""
    return web(lambda u, w: (then(u, w) if then else THROUGH) if policy.can(u, name) else 404)


def allowed(check: Callable[[User, World], bool], refused: int = 403, then: Expect | None = None) -> Expect:
    return lambda u, w: (then(u, w) if then else THROUGH) if check(u, w) else refused


def sees_case(then: Expect | None = None) -> Expect:
    """The case exists only for those who may see it (policy.can_view_case)."""
    return allowed(lambda u, w: policy.can_view_case(u, w.case), 404, then)


def case_staff(then: Expect | None = None) -> Expect:
    """A document's work is the case staff's; for everyone else it does not exist."""
    return sees_case(allowed(lambda u, w: policy.is_case_staff(u, w.case), 404, then))


def decides_evidence(u, w) -> bool:
    return policy.can_decide_evidence(u, w.case)


def reads(notice_of: Callable[[World], object], then: Expect | None = None) -> Expect:
    return allowed(lambda u, w: policy.can_read_notice(u, notice_of(w)), 404, then)


def draft_notice(then: Expect | None = None) -> Expect:
    """The staff's pages of the draft document (reading.load_notice, then staff only)."""
    return reads(lambda w: w.notice, allowed(lambda u, w: policy.is_case_staff(u, w.case), 404, then))


def may_act(action: str) -> Expect:
    """A workflow action: the case must be visible, and one of the action's roles the user's on this case."""

    def check(u, w):
        variants = workflows.procedure(w.case.procedure).actions_named(action)
        return any(set(a.roles) & policy.case_roles(u, w.case) for a in variants)

    return sees_case(allowed(check, 403))


def manages(then: Expect | None = None) -> Expect:
    """An account on the admin pages: only one the administrator manages exists for them."""
    return rule("administer", allowed(lambda u, w: policy.can_manage_account(u, w.bystander), 404, then))


def own_row(row_of: Callable[[World], object]) -> Expect:
    """One's own sessions and tokens only: someone else's does not exist."""
    return web(allowed(lambda u, w: row_of(w).user_id == u.id, 404))


def registers_referrals(u, w) -> bool:
    return u.is_staff and u.unit is not None and policy.can_register_incoming_referral(u, u.unit)


def decides_approval(u, w) -> bool:
    return policy.can_decide_approval(u, w.approval)


def signs_off(u, w) -> bool:
    """A document waiting for sign-off is the case's supervisors' to sign or return."""
    return "supervisor" in policy.case_staff_roles(u, w.case)


def is_(value) -> Expect:
    return lambda u, w: value


CASE_VIEW = sees_case()
EVIDENCE_WORK = sees_case(allowed(decides_evidence))
EVIDENCE_FIX = sees_case(allowed(lambda u, w: policy.can_replace_evidence(u, w.evidence)))
EVIDENCE_UPLOAD = sees_case(allowed(lambda u, w: policy.can_upload_evidence(u, w.case)))
# The case is a complaint: the referral package (referrals only) and the mediation confirmation package exist for
# nobody; for a mediation the package answers once the case sees it (409 while it is not ready).
NO_REFERRAL_PACKAGE = sees_case(allowed(lambda u, w: policy.can_download_referral_package(u, w.case), 404,
                                        allowed(lambda u, w: w.case.procedure == "referral", 404)))

#: (endpoint, method) → expectation. A route without an entry fails test_every_route_has_an_expectation.
EXPECT: dict[tuple[str, str], Expect] = {
    ("static", "GET"): public(),
    # accounts: one's own account, sessions and tokens
    ("accounts.index", "GET"): public(),
    ("accounts.login", "GET"): public(),
    ("accounts.login", "POST"): public(),
    ("accounts.register", "GET"): public(),
    ("accounts.register", "POST"): public(),
    ("accounts.logout", "POST"): is_(LOGIN),  # signed out, to the login page
    ("accounts.account", "GET"): web(),
    ("accounts.change_password", "GET"): web(),
    ("accounts.change_password", "POST"): web(),
    ("accounts.end_session", "POST"): own_row(lambda w: w.their_session),
    ("accounts.end_other_sessions", "POST"): web(),
    ("accounts.revoke_token", "POST"): own_row(lambda w: w.their_token),
    # the administrator's pages (accounts of the offices they manage; offices)
    ("admin.users", "GET"): rule("administer"),
    ("admin.events", "GET"): rule("administer"),
    ("admin.offices", "GET"): rule("administer"),
    ("admin.new_user", "GET"): rule("administer"),
    ("admin.new_user", "POST"): rule("administer"),
    ("admin.user", "GET"): manages(),
    ("admin.change_role", "POST"): manages(),
    ("admin.set_disabled", "POST"): manages(),
    ("admin.reset_password", "POST"): manages(),
    ("admin.end_sessions", "POST"): manages(),
    ("admin.edit_office", "POST"): rule("administer", allowed(
        lambda u, w: policy.can_edit_office(u, w.case.unit), 404)),
    # the holiday calendar
    ("deadlines.calendar", "GET"): rule("manage_calendar"),
    ("deadlines.add_day", "POST"): rule("manage_calendar"),
    ("deadlines.delete_day", "POST"): rule("manage_calendar"),
    ("deadlines.import_file", "POST"): rule("manage_calendar"),
    ("deadlines.publish_year", "POST"): rule("manage_calendar"),
    # a case's provisional due date, confirmed by its staff (no such deadline on the case: 404)
    ("case_deadlines.confirm", "POST"): rule("use_workspace", sees_case(allowed(
        lambda u, w: policy.is_case_staff(u, w.case), 403, is_(404)))),
    # the staff workspace
    ("cases.queue", "GET"): rule("use_workspace"),
    ("cases.show", "GET"): rule("use_workspace", CASE_VIEW),
    ("cases.act", "GET"): web(may_act("accept")),
    ("cases.act", "POST"): web(may_act("accept")),
    ("approvals.inbox", "GET"): rule("use_workspace"),
    ("approvals.decide", "POST"): rule("use_workspace", sees_case(allowed(decides_approval))),
    # the draft an approval would issue: its deciders and its requester; for everyone else it does not exist
    ("approvals.preview", "GET"): rule("use_workspace", sees_case(allowed(
        lambda u, w: policy.can_preview_approval(u, w.approval), 404))),
    ("notices.signoff_inbox", "GET"): rule("use_workspace"),
    ("stats.page", "GET"): rule("view_stats"),
    ("stats.export", "GET"): rule("view_stats"),
    ("hearings.calendar", "GET"): rule("handle_cases"),
    ("hearings.rooms", "GET"): rule("handle_cases"),
    ("hearings.rooms", "POST"): rule("handle_cases", allowed(lambda u, w: policy.can_manage_rooms(u), 403)),
    ("hearings.upload_evidence", "POST"): web(is_(404)),  # no such hearing, for anyone
    ("referrals.incoming", "GET"): rule("use_workspace", allowed(registers_referrals, 404)),
    ("referrals.incoming", "POST"): rule("use_workspace", allowed(registers_referrals, 404)),
    ("referrals.package", "GET"): rule("use_workspace", NO_REFERRAL_PACKAGE),
    # evidence
    ("evidence.upload", "POST"): web(EVIDENCE_UPLOAD),
    ("evidence.evidence_list", "GET"): web(CASE_VIEW),
    ("evidence.evidence_csv", "GET"): web(CASE_VIEW),
    ("evidence.detail", "GET"): web(CASE_VIEW),
    ("evidence.view", "GET"): web(CASE_VIEW),
    ("evidence.download", "GET"): web(CASE_VIEW),
    ("evidence.preview_png", "GET"): web(CASE_VIEW),
    ("evidence.package", "GET"): web(EVIDENCE_WORK),
    ("evidence.admission", "POST"): web(EVIDENCE_WORK),
    ("evidence.handover", "POST"): web(EVIDENCE_WORK),
    ("evidence.replace", "POST"): web(EVIDENCE_FIX),
    # documents
    ("notices.draft", "POST"): web(case_staff()),
    ("notices.detail", "GET"): web(draft_notice()),
    ("notices.edit", "POST"): web(draft_notice()),
    ("notices.preview", "GET"): web(draft_notice()),
    ("notices.issue", "POST"): web(draft_notice()),
    ("notices.approve", "POST"): web(draft_notice(allowed(signs_off))),
    ("notices.return_", "POST"): web(draft_notice(allowed(signs_off))),
    ("notices.discard", "POST"): web(draft_notice()),
    ("notices.correct", "POST"): web(draft_notice()),
    ("notices.deliver", "POST"): web(draft_notice()),
    ("notices.receipt", "GET"): web(draft_notice()),
    ("notices.pdf", "GET"): web(reads(lambda w: w.issued)),
    ("notices.consent", "POST"): web(CASE_VIEW),
    ("notices.withdraw_consent", "POST"): web(CASE_VIEW),
    ("notices.verify", "GET"): public(),
    ("notices.verify", "POST"): public(),
    # the rights holders' and respondents' portal
    ("portal.index", "GET"): rule("use_portal"),
    ("portal.new_draft", "POST"): rule("use_portal", allowed(lambda u, w: policy.can_file(u), 403)),
    ("portal.step", "GET"): rule("use_portal", allowed(lambda u, w: w.draft.user_id == u.id, 404)),
    ("portal.step", "POST"): rule("use_portal", allowed(lambda u, w: w.draft.user_id == u.id, 404)),
    ("portal.review", "GET"): rule("use_portal", allowed(lambda u, w: w.draft.user_id == u.id, 404)),
    ("portal.review", "POST"): rule("use_portal", allowed(lambda u, w: w.draft.user_id == u.id, 404)),
    ("portal.delete_draft", "POST"): rule("use_portal", allowed(lambda u, w: w.draft.user_id == u.id, 404)),
    ("portal.attach_evidence", "POST"): rule("use_portal", allowed(lambda u, w: w.draft.user_id == u.id, 404)),
    ("portal.remove_evidence", "POST"): rule("use_portal", allowed(lambda u, w: w.draft.user_id == u.id, 404)),
    ("portal.case", "GET"): rule("use_portal", CASE_VIEW),
    ("stats.rate", "POST"): web(CASE_VIEW),
    ("mediation.new_request", "GET"): rule("use_portal", allowed(lambda u, w: policy.can_file(u), 403)),
    ("mediation.new_request", "POST"): rule("use_portal", allowed(lambda u, w: policy.can_file(u), 403)),
    ("mediation.package", "GET"): web(CASE_VIEW),
    ("hearings.access_code", "GET"): public(allowed(lambda u, w: policy.can_use_access_code(_user(u)), 404)),
    ("hearings.access_code", "POST"): public(allowed(lambda u, w: policy.can_use_access_code(_user(u)), 404)),
    # public pages
    ("publication.index", "GET"): public(),
    ("publication.show", "GET"): public(allowed(lambda u, w: bool((w.case.data or {}).get("published")), 404)),
    # the API (a bearer token, never the cookie)
    ("api.openapi", "GET"): public(),
    ("api.token", "POST"): public(),
    ("api.revoke_token", "DELETE"): api(),
    ("api.list_cases", "GET"): api(),
    ("api.create", "POST"): api(allowed(lambda u, w: policy.can_create_cases(u), 403)),
    ("api.get_case", "GET"): api(CASE_VIEW),
    ("api.act", "POST"): api(may_act("accept")),
    ("api.list_approvals", "GET"): api(),
    ("api.decide", "POST"): api(sees_case(allowed(decides_approval))),
    ("evidence_api.upload", "POST"): api(EVIDENCE_UPLOAD),
    ("evidence_api.list_", "GET"): api(CASE_VIEW),
    ("evidence_api.list_csv", "GET"): api(CASE_VIEW),
    ("evidence_api.show", "GET"): api(CASE_VIEW),
    ("evidence_api.content", "GET"): api(CASE_VIEW),
    ("evidence_api.preview", "GET"): api(CASE_VIEW),
    ("evidence_api.package", "GET"): api(EVIDENCE_WORK),
    ("evidence_api.admission", "POST"): api(EVIDENCE_WORK),
    ("evidence_api.handover", "POST"): api(EVIDENCE_WORK),
    ("evidence_api.replace", "POST"): api(EVIDENCE_FIX),
    ("notices_api.list_notices", "GET"): api(CASE_VIEW),
    ("notices_api.notice_detail", "GET"): api(reads(lambda w: w.notice)),
    ("notices_api.notice_pdf", "GET"): api(reads(lambda w: w.issued)),
    ("notices_api.update_parts", "POST"): api(draft_notice()),
    ("notices_api.issue", "POST"): api(draft_notice()),
    ("notices_api.approve", "POST"): api(draft_notice(allowed(signs_off))),
    ("notices_api.deliver", "POST"): api(draft_notice()),
    ("notices_api.verify", "POST"): public(),
    ("mediation_api.api_request", "POST"): api(),
    ("mediation_api.api_package", "GET"): api(CASE_VIEW),
    ("referrals_api.package_api", "GET"): api(NO_REFERRAL_PACKAGE),
    ("referrals_api.incoming_api", "POST"): api(allowed(registers_referrals, 403)),
    ("stats_api.summary", "GET"): api(allowed(lambda u, w: policy.can_view_stats(u), 404)),
}

#: Requests that remove what others still ask about, then those that end the caller's own sign-in (or token),
#: run after everything else, in this order.
LAST = ("portal.remove_evidence", "portal.delete_draft", "api.revoke_token", "accounts.logout")


# ---- the world ----


@pytest.fixture
def world(app, session) -> World:
    from caseflow.evidence import services as evidence
    from caseflow.evidence.models import EvidenceKind
    from caseflow.evidence.storage import get_storage
    from caseflow.notices import catalogue, deliveries, drafting, issuing
    from caseflow.portal.services import attach_evidence, start_draft
    from tests.factories.cases import COMPLAINT

    people = {who: UserFactory(**traits) for who, traits in IDENTITIES.items()}
    applicant, officer = people["applicant"], people["officer"]
    case = create_case(procedure="complaint", unit=unit("500103"), actor=applicant, fields=dict(COMPLAINT), parties=[
        {"role": PartyRole.CLAIMANT, "name": applicant.display_name, "user_id": applicant.id},
        {"role": PartyRole.RESPONDENT, "name": RESPONDENT_NAME, "user_id": people["respondent"].id}])
    upload = get_storage().new_temp(None, filename="账册.txt")
    upload.write("账册\n".encode())
    upload.finish()
    ev = evidence.create_evidence(case, evidence.check_and_store(upload), actor=applicant,
                                  fields={"title": EVIDENCE_TITLE, "kind": EvidenceKind.DOCUMENTARY})
    assert catalogue.KINDS["evidence_list"] in catalogue.hand_draftable(case, ())  # served on the parties
    notice = drafting.draft_manual(case, "evidence_list", actor=officer)
    issued = drafting.draft_manual(case, "evidence_list", actor=officer)
    if not issuing.issue(issued, actor=officer).issued:
        issuing.approve_signoff(issued, actor=people["supervisor"])
    claimant = next(p for p in case.parties if p.user_id == applicant.id)
    deliveries.record_delivery(issued, actor=officer, method="direct", party_id=claimant.id,
                               delivered_on=clock.today(), signed_by=applicant.display_name)
    draft = start_draft(applicant)
    attachment = get_storage().new_temp(None, filename="专利证书.txt")
    attachment.write("专利证书\n".encode())
    attachment.finish()
    draft_evidence = attach_evidence(draft, evidence.check_and_store(attachment),
                                     {"title": "专利证书", "kind": EvidenceKind.DOCUMENTARY})
    perform(case, "reject", actor=officer, data={"version": case.version, "reason": "不属于本局管辖"})
    approval = session.scalar(sa.select(ApprovalRequest).where(ApprovalRequest.case_id == case.id))
    bystander = UserFactory(officer=True)
    their_session, _ = sessions.start_session(bystander, sessions.Client())
    sessions.issue_token(bystander)
    session.commit()
    assert approval is not None and issued.is_issued
    return World(people=people, case=case, evidence=ev, notice=notice, issued=issued, draft=draft,
                 draft_evidence=draft_evidence,
                 approval=approval, bystander=bystander, their_session=their_session,
                 their_token=_token_row(session, bystander), markers=(case.number, RESPONDENT_NAME, EVIDENCE_TITLE))


def _token_row(session, user):
    from caseflow.accounts.models import ApiToken

    return session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))


def fill(rule, w: World) -> str:
    """The rule's URL with its arguments pointing into the world (someone else's things, for most)."""
    values = {"case_id": w.case.id, "evidence_id": w.evidence.id, "notice_id": w.notice.id,
              "request_id": w.approval.id, "draft_id": w.draft.id, "user_id": w.bystander.id,
              "session_id": w.their_session.id, "token_id": w.their_token.id, "code": w.case.unit.code,
              "hearing_id": 2_000_000_000,
              "deadline_id": 2_000_000_000, "action": "accept", "decision": "approve", "what": "disable", "step": 1,
              "section": "monthly", "table": "by_month", "fmt": "csv", "year": 2099, "day": "2099-01-05",
              "filename": "app.js"}
    if rule.endpoint == "portal.remove_evidence":
        values["evidence_id"] = w.draft_evidence.id
    if rule.endpoint in ("notices.pdf", "notices_api.notice_pdf"):
        values["notice_id"] = w.issued.id
    if rule.endpoint in ("notices.verify", "notices_api.verify"):
        values["code"] = w.issued.verify_code
    if rule.endpoint == "deadlines.publish_year":
        values["decision"] = "publish"
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(r"<(?:[^:<>]+(?:\([^)]*\))?:)?" + name + ">", str(values[name]), url)
    return url


class Caller:
    """One identity's browser (signed in through the login page) and API token."""

    def __init__(self, app, user: User | None):
        self.client = app.test_client()
        self.user, self.token = user, None
        if user is not None:
            page = self.client.get("/login")
            r = self.client.post("/login", data={"csrf_token": csrf_of(page.data), "username": user.username,
                                                 "password": PASSWORD})
            assert r.status_code == 303, r.data[:300]
            t = self.client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
            assert t.status_code == 200, t.data[:300]
            self.token = t.json["token"]
        # Signed in, every page carries the logout form's token; anonymous, the login page's.
        self.csrf = csrf_of(self.client.get("/account/" if user is not None else "/login").data)

    def call(self, method: str, url: str):
        if url.startswith("/api/"):
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            return self.client.open(url, method=method, json={} if method != "GET" else None, headers=headers)
        if method == "GET":
            return self.client.get(url)
        return self.client.post(url, data={"csrf_token": self.csrf})


def outcome(caller: Caller, resp) -> object:
    if resp.status_code in (301, 302, 303) and resp.headers.get("Location", "").split("?")[0].endswith("/login"):
        return LOGIN
    if resp.status_code in (401, 403, 404):
        return resp.status_code
    if resp.status_code == 303:
        with caller.client.session_transaction() as cookie:
            flashed = cookie.pop("_flashes", [])
        if any(category == "danger" for category, _ in flashed):
            return FLASHED
    return THROUGH


def matches(want, got) -> bool:
    return got == want or (want == 403 and got == FLASHED) or (want == THROUGH and got == FLASHED)


def routes(app):
    """(rule, method) of the URL map; requests that end the caller's sign-in last."""
    pairs = [(rule, method) for rule in app.url_map.iter_rules() for method in sorted(rule.methods - {"HEAD",
                                                                                                      "OPTIONS"})]
    return sorted(pairs, key=lambda p: (p[0].endpoint in LAST, LAST.index(p[0].endpoint) if p[0].endpoint in LAST
                                        else 0, p[1] != "GET", p[0].rule))


def test_every_route_has_an_expectation(app):
    missing = [f"{method} {rule.rule} ({rule.endpoint})" for rule, method in routes(app)
               if (rule.endpoint, method) not in EXPECT]
    assert not missing, "routes without an expectation in tests/core/test_route_matrix.py:\n" + "\n".join(missing)
    stale = set(EXPECT) - {(rule.endpoint, method) for rule, method in routes(app)}
    assert not stale, f"expectations for routes that no longer exist: {sorted(stale)}"


def test_route_by_role_matrix(app, session, world):
    assert {u.role for u in world.people.values()} == set(Role)  # every role is asked
    callers = {who: Caller(app, world.people[who]) for who in IDENTITIES}
    callers[ANON] = Caller(app, None)
    wrong: list[str] = []
    for rule, method in routes(app):
        url = fill(rule, world)
        for who, caller in callers.items():
            user = session.get(User, caller.user.id) if caller.user is not None else None
            want = EXPECT[rule.endpoint, method](user, world)
            sees = user is not None and policy.can_view_case(user, world.case)
            resp = caller.call(method, url)
            body = resp.get_data().decode("utf-8", "replace")  # read a streamed answer to its end
            resp.close()
            got = outcome(caller, resp)
            if resp.status_code >= 500:
                wrong.append(f"{method} {url} as {who}: {resp.status_code} {resp.data[:200]!r}")
            elif not matches(want, got):
                wrong.append(f"{method} {url} as {who}: expected {want}, got {got} ({resp.status_code})")
            if not sees:
                leaked = [m for m in world.markers if m and m in body]
                if leaked:
                    wrong.append(f"{method} {url} as {who}: shows {leaked} of a case it may not see")
            session.expire_all()  # the next expectation reads what this request left
    assert not wrong, f"{len(wrong)} answers differ from the policy:\n" + "\n".join(wrong)
