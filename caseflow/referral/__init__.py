"""移送: starting referrals from any case, the special team's report, the evidence package, incoming referrals."""


def register(app) -> None:
    """Plug the referral effects into the app."""
    from caseflow.cases import hooks
    from caseflow.referral.effects import EFFECTS

    hooks.of(app).domain("referral").add_effects(EFFECTS)
