"""Portal services: drafts that become cases only when submitted."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa

import workflows
from caseflow.accounts.services import unit_by_code, units_ordered
from caseflow.cases.forms import FILING_STEPS, validate_create_json
from caseflow.cases.models import Case, PartyRole
from caseflow.cases.services import check_new_request, create_case, party_dicts
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid, NotFound
from caseflow.portal.models import DraftEvidence, FilingDraft

MAX_DRAFTS = 50
# The case keeps the id of the draft it came from (in its procedure data), so a second submit of the same
# form can be told apart from a draft that never existed and answered with the case it became.
DRAFT_KEY = "portal_draft"


class AlreadySubmitted(Conflict):
    """The draft was submitted (or deleted) by an earlier request."""


def my_drafts(user) -> list[FilingDraft]:
    return list(db.session.scalars(
        sa.select(FilingDraft).where(FilingDraft.user_id == user.id).order_by(FilingDraft.updated_at.desc())))


def start_draft(user, procedure: str = "complaint") -> FilingDraft:
    """Start a draft prefilled with the filer as the first claimant."""
    count = db.session.scalar(sa.select(sa.func.count()).where(FilingDraft.user_id == user.id)) or 0
    if count >= MAX_DRAFTS:
        raise Invalid(f"草稿最多保留 {MAX_DRAFTS} 份，请先删除不需要的草稿")
    claimant = {"name": user.display_name, "id_type": user.id_type.value if user.id_type else "",
                "id_number": user.id_number or "", "phone": user.phone or "", "address": ""}
    data = {"claimants": [claimant], "respondents": [{}]}
    if procedure == "adjudication":
        data["kind"] = "patent_infringement"  # the 处理请求书 is always a patent-infringement dispute
    draft = FilingDraft(user_id=user.id, procedure=procedure, step=1, data=data)
    db.session.add(draft)
    db.session.flush()
    return draft


def load_draft(draft_id: int, user) -> FilingDraft:
    """A draft of the user's own, else 404."""
    draft = db.session.get(FilingDraft, draft_id) if 0 < draft_id < 2**31 else None
    if draft is None or draft.user_id != user.id:
        raise NotFound("草稿不存在")
    return draft


def save_step(draft: FilingDraft, step: int, values: dict) -> None:
    """Keep what the user typed for one step, valid or not (a draft may be incomplete)."""
    data = dict(draft.data or {})
    for key, value in values.items():
        if key != "csrf_token":
            data[key] = value
    draft.data = data
    draft.step = max(1, min(step, len(FILING_STEPS) + 1))
    db.session.flush()


MAX_DRAFT_FILES = 20
AUTHORISATION_KEY = "authorisation_id"  # the draft's attachment that is the agent's 授权委托书
#: What the case keeps of an agent's filing: whether the 授权委托书 lets the agent receive the documents (代收法律文书).
AGENT_KEY = "agent"


def agent_refusal(draft: FilingDraft, user, *, receives_documents: bool, e_service: bool) -> dict[str, str]:
    """Why an agent's filing cannot go yet (field → message), or nothing: an agent files with the 授权委托书
    attached (its powers are on it), and documents reach the agent's account only when it says 代收法律文书."""
    errors = {}
    if authorisation_of(draft, draft_evidence(draft)) is None:
        errors["authorisation"] = "代理人代为提交的，请附上委托人签名或者盖章的授权委托书"
    if e_service and not receives_documents:
        errors["e_service"] = "授权委托书未载明代收法律文书的，文书应当送达委托人本人，不能同意送达到代理人账号"
    if any(c.get("name") == user.display_name for c in (draft.data or {}).get("claimants") or []):
        claimant = FILINGS[draft.procedure]["claimant"]
        errors["claimants"] = f"代理人代为提交的，{claimant}应为委托人（权利人），不是代理人本人"
    return errors


def draft_evidence(draft: FilingDraft) -> list[DraftEvidence]:
    return list(db.session.scalars(sa.select(DraftEvidence).where(DraftEvidence.draft_id == draft.id)
                                   .order_by(DraftEvidence.id)))


