"""Hearings (口头审理, 局令81 art. 26): each office's rooms, scheduling with conflict checks, the calendar."""


def register(app) -> None:
    """Plug the hearings' effects (booking, postponing, holding 口头审理; access codes; late filings) and the titles
    of their codes into the app."""
    from caseflow.cases import hooks
    from caseflow.hearings.effects import EFFECTS
    from caseflow.hearings.models import MODES, STATUSES

    hooks.of(app).domain("hearings").add_effects(EFFECTS)
    # The titles of a hearing's codes, for the case pages' plain rows.
    app.jinja_env.globals.update(hearing_modes=MODES, hearing_statuses=STATUSES)
