"""Factory base bound to the test's scoped session (flush, never commit)."""

import factory.alchemy

from caseflow.core.db import db


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"
