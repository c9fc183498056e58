"""`flask --app wsgi caseflow injunctions-expire` (run from cron, like `remind`)."""

from __future__ import annotations

import click

from caseflow.cli import cli
from caseflow.core.db import db


@cli.command("injunctions-expire")
def injunctions_expire() -> None:
    """Expire the injunctions whose configured maximum duration has run out."""
    from caseflow.injunction.services import expire_due

    done = expire_due()
    db.commit()
    for case in done:
        click.echo(f"禁令期满失效：{case.number}")
    click.echo(f"共 {len(done)} 件禁令期满失效")
