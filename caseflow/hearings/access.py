"""Respondents' access codes: serving the request (送达) gives each respondent party a code; a respondent's portal
account that claims it becomes that party of that one case (and acts there: answer, 管辖权异议, 回避, evidence)."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from caseflow.accounts.models import Role, User
from caseflow.cases.audit import record_event
from caseflow.cases.models import Case, PartyRole
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import Forbidden, Invalid
from caseflow.hearings.models import RespondentAccess

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_codes(case: Case, actor: User | None) -> list[RespondentAccess]:
    """One code per respondent party not yet linked to an account and without a code."""
    have = set(db.session.scalars(sa.select(RespondentAccess.party_id).where(RespondentAccess.case_id == case.id)))
    made = []
    for p in case.parties:
        if p.role != PartyRole.RESPONDENT or p.user_id is not None or p.id in have:
            continue
        code = new_code()
        row = RespondentAccess(case_id=case.id, party_id=p.id, code=code, code_hash=_hash(code))
        db.session.add(row)
        made.append(row)
    if made:
        db.session.flush()
        record_event(case, tag="case:access:issue", actor=actor, summary=f"生成被请求人访问码 {len(made)} 个",
                     data={"parties": [r.party_id for r in made]})
    return made


_CODES_OF = (sa.select(RespondentAccess).where(RespondentAccess.case_id == sa.bindparam("case_id"))
             .order_by(RespondentAccess.id))  # built once: the case pages read it on every view


def codes_of(case: Case) -> list[RespondentAccess]:
    return list(db.session.scalars(_CODES_OF, {"case_id": case.id}))


def codes_shown(parties: list[sa.Row]) -> list[sa.Row]:
    """The case's codes as the case pages list them, in the order they were issued: the parties that have one, from
    the rows cases.page reads (each with ``access_id``, ``access_code`` and ``code_claimed_at``)."""
    return sorted((p for p in parties if p.access_id is not None), key=lambda p: p.access_id)


def claim(code: str, user: User) -> Case:
    """Link the respondent's account to the party the code was issued for; the code then stops working."""
    if user.role != Role.RESPONDENT:
        raise Forbidden("只有被请求人账户可以使用访问码")
    row = db.session.scalar(sa.select(RespondentAccess).where(RespondentAccess.code_hash == _hash(code or "")))
    if row is None or row.claimed_at is not None:
        raise Invalid("访问码无效或已被使用", fields={"code": "请核对通知书上印的访问码"})
    case = row.case
    party = next(p for p in case.parties if p.id == row.party_id)
    party.user_id = user.id
    row.claimed_by_id, row.claimed_at, row.code = user.id, clock.now(), None
    record_event(case, tag="case:access:claim", actor=user, summary=f"被请求人“{party.name}”使用访问码登录",
                 data={"party_id": party.id})
    db.session.flush()
    return case


def find_unclaimed(code: str) -> RespondentAccess:
    row = db.session.scalar(sa.select(RespondentAccess).where(RespondentAccess.code_hash == _hash(code or "")))
    if row is None or row.claimed_at is not None:
        raise Invalid("访问码无效或已被使用", fields={"code": "请核对通知书上印的访问码"})
    return row


def register_and_claim(code: str, *, username: str, password: str, confirm: str) -> tuple[User, Case]:
    """A respondent without an account: the code from the 答辩通知书 opens a respondent's account for that case.

    The code is checked first, so a wrong code creates no account.
    """
    import re

    from caseflow.accounts.models import AccountTag
    from caseflow.accounts.passwords import password_problem
    from caseflow.accounts.services import create_user, record_account_event

    row = find_unclaimed(code)
    party = next(p for p in row.case.parties if p.id == row.party_id)
    errors = {}
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{3,64}", (username or "").strip()):
        errors["username"] = "用户名为3至64位字母、数字或 _ . -"
    problem = password_problem(password or "", username=username or "", display_name=party.name)
    if problem:
        errors["password"] = problem
    elif password != confirm:
        errors["confirm"] = "两次输入的密码不一致"
    if errors:
        raise Invalid("账号信息有误", fields=errors)
    user = create_user(username=username, password=password, role=Role.RESPONDENT, display_name=party.name,
                       id_type=party.id_type, id_number=party.id_number, phone=party.phone)
    record_account_event(AccountTag.CREATE, actor=user, user=user, via="access_code",
                         summary=f"被请求人 {user.username} 以访问码开设账号（案件 {row.case.number}）")
    return user, claim(code, user)
