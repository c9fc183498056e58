"""A database of generated cases for the statistics tests: migrated, generated once per module, then each test
runs in its own rolled-back transaction on it (the suite's `session`, `client` and `web` fixtures)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from caseflow.core.db import db, make_engine

UNTIL = dt.date(2026, 11, 20)
GENERATED = 2500
SEED = 7


@pytest.fixture(scope="module")
def generated(databases, app):
    """Point the app's database at a freshly generated one for the module; put it back afterwards."""
    from caseflow.devtools.generate import generate

    url = databases.migrated("stats")
    old = db.engine
    engine = make_engine(url)
    db.session.remove()
    db.engine = engine
    db.session.configure(bind=engine)
    try:
        with app.app_context():
            # The figures include 先行禁令 (an office that runs it; off by default).
            result = generate(db.session, cases=GENERATED, seed=SEED, until=UNTIL, injunctions=True)
            db.session.remove()
        yield result
    finally:
        db.session.remove()
        db.engine = old
        db.session.configure(bind=old)
        engine.dispose()


@pytest.fixture
def gen_users(generated, session):
    from caseflow.accounts.models import User

    return {u.username: u for u in session.scalars(sa.select(User).where(User.username.like("gen-%")))}


@pytest.fixture
def login_as(web):
    from caseflow.devtools.generate import GENERATED_PASSWORD

    def login(username):
        web.login(username, password=GENERATED_PASSWORD)
        return web

    return login
