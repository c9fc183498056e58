"""Evidence as JSON for the API (docs/architecture.md, JSON API)."""

from __future__ import annotations

from caseflow.cases.models import Case
from caseflow.evidence.models import Evidence


def evidence_json(e: Evidence) -> dict:
    """One evidence record; `sha256`, `size` and `mime` describe the stored bytes."""
    base = f"/api/v1/cases/{e.case_id}/evidence/{e.id}"
    return {
        "id": e.id, "case_id": e.case_id, "number": e.number, "version": e.version, "label": e.label,
        "title": e.title, "kind": e.kind.value, "kind_title": e.kind.title, "description": e.description,
        "method": e.method.value, "method_title": e.method.title,
        "submitted_by": e.submitted_by.display_name if e.submitted_by else None, "submitted_as": e.submitted_as,
        "received_at": e.received_at.isoformat(), "original_name": e.original_name,
        "sha256": e.sha256, "size": e.size, "mime": e.mime,
        "admission": e.admission.value, "admission_title": e.admission.title,
        "admission_reason": e.admission_reason,
        "admission_at": e.admission_at.isoformat() if e.admission_at else None,
        "replaces_id": e.replaces_id, "replaced_by_id": e.replaced_by.id if e.replaced_by else None,
        "current": e.is_current,
        "links": {"self": base, "content": f"{base}/content", "preview": f"{base}/preview.png"},
    }


def case_evidence(case: Case) -> list[dict]:
    """Every evidence record of a case (all versions), for the case's JSON."""
    from caseflow.evidence.services import list_evidence

    return [evidence_json(e) for e in list_evidence(case)]
