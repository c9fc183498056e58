"""The hash-chained audit log: `verify-audit` names the first changed or removed event."""

import pytest
import sqlalchemy as sa

from caseflow.cases.models import Case, CaseEvent
from tests.factories.accounts import UserFactory
from tests.factories.cases import advance, complaint


@pytest.fixture
def chain(session):
    applicant, officer = UserFactory(), UserFactory(officer=True)
    case = complaint(applicant)
    advance(case, ("request_correction", officer, {"items": "补充权利证明"}),
            ("resubmit", applicant, {"note": "已补充"}),
            ("accept", officer, {}))
    session.flush()
    return case


def run_verify(app):
    return app.test_cli_runner().invoke(args=["caseflow", "verify-audit"])


def test_intact_chain_passes(app, chain):
    r = run_verify(app)
    assert r.exit_code == 0, r.output
    assert chain.audit_count == 4


def test_changed_event_is_named(app, session, chain):
    second = session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == chain.id, CaseEvent.seq == 2))
    # Tamper behind the ORM's back, as someone with database access would.
    session.execute(sa.update(CaseEvent).where(CaseEvent.id == second.id).values(summary="篡改后的记录"))
    r = run_verify(app)
    assert r.exit_code == 1
    assert f"事件 #2（id={second.id}）" in r.output and chain.number in r.output
    assert "已被修改" in r.output


def test_removed_last_event_is_detected(app, session, chain):
    session.execute(sa.delete(CaseEvent).where(CaseEvent.case_id == chain.id, CaseEvent.seq == 4))
    r = run_verify(app)
    assert r.exit_code == 1 and "末尾事件可能被删除" in r.output


def test_removed_middle_event_is_detected(app, session, chain):
    session.execute(sa.delete(CaseEvent).where(CaseEvent.case_id == chain.id, CaseEvent.seq == 2))
    r = run_verify(app)
    assert r.exit_code == 1 and "事件 #3" in r.output


def test_rewritten_head_is_detected(app, session, chain):
    session.execute(sa.update(Case).where(Case.id == chain.id).values(audit_head="0" * 64))
    r = run_verify(app)
    assert r.exit_code == 1 and "链头哈希不符" in r.output
