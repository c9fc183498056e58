"""CaseFlow 案流: the Flask application for IP offices' case handling."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping | None = None) -> Flask:
    """Create the application: settings from CASEFLOW_* variables, then the overrides given."""
    from caseflow.config import Config, check_config

    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=str(Config.from_env().INSTANCE_DIR))
    app.config.update(Config.from_env().to_flask())
    if config:
        app.config.update(config)
    check_config(app.config)
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    trust_proxies(app)
    register_extensions(app)
    register_domains(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_cli(app)
    from caseflow.evidence.storage import clean_abandoned_now_and_then

    clean_abandoned_now_and_then(app)  # what uploads killed with the previous process left behind
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address and scheme from their X-Forwarded-For and
    X-Forwarded-Proto (the rightmost entries those proxies added); with none, such headers are ignored, so a client
    cannot choose the address that login throttling and the sessions page see."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from caseflow.accounts.views import login_manager
    from caseflow.core import guard, headers
    from caseflow.core.db import db
    from caseflow.core.security import csrf

    guard.register(app)  # first: size and hostile-input checks run before CSRF reads a form
    headers.register(app)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)


def register_domains(app: Flask) -> None:
    """Each domain plugs its hooks, effects and facts into the case services, once, in this order (deadlines
    before notices: a document drafted by an action reads the periods the action set)."""
    import workflows
    from caseflow import cases, deadlines, hearings, injunction, mediation, notices, referral, stats
    from caseflow.cases import hooks

    registered = hooks.init_app(app)
    for domain in (cases, deadlines, notices, stats, injunction, hearings, mediation, referral):
        domain.register(app)
    registered.check(workflows.PROCEDURES.values())


def register_blueprints(app: Flask) -> None:
    from caseflow.accounts.admin_views import bp as admin_bp
    from caseflow.accounts.views import bp as accounts_bp
    from caseflow.api.views import bp as api_bp
    from caseflow.approvals.views import bp as approvals_bp
    from caseflow.cases.views import bp as cases_bp
    from caseflow.core.security import csrf
    from caseflow.deadlines.views import bp as deadlines_bp, case_bp as case_deadlines_bp
    from caseflow.evidence.api import bp as evidence_api_bp
    from caseflow.evidence.views import bp as evidence_bp
    from caseflow.hearings.publication import bp as publication_bp
    from caseflow.hearings.views import bp as hearings_bp
    from caseflow.mediation.views import api_bp as mediation_api_bp, bp as mediation_bp
    from caseflow.notices.api import bp as notices_api_bp
    from caseflow.notices.views import bp as notices_bp
    from caseflow.portal.views import bp as portal_bp
    from caseflow.referral.views import api_bp as referrals_api_bp, bp as referrals_bp
    from caseflow.stats.views import api_bp as stats_api_bp, bp as stats_bp

    apis = (api_bp, evidence_api_bp, notices_api_bp, stats_api_bp, mediation_api_bp, referrals_api_bp)
    for api in apis:
        csrf.exempt(api)  # bearer tokens, never cookies
    for bp in (accounts_bp, admin_bp, cases_bp, portal_bp, approvals_bp, deadlines_bp, case_deadlines_bp, api_bp,
               evidence_bp, evidence_api_bp, notices_bp, notices_api_bp, stats_bp, stats_api_bp, hearings_bp,
               publication_bp, mediation_bp, mediation_api_bp, referrals_bp, referrals_api_bp):
        app.register_blueprint(bp)


def register_errorhandlers(app: Flask) -> None:
    from caseflow.core.errorpages import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from caseflow.core.templating import register

    register(app)


def register_cli(app: Flask) -> None:
    from caseflow.cli import cli

    app.cli.add_command(cli)
