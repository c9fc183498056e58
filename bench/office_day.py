"""A simulated office day for Locust (bench/load.py runs it; `locust -f bench/office_day.py` runs it by hand).

Three kinds of people with human think times, in the proportions of a district office:
- officers (执法人员) read their queue and cases, accept complaints and issue the 受理通知书, answer accepted
  complaints (办结答复) and issue that notice, upload inspection photos and open issued PDFs;
- rights holders (权利人) follow their cases in the portal and file complaints online with evidence;
- supervisors (负责人) read the statistics pages and sign off documents waiting for them.
Pages are read through the browser routes (cookie session), actions go through the JSON API, as the office's
own tools do. The accounts come from the generated database: bench/load.py writes them to $OFFICE_DAY_ACCOUNTS.

A 409 (someone else acted on the case first) is an answer the office sees every day, not an error: it is counted
as a success under its own name so that the error rate shows only what users should never see.

The day is measured once everyone has signed in (see `measure_after_sign_in`): staff sign in once in the morning,
and each sign-in costs ~230 ms of CPU for password hashing, so sign-ins still queued when the statistics were reset
at the end of spawning used to fill the measured window with the ramp's backlog.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import threading
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from requests.cookies import RequestsCookieJar

ACCOUNTS: dict = (json.loads(Path(os.environ["OFFICE_DAY_ACCOUNTS"]).read_text(encoding="utf-8"))
                  if os.environ.get("OFFICE_DAY_ACCOUNTS") else {})
PASSWORD = os.environ.get("OFFICE_DAY_PASSWORD", "generated-pass-2026")
CASE_LINK = re.compile(r'href="/cases/(\d+)"')
PORTAL_LINK = re.compile(r'href="/portal/cases/(\d+)"')
NOTICE_LINK = re.compile(r'href="/notices/(\d+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_turns: dict[str, itertools.count] = {}
_lock = threading.Lock()
_signed_in: list[str] = []  # users who have signed in (both the browser and the API)


@events.test_start.add_listener
def measure_after_sign_in(environment, **_kwargs):
    """With $OFFICE_DAY_USERS and $OFFICE_DAY_SECONDS (bench/load.py sets them): once that many users have signed in,
    reset the statistics, measure for that many seconds and stop, writing the time the sign-ins took to
    $OFFICE_DAY_MARK. Run by hand without them, Locust's own options apply."""
    users, seconds = int(os.environ.get("OFFICE_DAY_USERS", "0")), int(os.environ.get("OFFICE_DAY_SECONDS", "0"))
    if not users or not seconds:
        return
    started = time.monotonic()

    def watch():
        while len(_signed_in) < users:
            gevent.sleep(0.2)
        environment.runner.stats.reset_all()
        Path(os.environ["OFFICE_DAY_MARK"]).write_text(json.dumps({"sign_in_s": round(time.monotonic() - started, 1)}))
        gevent.sleep(seconds)
        environment.runner.quit()

    gevent.spawn(watch)


def take(pool: str) -> str:
    """The next account of a pool, round-robin: users of one pool spread over its accounts."""
    with _lock:
        n = next(_turns.setdefault(pool, itertools.count()))
    names = ACCOUNTS[pool]
    return names[n % len(names)]


class PlainHttpJar(RequestsCookieJar):
    """Production cookies are Secure; the bench speaks plain HTTP to gunicorn as a TLS-terminating proxy would."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def photo(seed: int) -> bytes:
    """A site photo of about 150 KB, different every time (evidence is stored by its hash)."""
    from PIL import Image

    rng = random.Random(seed)
    img = Image.effect_noise((480, 360), 40 + rng.random() * 40).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


class Person(HttpUser):
    abstract = True
    pool = ""

    def on_start(self):
        self.client.cookies = PlainHttpJar()
        self.username = take(self.pool)
        page = self.client.get("/login", name="login").text
        token = CSRF.search(page)
        self.client.post("/login", data={"csrf_token": token.group(1) if token else "", "username": self.username,
                                         "password": PASSWORD}, name="login", allow_redirects=False)
        r = self.client.post("/api/v1/auth/token", json={"username": self.username, "password": PASSWORD},
                             name="login (API)")
        self.api = {"Authorization": f"Bearer {r.json()['token']}"} if r.ok else {}
        _signed_in.append(self.username)

    def api_get(self, path: str, name: str):
        return self.client.get(path, headers=self.api, name=name)

    def api_post(self, path: str, name: str, **kw):
        with self.client.post(path, headers=self.api, name=name, catch_response=True, **kw) as r:
            if r.status_code == 409:
                r.success()
                r.request_meta["name"] = name + " (409 taken by another)"
            return r

    def issue(self, case: dict, kind: str) -> None:
        """Issue the case's draft of this kind (a 202 means it went to a supervisor for sign-off)."""
        for notice in case.get("notices", []):
            if notice["kind"] == kind and notice["status"] == "draft":
                self.api_post(f"/api/v1/notices/{notice['id']}/issue", "API issue notice", json={})
                return


