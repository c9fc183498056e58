"""Views written in batches (ACCESS_LOG_DELAY_SECONDS > 0): nothing lost while the database is away, each
written once, a bad row does not hold back the others (caseflow/cases/accesslog.py)."""

import pytest
import sqlalchemy as sa

from caseflow.accounts.models import User
from caseflow.cases.accesslog import BatchWriter
from caseflow.cases.models import AccessLog
from caseflow.core import clock
from caseflow.core.db import make_engine
from tests.api.conftest import COMPLAINT_BODY

pytestmark = pytest.mark.live


def logged(engine, case_id: int) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(sa.select(AccessLog.what).where(AccessLog.case_id == case_id)
                                 .order_by(AccessLog.id)))


def test_a_batch_waits_out_an_unreachable_database_and_is_written_once(live_server, tmp_path):
    live_server.add_user("batch_applicant", "applicant")
    live_server.add_user("batch_officer", "officer", "500103")
    status, case = live_server.request("POST", "/api/v1/cases", COMPLAINT_BODY,
                                       token=live_server.token("batch_applicant"))
    assert status == 201
    with live_server.engine.connect() as conn:
        officer_id = conn.scalar(sa.select(User.id).where(User.username == "batch_officer"))

    away = make_engine(f"sqlite:///{tmp_path}/missing/dir/caseflow.db")  # cannot be opened
    writer = BatchWriter(away, delay=3600)  # the thread would wait an hour: the test flushes by hand
    for what in ("page", "notice", "api"):
        writer.add({"case_id": case["id"], "user_id": officer_id, "what": what, "accessed_at": clock.now()})
    with pytest.raises(sa.exc.OperationalError):
        writer.flush()
    assert len(writer.rows) == 3 and logged(live_server.engine, case["id"]) == []

    writer.engine = live_server.engine  # the database is back
    writer.add({"case_id": 2**31 - 1, "user_id": officer_id, "what": "page", "accessed_at": clock.now()})  # no case
    assert writer.flush() == 3
    assert logged(live_server.engine, case["id"]) == ["page", "notice", "api"]
    assert writer.flush() == 0 and writer.rows == []
