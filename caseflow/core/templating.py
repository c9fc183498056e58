"""Template filters and globals."""

from __future__ import annotations

from flask_wtf.csrf import generate_csrf

import workflows
from caseflow.core.timeutil import fmt_beijing
from caseflow.core.validators import mask_id, mask_phone


def state_title(case) -> str:
    return workflows.procedure(case.procedure).state_title(case.state)


def procedure_title(code: str) -> str:
    return workflows.PROCEDURES[code].title if code in workflows.PROCEDURES else code


def register(app) -> None:
    app.jinja_env.filters.update(
        beijing=fmt_beijing,
        beijing_date=lambda m: fmt_beijing(m, with_time=False),
        mask_id=mask_id,
        mask_phone=mask_phone,
    )
    app.jinja_env.globals.update(state_title=state_title, procedure_title=procedure_title, csrf_token=generate_csrf)
