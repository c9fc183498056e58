"""Cases: the Case and its parties, the audit chain, the one `perform` path, queues and the workspace pages."""


def register(app) -> None:
    """Plug the cases domain's own effects (assignment, linked cases, remembered fields) into the app."""
    from caseflow.cases import hooks
    from caseflow.cases.effects import EFFECTS

    hooks.of(app).domain("cases").add_effects(EFFECTS)
