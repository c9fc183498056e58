"""What an office records at each step of an adjudication (局令81), for tests that walk a case through it."""

from __future__ import annotations

#: The art. 12 filing conditions as an officer records them when all are met.
DOCKET_CHECKS = {"standing": "patentee", "claims_clear": "yes", "jurisdiction": "infringement_place",
                 "court_suit": "no", "other_route": "no", "patent_status": "valid"}

_PANEL_KEYS = ("officer", "officer2", "officer3", "supervisor", "supervisor2")


def panel_of(people: dict, size: int = 3) -> list[str]:
    """``size`` staff of the office (渝中区) from a test's people, officers first: a 合议组 (art. 20)."""
    staff = [people[k] for k in _PANEL_KEYS if k in people and people[k].unit is not None
             and people[k].unit.code == "500103"]
    if len(staff) < size:
        raise ValueError("the test's people hold too few staff of the office for a panel")
    return [u.username for u in staff[:size]]


def new_panel(size: int = 3) -> list[str]:
    """A 合议组 of new officers of 渝中区 (free for any hearing slot)."""
    from tests.factories.accounts import UserFactory

    return [UserFactory(officer=True).username for _ in range(size)]


def docket_data(case, members: list[str] | None = None) -> dict:
    """The 立案 form filled in for ``case``: the checks, the 评价报告 for utility models and designs, the panel
    (new officers unless ``members`` are given)."""
    out: dict = {**DOCKET_CHECKS, "members": members if members is not None else new_panel()}
    if getattr(case, "ip_type", None) in ("utility_model", "design"):
        out["evaluation_report"] = "provided"
    return out


def docket_fields(case, people: dict) -> dict:
    """The 立案 form filled in for ``case`` with the panel from a test's people."""
    return docket_data(case, panel_of(people))


def docket(case, people: dict, actor=None, **changes):
    """立案 by the office's supervisor (no approval needed) with the form filled in; ``changes`` alter it."""
    from caseflow.cases.services import perform

    fields = {**docket_fields(case, people), **changes}
    fields = {k: v for k, v in fields.items() if v is not None}
    return perform(case, "docket", actor=actor or people["supervisor"], data={"version": case.version, **fields})