class Officer(Person):
    weight = 6
    wait_time = between(5, 20)
    pool = "officer"
    cases: list[int]

    def on_start(self):
        super().on_start()
        self.cases = []
        self.queue()

    @task(5)
    def queue(self):
        page = self.client.get("/cases/", name="queue page").text
        self.cases = [int(x) for x in CASE_LINK.findall(page)] or self.cases

    @task(10)
    def case_page(self):
        if self.cases:
            self.client.get(f"/cases/{random.choice(self.cases)}", name="case page")

    @task(2)
    def accept_complaint(self):
        found = self.api_get("/api/v1/cases?procedure=complaint&state=submitted&per_page=20",
                             "API list submitted complaints").json().get("items", [])
        if found:
            case = random.choice(found)
            r = self.api_post(f"/api/v1/cases/{case['id']}/actions/accept", "API accept complaint",
                              json={"version": case["version"]})
            if r.status_code == 200:
                self.issue(r.json(), "acceptance")

    @task(1)
    def answer_complaint(self):
        found = self.api_get("/api/v1/cases?procedure=complaint&state=accepted&per_page=20",
                             "API list accepted complaints").json().get("items", [])
        if found:
            case = random.choice(found)
            r = self.api_post(f"/api/v1/cases/{case['id']}/actions/conclude", "API conclude complaint",
                              json={"version": case["version"], "outcome": "经现场检查，被投诉人已下架涉嫌侵权商品。"})
            if r.status_code == 200:
                self.issue(r.json(), "conclusion")

    @task(1)
    def upload_photo(self):
        if self.cases:
            self.api_post(f"/api/v1/cases/{random.choice(self.cases)}/evidence", "API upload evidence (150 KB)",
                          data={"title": "现场检查照片", "kind": "inspection_record"},
                          files={"file": ("现场照片.jpg", photo(random.getrandbits(32)), "image/jpeg")})

    @task(1)
    def read_notice_pdf(self):
        if self.cases:
            case = self.api_get(f"/api/v1/cases/{random.choice(self.cases)}", "API case").json()
            issued = [n for n in case.get("notices", []) if n.get("pdf")]
            if issued:
                self.api_get(random.choice(issued)["pdf"], "API notice PDF")


class RightsHolder(Person):
    weight = 3
    wait_time = between(10, 40)
    pool = "applicant"
    cases: list[int]

    def on_start(self):
        super().on_start()
        self.cases = []
        self.portal()

    @task(4)
    def portal(self):
        page = self.client.get("/portal/", name="portal page").text
        self.cases = [int(x) for x in PORTAL_LINK.findall(page)] or self.cases

    @task(4)
    def portal_case(self):
        if self.cases:
            self.client.get(f"/portal/cases/{random.choice(self.cases)}", name="portal case page")

    @task(1)
    def file_complaint(self):
        unit = random.choice(ACCOUNTS["units"])
        body = {"procedure": "complaint", "unit": unit, "kind": "patent_infringement", "ip_type": "invention",
                "right_number": "ZL202010123456.2", "title": "销售侵犯发明专利权的空气净化器",
                "facts": "被投诉人在门店销售涉嫌侵权产品，型号与专利权利要求1所述技术方案相同。",
                "claims": "请求责令停止销售。", "channel": "online", "asserted_claims": "权利要求1-3",
                "claimants": [ACCOUNTS["claimants"][self.username]],
                "respondents": [{"name": "重庆某某商贸有限公司", "id_type": "uscc", "address": "重庆市渝中区解放碑"}]}
        r = self.api_post("/api/v1/cases", "API file complaint", json=body)
        if r.status_code == 201:
            case_id = r.json()["id"]
            self.cases.append(case_id)
            self.api_post(f"/api/v1/cases/{case_id}/evidence", "API upload evidence (150 KB)",
                          data={"title": "购买侵权产品的现场照片", "kind": "physical"},
                          files={"file": ("购买照片.jpg", photo(random.getrandbits(32)), "image/jpeg")})


class Supervisor(Person):
    weight = 1
    wait_time = between(10, 40)
    pool = "supervisor"

    @task(3)
    def statistics(self):
        section = random.choice(["", "limits", "mediation", "open", "deadlines", "workload"])
        self.client.get(f"/stats/{section}", name="statistics page")

    @task(2)
    def approvals(self):
        self.client.get("/approvals/", name="approvals page")

    @task(2)
    def sign_off(self):
        page = self.client.get("/notices/signoff", name="sign-off page").text
        waiting = NOTICE_LINK.findall(page)
        if waiting:
            self.api_post(f"/api/v1/notices/{random.choice(waiting)}/approve", "API sign off notice", json={})
