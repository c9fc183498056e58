"""移送: starting referrals from any case, the special team's report, the evidence package, incoming referrals."""


def register(app) -> None:
    """Plug the referral effects into the app."""
    from caseflow.cases import hooks
    from caseflow.referral import services
    from caseflow.referral.effects import EFFECTS

    registered = hooks.of(app).domain("referral")
    registered.add_effects(EFFECTS)
    registered.on_action.append(services.on_referral_action)  # a complaint referred as a whole follows its referral
