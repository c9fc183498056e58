"""Cases are created and moved only through the services, like the application does."""

from caseflow.cases.models import PartyRole
from caseflow.cases.services import create_case, perform
from tests.factories.accounts import unit

COMPLAINT = {
    "kind": "patent_infringement", "ip_type": "invention", "right_number": "ZL202010123456.2",
    "title": "销售侵犯发明专利权的产品", "facts": "被投诉人在其门店销售涉嫌侵权的空气净化器。",
    "claims": "请求责令停止销售。", "channel": "online",
}


def complaint(applicant, unit_code: str = "500103", **fields):
    """A complaint filed by `applicant` in its first state."""
    data = {**COMPLAINT, **fields}
    return create_case(
        procedure="complaint", unit=unit(unit_code), actor=applicant, fields=data,
        parties=[{"role": PartyRole.CLAIMANT, "name": applicant.display_name, "user_id": applicant.id},
                 {"role": PartyRole.RESPONDENT, "name": "重庆某某商贸有限公司"}],
    )


def act(case, action, actor, **data):
    """Perform one action at the case's current version (flush only); returns the outcome."""
    return perform(case, action, actor=actor, data={"version": case.version, **data})


def advance(case, *steps):
    """Run (action, actor, data) steps through perform; returns the case."""
    for action, actor, data in steps:
        act(case, action, actor, **(data or {}))
    return case
