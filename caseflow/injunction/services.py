"""先行发布禁令 services: the snapshot at application, evidence checks, the main case's 结案, hand-over and expiry.

The injunction domain's ``register(app)`` plugs ``on_main_case_action``, the configured periods and the
``evidence_count`` fact into the case hooks. Services flush, never commit.
"""

from __future__ import annotations

import sqlalchemy as sa

from caseflow.cases.audit import record_event
from caseflow.cases.models import Case
from caseflow.cases.services import run_system_action
from caseflow.core.db import db
from caseflow.core.errors import Conflict, Invalid
from caseflow.deadlines import lifecycle
from caseflow.injunction import config
from workflows.injunction import IN_FORCE, MEASURES

OPEN_STATES = ("requested", *IN_FORCE)


def application_data(main: Case, actor, data: dict) -> dict:
    """The new injunction's data: who applied, the reason, and the configuration it runs under."""
    cfg = config.settings()
    if not cfg["enabled"]:
        raise Conflict("本局未开展先行发布禁令工作（INJUNCTION_ENABLED 已关闭），不能申请先行禁令")
    ex_officio = actor is not None and actor.is_staff
    return {
        "reason": data.get("reason"), "main_case": main.number, "config": cfg,
        "applied_by": "ex_officio" if ex_officio else "rights_holder",
        "applicant": actor.display_name if actor is not None else None,
        "legal_basis": cfg["legal_basis"], "duration_text": config.duration_text(cfg),
    }


def evidence_count(case: Case) -> int:
    """Evidence on the injunction and on its main case (the application's evidence may be on either)."""
    from caseflow.evidence.models import Evidence

    ids = [case.id] + ([case.parent_id] if case.parent_id else [])
    return db.session.scalar(sa.select(sa.func.count(Evidence.id)).where(Evidence.case_id.in_(ids))) or 0


def evidence_refs(case: Case, raw: str | None, field: str) -> list[dict]:
    """Resolve '1,2' to the injunction case's evidence (numbers as shown on the case page)."""
    from caseflow.evidence.services import list_evidence

    text = (raw or "").replace("，", ",").replace("、", ",")
    numbers = [p.strip() for p in text.split(",") if p.strip()]
    if not numbers:
        return []
    items = {str(e.number): e for e in list_evidence(case, current_only=True)}
    missing = [n for n in numbers if n not in items]
    if missing:
        raise Invalid("证据编号不存在：" + "、".join(missing),
                      fields={field: f"本案没有编号为 {'、'.join(missing)} 的证据，请先上传证据"})
    return [{"number": items[n].number, "id": items[n].id, "title": items[n].title, "sha256": items[n].sha256}
            for n in numbers]


def measure_titles(values) -> list[str]:
    values = [values] if isinstance(values, str) else list(values or [])
    return [MEASURES.get(v, v) for v in values]


def open_injunctions(main: Case) -> list[Case]:
    return [c for c in main.children if c.procedure == "injunction" and c.state in OPEN_STATES]


def on_main_case_action(case: Case, fired, actor, data: dict) -> None:
    """The main case's 结案 supersedes its open injunctions (a complaint's ``convert`` hands them over instead)."""
    decl = fired.action
    if case.procedure == "injunction" or not decl.closes or decl.name == "convert":
        return
    for child in open_injunctions(case):
        run_system_action(child, "supersede",
                          data={"reason": f"主案{case.number}已结案（{decl.label}），禁令随之失效"})


def hand_over(old: Case, new: Case, actor) -> list[Case]:
    """A complaint converted to an adjudication or mediation: its open injunctions now belong to the new case."""
    moved = open_injunctions(old)
    for child in moved:
        child.parent = new
        child.remember(main_case=new.number, previous_main_case=old.number)
        record_event(child, tag="case:injunction:main_case", actor=actor,
                     summary=f"主案由{old.number}转为{new.number}，禁令继续有效",
                     data={"from": old.number, "to": new.number})
    return moved


def expire_due() -> list[Case]:
    """Expire the injunctions whose configured maximum duration has run out (the cron command's work)."""
    from caseflow.deadlines.models import Deadline, DeadlineStatus

    lifecycle.mark_missed()
    rows = db.session.scalars(
        sa.select(Deadline).join(Case, Deadline.case_id == Case.id)
        .where(Deadline.rule_id == "INJ_MAX_DURATION", Deadline.status == DeadlineStatus.MISSED,
               Case.procedure == "injunction", Case.state.in_(IN_FORCE), Case.is_deleted.is_(False))
        .order_by(Deadline.id)).all()
    done = []
    for d in rows:
        case = d.case
        if case.state not in IN_FORCE:
            continue
        run_system_action(case, "expire", data={"reason": f"禁令最长期限已于 {d.due_date.isoformat()} 届满"})
        done.append(case)
    return done
