"""The referral domain's effects (``effects=`` of workflows/referral.py and the common ``start_referral``)."""

from __future__ import annotations

from caseflow.cases.audit import record_event
from caseflow.cases.hooks import Effects
from caseflow.referral import services
from workflows.base import PARENT_EFFECTS

EFFECTS = Effects()


@EFFECTS("start_referral")
def start_referral(*, case, actor, data, fired):
    services.start_from(case, actor=actor, data=data)


@EFFECTS("store_referral_report")
def store_referral_report(*, case, actor, data, fired):
    services.store_report(case, actor=actor, data=data)


@EFFECTS("record_requester_informed")
def record_requester_informed(*, case, actor, data, fired):
    services.record_requester_informed(case, actor=actor, data=data)


@EFFECTS("package_referral")
def package_referral(*, case, actor, data, fired):
    services.package_for_transfer(case, actor=actor)


@EFFECTS("record_exhibit_handover")
def record_exhibit_handover(*, case, actor, data, fired):
    services.record_exhibit_handover(case, actor=actor, data=data)


@EFFECTS("track_referral_materials")
def track_referral_materials(*, case, actor, data, fired):
    """A police request for missing materials is pending until the office supplies them."""
    pending = fired.action.name == "record_materials_request"
    case.remember_entry("materials", {"kind": "request" if pending else "supplied",
                                      "text": data.get("items") or data.get("note"),
                                      "by": actor.username if actor else None}, materials_requested=pending)


@EFFECTS("set_referral_parent_effect")
def set_referral_parent_effect(*, case, actor, data, fired):
    """The referring case goes on or waits; the change is noted on that case too."""
    case.remember(parent_effect=data["parent_effect"])
    if case.parent is not None:
        record_event(case.parent, tag="case:referral:parent_effect", actor=actor,
                     summary=f"移送{case.number}期间：{PARENT_EFFECTS[data['parent_effect']]}",
                     data={"referral_id": case.id, "parent_effect": data["parent_effect"], "note": data.get("note")})
