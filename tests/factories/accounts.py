"""Users of each role; all share one pre-computed Argon2id hash so the suite stays fast."""

import factory
import sqlalchemy as sa

from caseflow.accounts.models import IdType, Role, Unit, User
from caseflow.core.db import db
from caseflow.core.security import hash_password
from tests.factories.base import BaseFactory

PASSWORD = "secret-pass-1"
_HASH = hash_password(PASSWORD)


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


class UserFactory(BaseFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    password_hash = _HASH
    role = Role.APPLICANT
    unit = None

    class Params:
        staff_unit = "500103"
        officer = factory.Trait(role=Role.OFFICER, unit=factory.LazyAttribute(lambda o: unit(o.staff_unit)))
        mediator = factory.Trait(role=Role.MEDIATOR, unit=factory.LazyAttribute(lambda o: unit(o.staff_unit)))
        supervisor = factory.Trait(role=Role.SUPERVISOR, unit=factory.LazyAttribute(lambda o: unit(o.staff_unit)))
        admin = factory.Trait(role=Role.ADMIN, unit=factory.LazyAttribute(lambda o: unit(o.staff_unit)))
        organisation = factory.Trait(id_type=IdType.USCC, id_number="91500103MA5U8KJ84F")
