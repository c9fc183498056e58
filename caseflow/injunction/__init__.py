"""先行发布禁令: office configuration, the link to the main case (supersede, hand-over) and expiry."""


def register(app) -> None:
    """Plug 先行禁令 into the app: supersede on the main case's 结案, configured periods, the evidence fact."""
    from caseflow.cases import hooks
    from caseflow.injunction import config, services
    from caseflow.injunction.effects import EFFECTS

    registered = hooks.of(app).domain("injunction")
    registered.on_action.append(services.on_main_case_action)  # the main case's 结案 supersedes its injunctions
    registered.rule_configs.append(config.configure_rule)  # the configured periods
    registered.add_fact("evidence_count", services.evidence_count)  # the has_evidence guard
    registered.add_fact("injunctions_enabled", lambda case: config.settings()["enabled"])  # request_injunction's
    registered.add_effects(EFFECTS)