def attach_evidence(draft: FilingDraft, stored, fields: dict, *, authorisation: bool = False) -> DraftEvidence:
    """Attach a checked, stored file to the draft (it becomes the case's evidence when the draft is submitted).

    ``authorisation``: the file is the 授权委托书 of an agent filing for the rights holder (it replaces an earlier one).
    """
    count = db.session.scalar(sa.select(sa.func.count()).where(DraftEvidence.draft_id == draft.id)) or 0
    if count >= MAX_DRAFT_FILES:
        raise Invalid(f"提交前最多附 {MAX_DRAFT_FILES} 份证据，其余可在提交后补充", fields={"file": "文件过多"})
    row = DraftEvidence(draft_id=draft.id, sha256=stored.sha256, size=stored.size, mime=stored.mime,
                        original_name=stored.original_name, title=fields["title"], kind=fields["kind"].value,
                        description=fields.get("description") or "")
    db.session.add(row)
    db.session.flush()
    if authorisation:
        earlier = (draft.data or {}).get(AUTHORISATION_KEY)
        if earlier:
            db.session.execute(sa.delete(DraftEvidence).where(DraftEvidence.id == earlier,
                                                              DraftEvidence.draft_id == draft.id))
        draft.data = {**(draft.data or {}), AUTHORISATION_KEY: row.id}
        db.session.flush()
    return row


def authorisation_of(draft: FilingDraft, attached: list[DraftEvidence]) -> DraftEvidence | None:
    """The 授权委托书 attached to the draft, if any."""
    wanted = (draft.data or {}).get(AUTHORISATION_KEY)
    return next((row for row in attached if row.id == wanted), None)


def remove_evidence(draft: FilingDraft, evidence_id: int) -> DraftEvidence:
    row = db.session.get(DraftEvidence, evidence_id) if 0 < evidence_id < 2**31 else None
    if row is None or row.draft_id != draft.id:
        raise NotFound("该证据不存在")
    db.session.delete(row)
    if (draft.data or {}).get(AUTHORISATION_KEY) == row.id:
        draft.data = {k: v for k, v in draft.data.items() if k != AUTHORISATION_KEY}
    db.session.flush()
    return row


def delete_draft(draft: FilingDraft) -> None:
    db.session.execute(sa.delete(DraftEvidence).where(DraftEvidence.draft_id == draft.id))
    db.session.delete(draft)
    db.session.flush()


def submit_draft(draft: FilingDraft, user, *, e_service: bool = False, agent: dict | None = None) -> Case:
    """Validate the whole filing and create the case; the draft is removed. ``e_service``: the filer consents, for the
    claimants it files for, to electronic service into this account (民事诉讼法 art. 90), recorded with the case.
    ``agent`` (``{"receives_documents": bool}``): the filer is the claimants' agent (代理人), recorded as the case's
    agent party with the 授权委托书 among the evidence.

    The draft row is deleted first, with a statement that reports whether it still existed: of two
    simultaneous submits of one draft only one deletes it (PostgreSQL makes the second wait for the first and
    then find nothing; SQLite refuses the second writer), so only one case is ever created.
    """
    payload = {k: v for k, v in (draft.data or {}).items() if k in
               {"unit", "kind", "ip_type", "right_number", "asserted_claims", "claimants", "respondents",
                "title", "facts", "claims"}}
    payload.update(procedure=draft.procedure, channel="online")
    data = validate_create_json(payload, units_ordered())
    check_new_request(draft.procedure, data)
    if agent is not None:
        errors = agent_refusal(draft, user, receives_documents=agent["receives_documents"], e_service=e_service)
        if errors:
            raise Invalid("；".join(errors.values()), fields=errors)
    attached = draft_evidence(draft)  # read before the draft (and, with it, its attachments) is deleted
    # A DELETE answers a CursorResult; Session.execute is typed with the general Result.
    gone = cast("sa.CursorResult[Any]", db.session.execute(
        sa.delete(FilingDraft).where(FilingDraft.id == draft.id, FilingDraft.user_id == user.id)))
    if gone.rowcount != 1:
        raise AlreadySubmitted("该草稿已提交或已删除")
    db.session.execute(sa.delete(DraftEvidence).where(DraftEvidence.draft_id == draft.id))
    unit = unit_by_code(data["unit"])
    if unit is None:  # validate_create_json accepted the code, so the unit exists
        raise Invalid("受理单位无效", fields={"unit": "请选择有效的受理单位"})
    parties = party_dicts(data["claimants"], PartyRole.CLAIMANT) + party_dicts(data["respondents"],
                                                                               PartyRole.RESPONDENT)
    data["data"] = {DRAFT_KEY: draft.id}
    if agent is not None:
        parties.append({"role": PartyRole.AGENT, "name": user.display_name, "id_type": user.id_type,
                        "id_number": user.id_number, "phone": user.phone, "user_id": user.id})
        data["data"][AGENT_KEY] = {"receives_documents": bool(agent["receives_documents"])}
    case = create_case(procedure=draft.procedure, unit=unit, actor=user, fields=data, parties=parties)
    db.session.flush()
    if e_service:
        from caseflow.notices.deliveries import give_consent

        give_consent(case, actor=user)
    _attach_to_case(case, attached, user)
    return case


