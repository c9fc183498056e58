"""Reading documents: one notice as the viewer may see it, a case's documents, the delivery a viewer cares about."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from caseflow import policy
from caseflow.accounts.models import User
from caseflow.cases.models import Case
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.errors import NotFound
from caseflow.notices import catalogue
from caseflow.notices.context import ADDRESSEE_KEY
from caseflow.notices.models import Notice, NoticeDelivery


def load_notice(notice_id: int, user: User | None) -> Notice:
    """The notice, if the user may see it (else 404, as if it did not exist)."""
    notice = db.session.get(Notice, notice_id) if 0 < notice_id < 2**31 else None
    if notice is None or not policy.can_read_notice(user, notice):
        raise NotFound("文书不存在")
    return notice


_NOTICES_OF = (sa.select(Notice).where(Notice.case_id == sa.bindparam("case_id"))
               .options(selectinload(Notice.deliveries)).order_by(Notice.id))  # built once


def notices_of(case: Case, viewer: User | None) -> list[Notice]:
    """The case's documents the viewer may see, oldest first."""
    rows = db.session.scalars(_NOTICES_OF, {"case_id": case.id}).all()
    may_read = policy.notice_reader(viewer, case)
    return [n for n in rows if may_read(n, n.deliveries)]


def _earliest(deliveries, mine: set[int] | None):
    """The earliest effective delivery among ``deliveries`` (objects or rows), on the parties ``mine`` unless None."""
    rows = [d for d in deliveries if (mine is None or d.party_id in mine)
            and (d.took_effect_at is not None or d.delivered_on <= clock.today())]
    return min(rows, key=lambda d: (d.delivered_on, d.id)) if rows else None


def _cares(viewer: User | None, acting: list) -> set[int] | None:
    """The parties whose deliveries the viewer cares about: None (all) for staff, else those it acts for
    (``acting``: policy.acting_parties of the viewer)."""
    if viewer is not None and not getattr(viewer, "is_staff", False):
        return {p.id for p in acting}
    return None


def delivered_for(notice: Notice, viewer: User | None) -> NoticeDelivery | None:
    """The earliest effective delivery the viewer cares about (all, for staff; their own, for a party)."""
    return _earliest(notice.deliveries, _cares(viewer, policy.acting_parties(viewer, notice.case)))


# The case pages' documents and their deliveries as plain rows, statements built once (read on every case page).
_NOTICE_ROWS = (sa.select(Notice.id, Notice.kind, Notice.title, Notice.status, Notice.is_issued, Notice.number,
                          Notice.document_date, Notice.missing_chars, Notice.data)
                .where(Notice.case_id == sa.bindparam("case_id")).order_by(Notice.id))
_DELIVERY_ROWS = (sa.select(NoticeDelivery.id, NoticeDelivery.notice_id, NoticeDelivery.party_id,
                            NoticeDelivery.method, NoticeDelivery.delivered_on, NoticeDelivery.first_opened_at,
                            NoticeDelivery.took_effect_at)
                  .join(Notice, Notice.id == NoticeDelivery.notice_id)
                  .where(Notice.case_id == sa.bindparam("case_id")).order_by(NoticeDelivery.id))


def case_card(case: Case, viewer: User, parties: list[sa.Row]) -> dict:
    """What the case pages' document card shows (templates/notices/_case_notices.html), loaded up front as plain
    rows (``parties``: the case's parties with their consents to electronic service, as cases.page reads them)."""
    from caseflow.notices import deliveries
    from caseflow.notices.forms import consent_choices, draft_choices

    staff = policy.is_case_staff(viewer, case)
    rows = db.rows(_NOTICE_ROWS, case_id=case.id)
    served: dict[int, list[sa.Row]] = {n.id: [] for n in rows}
    for d in db.rows(_DELIVERY_ROWS, case_id=case.id) if rows else ():
        served[d.notice_id].append(d)
    mine = policy.acting_parties(viewer, case, parties)
    may_read = policy.notice_reader(viewer, case, parties, acting=mine)
    notices = [n for n in rows if may_read(n, served[n.id])]
    principals = [p for p in parties if p.role.value != "agent"]
    return {
        "staff": staff,
        "notices": [(n, _earliest(served[n.id], _cares(viewer, mine))) for n in notices],
        # Plain choices, not forms: the two selects post to views that validate with DraftForm and ConsentForm.
        "draft_kinds": draft_choices(case.procedure, parties, catalogue.hand_draftable(case, {n.kind for n in rows}))
        if staff else None,
        "consent_parties": consent_choices(principals) if staff else None,
        "parties": principals,
        # A document addressed to one respondent (it carries that respondent's access code) says to whom.
        "addressees": {n.id: p.name for n in notices for p in parties
                       if p.id == (n.data or {}).get(ADDRESSEE_KEY)},
        # An agent not authorised to receive the principal's documents is not offered electronic service for them.
        "my_parties": [] if deliveries.agent_barred(case) and viewer.id == case.created_by_id
        else [p for p in mine if p.role.value != "agent"],
        "my_consent": any(p.consented_at is not None for p in mine),
    }
