"""Notices as JSON for the case API (docs/architecture.md, JSON API: ``notices: [{"id", "kind", "number",
"issued_at", …}]``)."""

from __future__ import annotations

from caseflow.notices import reading
from caseflow.notices.models import DeliveryMethod, Notice


def notice_json(notice: Notice, viewer) -> dict:
    """One document as the viewer may see it (drafts only for staff; their number is null)."""
    delivery = reading.delivered_for(notice, viewer)
    delivered_at = None
    if delivery is not None:
        # Electronic service has a moment (arrival in the portal account); paper service has a date.
        delivered_at = (delivery.delivered_at.isoformat() if delivery.method == DeliveryMethod.ELECTRONIC
                        and delivery.delivered_at else delivery.delivered_on.isoformat())
    return {
        "id": notice.id,
        "kind": notice.kind,
        "title": notice.title,
        "status": notice.status.value,
        "number": notice.number,
        "issued_at": notice.issued_at.isoformat() if notice.issued_at else None,
        "delivered_at": delivered_at,
        "sha256": notice.sha256,
        "pdf": f"/api/v1/notices/{notice.id}.pdf" if notice.is_issued else None,
    }


def case_notices(case, viewer) -> list[dict]:
    """The case's documents the viewer may see."""
    return [notice_json(n, viewer) for n in reading.notices_of(case, viewer)]