def _attach_to_case(case: Case, attached: list[DraftEvidence], user) -> None:
    """The draft's files become the case's evidence, received with the filing, in the order they were attached."""
    from caseflow.evidence.models import EvidenceKind, SubmissionMethod
    from caseflow.evidence.services import StoredUpload, create_evidence

    for row in attached:  # the 授权委托书 among them: immutable, hashed, in the audit chain like any evidence
        stored = StoredUpload(row.sha256, row.size, row.mime, row.original_name, newly_stored=False)
        create_evidence(case, stored, actor=user, via="filing",
                        fields={"title": row.title, "kind": EvidenceKind(row.kind), "description": row.description,
                                "method": SubmissionMethod.PARTY_UPLOAD})


#: What the portal files (procedure → the words its pages use); other procedures are filed by staff or the API.
#: ``kind``: what the case's kind is called (a 处理请求书 has none to choose: it is a patent-infringement dispute);
#: ``filed``: what the receipt says was filed; ``decides``: what the office decides first.
FILINGS = {
    "complaint": {"title": "投诉举报", "submit": "提交投诉", "claimant": "投诉人", "respondent": "被投诉人",
                  "kind": "投诉类型", "filed": "投诉举报", "decides": "是否受理"},
    "adjudication": {"title": "专利侵权纠纷处理请求书", "submit": "提交处理请求书", "claimant": "请求人",
                     "respondent": "被请求人", "kind": "", "filed": "专利侵权纠纷处理请求书", "decides": "是否立案"},
}


def case_words(case: Case) -> dict:
    """The words the portal's case page uses for this case's procedure: the role words (not 请求人/投诉人), what was
    filed, the kind's label (none for a 处理请求书)."""
    from caseflow.notices.phrasing import party_role_words

    words = FILINGS.get(case.procedure) or {"kind": "", "decides": "是否受理"}
    procedure = workflows.procedure(case.procedure)
    return {"roles": party_role_words(case),
            "filed": words.get("filed") or procedure.title, "kind": words["kind"], "decides": words["decides"]}


def filing_steps(procedure: str) -> list:
    """The filing steps with the procedure's words (请求人/被请求人 for a 处理请求书)."""
    words = FILINGS.get(procedure, FILINGS["complaint"])
    names = {"claimants": words["claimant"], "respondents": words["respondent"]}
    return [(key, names.get(key, label), cls) for key, label, cls in FILING_STEPS]


def submitted_case(draft_id: int, user) -> Case | None:
    """The user's case created from this draft id, newest first (SQLite may reuse a deleted draft's id)."""
    if not 0 < draft_id < 2**63:
        return None
    return db.session.scalar(
        sa.select(Case).where(Case.created_by_id == user.id, Case.data[DRAFT_KEY].as_integer() == draft_id)
        .order_by(Case.id.desc()).limit(1))


def step_of_field(field: str) -> int:
    """Which step of the filing form holds a field (to send the user back to it)."""
    top = field.split("-", maxsplit=1)[0]
    for i, (_, _, form_cls) in enumerate(FILING_STEPS, start=1):
        if hasattr(form_cls, top):
            return i
    return 1
