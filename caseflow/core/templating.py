"""Template filters and globals."""

from __future__ import annotations

from flask_wtf.csrf import generate_csrf

import workflows
from caseflow.core.clock import fmt_beijing
from caseflow.core.validators import mask_id, mask_phone


def state_title(case) -> str:
    return workflows.procedure(case.procedure).state_title(case.state)


def procedure_title(code: str) -> str:
    return workflows.PROCEDURES[code].title if code in workflows.PROCEDURES else code


def kind_title(code: str | None) -> str:
    from workflows.complaint import KINDS

    return KINDS.get(code or "", code or "")


def ip_type_title(code: str | None) -> str:
    from caseflow.cases.forms import IP_TYPES

    return IP_TYPES.get(code or "", code or "")


def field_text(procedure: str, action: str | None, name: str, value) -> str:
    """A recorded field as a person reads it: choice values by their Chinese titles, lists joined with 、."""
    proc = workflows.PROCEDURES.get(procedure)
    decl = proc.action(action) if proc is not None and action else None
    spec = decl.fields.get(name) if decl is not None else None
    choices = getattr(spec, "choices", None) or {}
    values = value if isinstance(value, list | tuple) else [value]
    return "、".join(str(choices.get(v, v)) if isinstance(v, str) else str(v) for v in values)


def can(rule: str, obj=None) -> bool:
    """Templates ask the policy by rule name (``can("view_stats")``), never compare role strings."""
    from flask_login import current_user

    from caseflow import policy

    return policy.can(current_user, rule, obj)


def missing_document_fonts() -> list[str]:
    """The GB/T 9704 faces the documents are typeset without (the admin sees a warning on every page)."""
    from caseflow.core.pdf.fonts import missing_standard_faces

    return missing_standard_faces()


def register(app) -> None:
    app.jinja_env.filters.update(
        beijing=fmt_beijing,
        beijing_date=lambda m: fmt_beijing(m, with_time=False),
        mask_id=mask_id,
        mask_phone=mask_phone,
    )
    app.jinja_env.globals.update(can=can, state_title=state_title, procedure_title=procedure_title,
                                 csrf_token=generate_csrf, kind_title=kind_title, ip_type_title=ip_type_title,
                                 field_text=field_text, missing_document_fonts=missing_document_fonts)
