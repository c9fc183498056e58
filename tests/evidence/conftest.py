"""Evidence fixtures: a storage backend per test (local directory, or S3 on moto's server), people and a case.

The S3 backend talks HTTP to moto's server mode, started once per run on a free loopback port as a separate
process; nothing inside the application is mocked.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from caseflow.accounts.models import Role
from caseflow.core import clock
from caseflow.evidence.storage import LocalStorage, S3Storage
from tests.factories.accounts import UserFactory
from tests.factories.cases import complaint
from tests.live import free_port

S3_KEYS = {"access_key": "caseflow-test", "secret_key": "caseflow-test-secret", "region": "us-east-1"}


class MotoServer:
    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_dir / "moto.log", "w")  # noqa: SIM115 — closed in stop()
        env = dict(os.environ, AWS_ACCESS_KEY_ID=S3_KEYS["access_key"],
                   AWS_SECRET_ACCESS_KEY=S3_KEYS["secret_key"], AWS_DEFAULT_REGION=S3_KEYS["region"])
        self.proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, ConnectionError):
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto server did not start; see " + self.log.name)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def storage(self, temp_dir: Path, bucket: str | None = None) -> S3Storage:
        """A fresh bucket with the evidence under a prefix, as CASEFLOW_STORAGE_URL=s3://bucket/evidence does."""
        bucket = bucket or "caseflow-" + secrets.token_hex(6)
        store = S3Storage(bucket, "evidence", temp_dir, endpoint_url=self.url, **S3_KEYS)
        store.client.create_bucket(Bucket=bucket)
        return store


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    server = MotoServer(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def storage(request, app, tmp_path):
    """The storage backend of the test (local unless a test parametrizes `storage` with "s3")."""
    backend = getattr(request, "param", "local")
    if backend == "s3":
        store = request.getfixturevalue("moto_server").storage(tmp_path / "s3-tmp")
    else:
        store = LocalStorage(tmp_path / "storage")
    previous = app.extensions.get("caseflow_storage")
    app.extensions["caseflow_storage"] = store
    yield store
    if previous is None:
        app.extensions.pop("caseflow_storage", None)
    else:
        app.extensions["caseflow_storage"] = previous


BACKENDS = ["local", "s3"]
both_backends = pytest.mark.parametrize("storage", BACKENDS, indirect=True)


@pytest.fixture
def people(session):
    return {
        "applicant": UserFactory(organisation=True),
        "respondent": UserFactory(role=Role.RESPONDENT),
        "stranger": UserFactory(),
        "officer": UserFactory(officer=True),
        "supervisor": UserFactory(supervisor=True),
        "mediator": UserFactory(mediator=True),
        "other_district": UserFactory(officer=True, staff_unit="500105"),
        "admin": UserFactory(admin=True),
    }


@pytest.fixture
def case(people):
    """A complaint filed by the applicant; the respondent account acts as its respondent party."""
    from caseflow.cases.models import Party, PartyRole

    c = complaint(people["applicant"])
    c.parties.append(Party(role=PartyRole.RESPONDENT, name=people["respondent"].display_name,
                           user_id=people["respondent"].id))
    from caseflow.core.db import db

    db.session.flush()
    return c


class EvidenceApi:
    """The JSON API as a given user, with multipart uploads."""

    def __init__(self, client):
        self.client = client
        self.tokens: dict[str, tuple[str, dt.datetime]] = {}

    def headers(self, user) -> dict:
        if user is None:
            return {}
        held = self.tokens.get(user.username)
        if held is None or held[1] <= clock.now():
            # Issued directly (the login endpoint is tested elsewhere): skips an Argon2 check per user and test.
            from caseflow.accounts.sessions import issue_token
            from caseflow.core.db import db

            held = self.tokens[user.username] = issue_token(user)
            db.commit()  # a savepoint in the test's transaction: a request that rolls back keeps the token
        return {"Authorization": f"Bearer {held[0]}"}

    def upload(self, user, case_id, data: bytes, name: str | None = "证据.pdf", *, title="购买发票", kind="documentary",
               **fields):
        from tests.evidence.helpers import multipart

        body, ctype = multipart({"title": title, "kind": kind, **fields}, [("file", name, data)])
        return self.client.post(f"/api/v1/cases/{case_id}/evidence", data=body, content_type=ctype,
                                headers=self.headers(user))

    def raw(self, user, case_id, body: bytes, ctype: str):
        return self.client.post(f"/api/v1/cases/{case_id}/evidence", data=body, content_type=ctype,
                                headers=self.headers(user))

    def get(self, user, url, **kw):
        return read_and_close(self.client.get(url, headers=self.headers(user), **kw))

    def post(self, user, url, json=None):
        return self.client.post(url, json=json, headers=self.headers(user))


def read_and_close(response):
    """Read a (possibly streamed) response and close it, so that served files are closed."""
    response.get_data()
    response.close()
    return response


@pytest.fixture
def eapi(client):
    return EvidenceApi(client)


def nothing_left(store, case=None) -> list[str]:
    """What an upload left behind: rows, stored files, temporary files (an empty list means nothing)."""
    import sqlalchemy as sa

    from caseflow.core.db import db
    from caseflow.evidence.models import Evidence

    found = []
    query = sa.select(Evidence)
    if case is not None:
        query = query.where(Evidence.case_id == case.id)
    found += [f"row {e.id}" for e in db.session.scalars(query)]
    found += [f"stored {o.key}" for o in store.iter_objects()]
    found += [f"temp {t.where}" for t in store.leftovers()]
    return found
