"""Template filters and globals."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

import workflows
from caseflow import policy
from caseflow.core.clock import fmt_beijing
from caseflow.core.validators import mask_id, mask_phone
from workflows import base as wf


def state_title(case) -> str:
    return workflows.procedure(case.procedure).state_title(case.state, getattr(case, "channel", None))


def procedure_title(code: str) -> str:
    return workflows.PROCEDURES[code].title if code in workflows.PROCEDURES else code


def kind_title(code: str | None) -> str:
    from workflows.complaint import KINDS

    return KINDS.get(code or "", code or "")


def ip_type_title(code: str | None) -> str:
    from caseflow.cases.forms import IP_TYPES

    return IP_TYPES.get(code or "", code or "")


def name_key(spec, value: str) -> str | None:
    """The key under which a field's value has a person's or a room's name (see cases.page.readable_names)."""
    if isinstance(spec, wf.UserRef | wf.UserList | wf.PanelMember):
        return f"user:{value}"
    if isinstance(spec, wf.Room):
        return f"room:{value}"
    return None


def field_text(procedure: str, action: str | None, name: str, value, names: dict[str, str] | None = None) -> str:
    """A recorded field as a person reads it: choice values by their Chinese titles, staff and rooms by their names
    (``names``), lists joined with 、."""
    proc = workflows.PROCEDURES.get(procedure)
    decl = proc.action(action) if proc is not None and action else None
    spec = decl.fields.get(name) if decl is not None else None
    choices = getattr(spec, "choices", None) or {}
    values = value if isinstance(value, list | tuple) else [value]

    def text(v) -> str:
        if not isinstance(v, str):
            return str(v)
        key = name_key(spec, v) if names else None
        return names.get(key, v) if names and key else str(choices.get(v, v))

    return "、".join(text(v) for v in values)


def case_no(number: str | None) -> Markup:
    """A case number kept on one line: a break inside 〔2026〕12号 would split the number."""
    # Formatting an escaped string is the same markup as Markup's % operator, at a third of its cost (a queue shows 25).
    return Markup(f'<span class="case-no">{escape(number or "")}</span>')


def labelled_fields(procedure: str, action: str | None, values, names: dict[str, str] | None = None,
                    only: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """A recorded action's values as (label, text) pairs, in the order the form asks them; empty values and keys
    no form declares are left out (they would show a code). ``only``: the fields a reader may see (the portal
    shows a party the action's outcome and reasons, not the office's internal choices)."""
    proc = workflows.PROCEDURES.get(procedure)
    decl = proc.action(action) if proc is not None and action else None
    if decl is None or not isinstance(values, dict):
        return []
    return [(spec.label, field_text(procedure, action, name, values[name], names))
            for name, spec in decl.fields.items()
            if values.get(name) not in (None, "", []) and (only is None or name in only)]


def can(rule: str, obj=None) -> bool:
    """Templates ask the policy by rule name (``can("view_stats")``), never compare role strings."""
    # The user itself, not the proxy: a rule reads several of its attributes, each through the proxy otherwise.
    return policy.can(current_user._get_current_object(), rule, obj)


def link_stem(endpoint: str, key: str) -> str:
    """``url_for(endpoint, key=<id>)`` without the id, for a rule that ends with it: a table appends each row's id,
    one URL built per page instead of one per row."""
    values: dict[str, Any] = {key: 0}
    url = url_for(endpoint, **values)
    if not url.endswith("/0"):
        raise ValueError(f"the URL of {endpoint} does not end with its {key}")
    return url[:-1]


def missing_document_fonts() -> list[str]:
    """The GB/T 9704 faces the documents are typeset without (the admin sees a warning on every page)."""
    from caseflow.core.pdf.fonts import missing_standard_faces

    return missing_standard_faces()


class Choices:
    """A select's options, escaped once (they are the same on every page): ``html(chosen)`` writes the
    ``<option>`` elements with the chosen value selected, as one string (a template loop escaped each value and
    title again on every page, about twice the cost; a queue's filters list seventy)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._options = tuple((value, str(escape(value)), str(escape(title))) for value, title in pairs)

    def html(self, chosen: str | None) -> Markup:
        return Markup("".join([f'<option value="{html}" {"selected" if value == chosen else ""}>{title}</option>'
                               for value, html, title in self._options]))


def register(app) -> None:
    from caseflow.notices.phrasing import party_role_words  # the one home of the role words

    app.jinja_env.filters.update(
        beijing=fmt_beijing,
        beijing_date=lambda m: fmt_beijing(m, with_time=False),
        mask_id=mask_id,
        mask_phone=mask_phone,
        case_no=case_no,
        # Also as filters: a table's rows call a filter directly, a global through the template context's call.
        procedure_title=procedure_title,
        state_title=state_title,
    )
    app.jinja_env.globals.update(can=can, state_title=state_title, procedure_title=procedure_title,
                                 csrf_token=generate_csrf, kind_title=kind_title, ip_type_title=ip_type_title,
                                 field_text=field_text, labelled_fields=labelled_fields, link_stem=link_stem,
                                 missing_document_fonts=missing_document_fonts, party_role_words=party_role_words)
