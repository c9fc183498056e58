"""Effects that actions declare by name (DESIGN.md §2): linked cases, assignment, remembered states."""

from __future__ import annotations

from collections.abc import Callable

from caseflow.core.errors import Invalid

REGISTRY: dict[str, Callable] = {}


def effect(name: str):
    def register(fn):
        REGISTRY[name] = fn
        return fn

    return register


def run(name: str, **kwargs) -> None:
    """Run a declared effect inside the action's transaction."""
    REGISTRY[name](**kwargs)


def _copy_parties(case):
    return [
        {"role": p.role, "name": p.name, "id_type": p.id_type, "id_number": p.id_number,
         "address": p.address, "phone": p.phone, "user_id": p.user_id}
        for p in case.parties
    ]


def _linked(case, procedure, actor, data, summary, *, public=True):
    from caseflow.cases.services import create_case

    fields = {
        "title": case.title, "facts": case.facts, "claims": case.claims, "kind": case.kind,
        "ip_type": case.ip_type, "right_number": case.right_number, "asserted_claims": case.asserted_claims,
        "channel": "transfer", "data": data,
    }
    child = create_case(procedure=procedure, unit=case.unit, actor=actor, fields=fields,
                        parties=_copy_parties(case), parent=case, summary=summary)
    # The rights holder follows converted cases and injunctions; referrals are internal.
    child.created_by_id = case.created_by_id if public else None
    child.assignee_id = case.assignee_id
    return child


@effect("assign_officer")
def assign_officer(*, case, actor, data, fired):
    from caseflow.cases.services import find_staff

    officer = find_staff(case.unit, data["officer"], {"officer", "supervisor", "mediator"})
    if officer is None:
        raise Invalid("承办人不存在或不属于本单位", fields={"officer": "请选择本单位的执法人员"})
    case.assignee = officer


@effect("assign_mediator")
def assign_mediator(*, case, actor, data, fired):
    from caseflow.cases.services import find_staff

    mediator = find_staff(case.unit, data["mediator"], {"mediator", "officer"})
    if mediator is None:
        raise Invalid("调解员不存在或不属于本单位", fields={"mediator": "请选择本单位的调解员"})
    case.assignee = mediator
    case.data = {**(case.data or {}), "mediator": mediator.username}


@effect("create_linked_case")
def create_linked_case(*, case, actor, data, fired):
    target = data["procedure"]
    child = _linked(case, target, actor, {"origin": case.number},
                    f"由{case.number}转立案")
    case.data = {**(case.data or {}), "converted_to": child.id}


@effect("create_referral")
def create_referral(*, case, actor, data, fired):
    kind = data.get("kind") or "court"
    payload = {"referral_kind": kind, "target": data.get("target"), "reason": data.get("reason"),
               "origin": case.number}
    child = _linked(case, "referral", actor, payload, f"由{case.number}移送", public=False)
    case.data = {**(case.data or {}), "referral": child.id}


@effect("create_injunction")
def create_injunction(*, case, actor, data, fired):
    _linked(case, "injunction", actor, {"reason": data.get("reason"), "main_case": case.number},
            f"在{case.number}中申请先行禁令")


@effect("remember_paused_from")
def remember_paused_from(*, case, actor, data, fired):
    case.data = {**(case.data or {}), "paused_from": fired.from_state}
