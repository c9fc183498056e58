"""行政调解 + 司法确认 (docs/procedures.md, mediation): the request, sessions, signatures and the judicial confirmation
package."""


def register(app) -> None:
    """Plug the mediation effects into the app."""
    from caseflow.cases import hooks
    from caseflow.mediation.effects import EFFECTS

    hooks.of(app).domain("mediation").add_effects(EFFECTS)
