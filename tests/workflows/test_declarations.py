"""The procedure declarations are consistent and drive the engine (no Flask, no database)."""

import datetime as dt

import pytest

import workflows
from workflows.base import GuardContext


class FakeCase:
    def __init__(self, state, data=None):
        self.state, self.data = state, data or {}


def ctx(case, **data):
    moment = dt.datetime(2026, 3, 11, 2, 0, tzinfo=dt.UTC)
    return GuardContext(case=case, actor=None, data=data, now=moment, today=moment.date())


@pytest.mark.parametrize("code", list(workflows.PROCEDURES))
def test_every_state_is_reachable(code):
    proc = workflows.procedure(code)
    reached, todo = {proc.first}, [proc.first]
    while todo:
        state = todo.pop()
        for a in proc.actions:
            if state in a.sources and a.dest and a.dest not in reached:
                reached.add(a.dest)
                todo.append(a.dest)
    # superseded/expired injunctions are reached by system actions; they are declared too.
    assert set(proc.states) == reached


@pytest.mark.parametrize("code", list(workflows.PROCEDURES))
def test_terminal_states_have_no_way_out(code):
    proc = workflows.procedure(code)
    for a in proc.actions:
        assert not set(a.sources) & set(proc.terminal_states), (a.name, a.sources)


@pytest.mark.parametrize("code", list(workflows.PROCEDURES))
def test_a_state_waiting_on_its_referral_names_system_actions_that_leave_it(code):
    """A case left waiting on a referral must have a way on when the referral is sent or refused, or it stays there."""
    proc = workflows.procedure(code)
    for name, state in proc.states.items():
        for follow in filter(None, state.on_referral or ()):
            variants = [a for a in proc.actions_named(follow) if name in a.sources]
            assert variants and all(a.roles == {"system"} and a.dest != name for a in variants), (name, follow)


def test_complaint_section_2_1():
    proc = workflows.procedure("complaint")
    assert set(proc.closing_actions()) == {"reject", "convert", "referral_transferred", "conclude", "withdraw"}
    # The acceptance period's extension (市场监管行政处罚程序规定 art. 18; 局令81 art. 20) is the head's to approve.
    assert {a.name for a in proc.actions if a.approval} == {"reject", "extend_acceptance"}
    assert set(proc.action("withdraw").sources) == set(proc.open_states)


def test_engine_offers_only_allowed_actions():
    eng = workflows.engine("complaint")
    case = FakeCase("submitted")
    # start_referral: every procedure may refer a case to the police or another agency (docs/procedures.md, referral).
    assert {a.name for a in eng.offer(ctx(case), {"officer"}).available} == {"request_correction", "accept", "reject",
                                                                        "start_referral", "extend_acceptance"}
    assert {a.name for a in eng.offer(ctx(case), {"applicant"}).available} == {"withdraw"}
    # Rejecting from correction waits until the 补正 period ran out (a guard).
    case = FakeCase("correction")
    assert "reject" not in {a.name for a in eng.offer(ctx(case), {"officer"}).available}


def test_engine_fires_and_refuses():
    from workflows.engine import Forbidden, StateConflict, UnknownAction

    eng = workflows.engine("complaint")
    case = FakeCase("submitted")
    with pytest.raises(Forbidden):
        eng.check("accept", ctx(case), {"applicant"})
    with pytest.raises(UnknownAction):
        eng.check("nope", ctx(case), {"officer"})
    with pytest.raises(StateConflict):
        eng.check("conclude", ctx(case), {"officer"})
    fired = eng.fire("accept", ctx(case))
    assert (fired.from_state, fired.to_state, case.state) == ("submitted", "accepted", "accepted")


def test_variant_chosen_by_input():
    eng = workflows.engine("referral")
    case = FakeCase("transferred", {"referral_kind": "police"})
    eng.fire("record_police_decision", ctx(case, decision="declined"))
    assert case.state == "declined_by_police"


def test_resume_returns_to_where_it_paused():
    eng = workflows.engine("adjudication")
    case = FakeCase("suspended", {"paused_from": "hearing_scheduled"})
    eng.fire("resume", ctx(case))
    assert case.state == "hearing_scheduled"


def test_what_may_not_be_done_now_is_listed_with_its_reasons_and_nothing_unoffered():
    engine = workflows.engine("complaint")
    found = FakeCase("submitted")
    found.channel, found.kind = "ex_officio", "patent_counterfeit"
    refused = {a.name: (a.label, why) for a, why in engine.offer(ctx(found), {"officer"}).refused}
    # No complainant to ask for 补正; 不予立案 is available, so its other variants' reasons (a notice to a
    # complainant) are not shown.
    assert refused == {"request_correction": ("通知补正", "依职权发现的案件没有投诉人，不适用通知补正")}
    filed = FakeCase("accepted")
    filed.channel, filed.kind = "online", "trademark"
    refused = {a.name: why for a, why in engine.offer(
        GuardContext(case=filed, actor=None, data={}, now=ctx(filed).now, today=ctx(filed).today,
                     fact=lambda name: False if name == "injunctions_enabled" else None), {"applicant"}).refused}
    # The office runs no injunctions: not listed as refused, only not offered.
    assert refused == {"withdraw": "本案已受理（立案）查处，撤回投诉举报不终止行政处罚案件，由本局依法作出处理决定"}
