"""The generator: deterministic for a seed, consistent with the declarations, gapless numbers, a valid audit chain."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import sqlalchemy as sa

import workflows
from caseflow.accounts.models import User
from caseflow.cases.audit import verify_all
from caseflow.cases.models import Case, CaseEvent, NumberSequence
from caseflow.core.db import db, make_engine
from caseflow.core.validators import normalize_id_number
from caseflow.deadlines.models import Deadline
from caseflow.stats.models import Rating
from tests.stats.conftest import GENERATED


def test_counts_states_and_closing(session, generated):
    cases = session.execute(sa.select(Case.procedure, Case.state, Case.closed_at, Case.closing_action,
                                      Case.parent_id)).all()
    assert len(cases) == GENERATED == generated.cases
    seen = defaultdict(set)
    for procedure, state, closed_at, closing, _parent in cases:
        proc = workflows.procedure(procedure)
        assert state in proc.states
        assert (closed_at is None) == (closing is None)
        if closing:
            assert closing in proc.closing_actions()
        seen[procedure].add(state)
    assert set(seen) == set(workflows.PROCEDURES)  # every procedure, linked cases included
    assert sum(1 for *_, parent in cases if parent) > 100
    assert len(seen["complaint"]) >= 6 and len(seen["adjudication"]) >= 5
    statuses = set(session.scalars(sa.select(Deadline.status).distinct()))
    assert {"met", "missed", "running", "cancelled"} <= {getattr(s, "value", s) for s in statuses}
    assert session.scalar(sa.select(sa.func.count()).select_from(Rating)) > 0


def test_audit_chain_is_valid(session, generated):
    assert list(verify_all()) == []


def test_numbers_gapless_per_office_type_year(session, generated):
    seqs = defaultdict(list)
    for unit_id, procedure, year, seq, number in session.execute(
            sa.select(Case.unit_id, Case.procedure, Case.year, Case.seq, Case.number)):
        seqs[(unit_id, workflows.procedure(procedure).number_word, year)].append(seq)
        assert number.endswith(f"〔{year}〕{seq}号")
    last = {(s.scope.split(":")[1], s.unit_id, s.year): s.last_value
            for s in session.scalars(sa.select(NumberSequence))}
    for (unit_id, word, year), values in seqs.items():
        assert sorted(values) == list(range(1, len(values) + 1))
        assert last[(word, unit_id, year)] == len(values)


def test_new_case_after_generation_takes_the_next_number(session, generated):
    from tests.factories.accounts import UserFactory
    from tests.factories.cases import complaint

    case = complaint(UserFactory(), unit_code="500103")
    same = session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.unit_id == case.unit_id, Case.procedure == "complaint", Case.year == case.year))
    assert case.seq == same


def _digest(url: str) -> str:
    engine = make_engine(url)
    h = hashlib.sha256()
    with engine.connect() as conn:
        for row in conn.execute(sa.select(Case.id, Case.number, Case.state, Case.closed_at, Case.assignee_id,
                                          Case.audit_head).order_by(Case.id)):
            h.update(repr(tuple(row)).encode())
        for row in conn.execute(sa.select(CaseEvent.case_id, CaseEvent.seq, CaseEvent.hash).order_by(CaseEvent.id)):
            h.update(repr(tuple(row)).encode())
        for row in conn.execute(sa.select(Deadline.case_id, Deadline.rule_id, Deadline.status, Deadline.due_date)
                                .order_by(Deadline.id)):
            h.update(repr(tuple(row)).encode())
    engine.dispose()
    return h.hexdigest()


def _generate(databases, app, seed: int) -> str:
    from caseflow.devtools.generate import generate

    url = databases.migrated("det")
    old, engine = db.engine, make_engine(url)
    db.session.remove()
    db.engine = engine
    db.session.configure(bind=engine)
    try:
        with app.app_context():
            generate(db.session, cases=300, seed=seed, until=dt.date(2026, 6, 30), years=2)
            db.session.remove()
    finally:
        db.engine = old
        db.session.configure(bind=old)
        engine.dispose()
    return _digest(url)


def test_deterministic_for_a_seed(databases, app):
    first, again, other = (_generate(databases, app, s) for s in (11, 11, 12))
    assert first == again
    assert first != other


def test_stories_run_as_the_procedures_allow(session, generated):
    """A story step the declarations refuse ends that story early; when a declaration changes and the generator does
    not follow, cases pile up half-way with overdue limits and the statistics measure nothing real."""
    assert generated.skipped <= generated.cases // 50, generated.skipped
    held, forwarded = (session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.tag == tag))
                       for tag in ("case:state:hold_hearing", "case:action:forward_answer"))
    assert held > 0 and forwarded > 0


def test_no_generated_case_is_legally_impossible(session, generated):
    """The generator walks the declarations like the application: no non-patent 行政裁决, no 立案 without its
    checks and panel … (issue #15)."""
    from tests.legal_checks import problems

    found = problems(session)
    assert found == [], found[:10]


def test_generated_rights_holders_can_file_with_their_own_credit_codes(session, generated):
    """The load benchmark files complaints as generated rights holders: their 统一社会信用代码 must be accepted."""
    numbers = session.scalars(sa.select(User.id_number).where(User.username.like("gen-app-%"))).all()
    assert numbers
    assert [normalize_id_number("uscc", n) for n in numbers] == numbers
