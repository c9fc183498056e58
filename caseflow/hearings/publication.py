"""The public page of published 行政裁决书 (局令81 art. 83): redacted, with 典型案例 marked.

Only adjudications whose decision an officer published (``publish``) appear. Personal data is removed: natural
persons' names are masked (张三 → 张某), identity numbers, addresses and phone numbers never appear, and every
phrase the officer listed under 删除内容 (trade secrets, state secrets, other personal data) is blacked out.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request

from caseflow.accounts.models import IdType
from caseflow.cases.models import Case, PartyRole
from caseflow.core.db import db

bp = Blueprint("publication", __name__, url_prefix="/decisions")

MASK = "＊＊"


def _natural(party) -> bool:
    return party.id_type in (IdType.RESIDENT_ID, IdType.PASSPORT)


def masked_name(party) -> str:
    if not _natural(party):
        return party.name
    name = party.name.strip()
    return (name[0] + "某") if name else MASK


def redact(text: str, case: Case) -> str:
    """Remove the listed phrases and every natural person's full name, identity number, address and phone."""
    out = text or ""
    phrases = [p.strip() for p in ((case.data or {}).get("published") or {}).get("redactions", "").splitlines()]
    for p in case.parties:
        if _natural(p):
            out = out.replace(p.name, masked_name(p))
        phrases += [p.id_number or "", p.phone or ""] + ([p.address or ""] if _natural(p) else [])
    for phrase in sorted({x for x in phrases if x and len(x) >= 2}, key=len, reverse=True):
        out = out.replace(phrase, MASK)
    return out


def published_cases(*, typical_only: bool = False) -> list[Case]:
    cases = db.session.scalars(sa.select(Case).where(Case.procedure == "adjudication", Case.is_deleted.is_(False))
                               .order_by(Case.id.desc()))
    out = [c for c in cases if (c.data or {}).get("published")]
    if typical_only:
        out = [c for c in out if c.data["published"].get("typical")]
    return out


OUTCOMES = {"infringement": "认定侵权，责令停止侵权", "dismissed": "驳回请求"}


def changes_of(case: Case) -> list[str]:
    """What became of the decision since (art. 83 publishes a 变更 or 撤销 too): the office's, then a court's."""
    data = case.data or {}
    out = []
    amended = data.get("amend_decision") or {}
    if amended.get("change") in ("vary", "revoke"):
        what = "撤销" if amended["change"] == "revoke" else "变更"
        out.append(f"本机关已{what}本裁决。理由：{redact(amended.get('reasons', ''), case)}")
    judged = data.get("record_judgment") or {}
    if judged.get("result") in ("varied", "revoked"):
        what = "撤销" if judged["result"] == "revoked" else "变更"
        out.append(f"人民法院判决{what}本裁决。判决结果：{redact(judged.get('judgment', ''), case)}")
    return out


def public_view(case: Case) -> dict:
    decided = (case.data or {}).get("decide") or {}
    published = case.data["published"]
    return {
        "id": case.id, "number": case.number, "title": redact(case.title, case), "office": case.unit.name,
        "published_on": published.get("on"), "typical": bool(published.get("typical")),
        "outcome": OUTCOMES.get(decided.get("outcome", ""), ""),
        "reasons": redact(decided.get("reasons", ""), case), "measures": redact(decided.get("measures", ""), case),
        "changes": changes_of(case),
        "claimants": [masked_name(p) for p in case.parties if p.role == PartyRole.CLAIMANT],
        "respondents": [masked_name(p) for p in case.parties if p.role == PartyRole.RESPONDENT],
    }


@bp.get("")
def index():
    typical = request.args.get("typical") == "1"
    return render_template("adjudication/published.html", items=[public_view(c) for c in
                                                                  published_cases(typical_only=typical)],
                           typical=typical)


@bp.get("/<int:case_id>")
def show(case_id: int):
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None or case.procedure != "adjudication" or case.is_deleted or not (case.data or {}).get("published"):
        abort(404)
    return render_template("adjudication/published_one.html", item=public_view(case))
