"""Hearings (口头审理, 局令81 art. 26): each office's rooms, scheduling with conflict checks, the calendar."""


def register(app) -> None:
    """Plug the hearings' effects (booking, postponing, holding 口头审理; access codes; late filings) into the app."""
    from caseflow.cases import hooks
    from caseflow.hearings.effects import EFFECTS

    hooks.of(app).domain("hearings").add_effects(EFFECTS)
