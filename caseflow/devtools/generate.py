"""A realistic data generator for statistics tests and benchmarks: `flask --app wsgi caseflow generate --cases N`.

What it makes, deterministically for a seed (and a fixed ``until`` date):
- staff per office (officers, mediators, a supervisor; password ``GENERATED_PASSWORD``) and a pool of rights
  holders, created once and reused by later runs;
- N cases across the 39 offices over several years, more in later years: complaints, adjudications and
  mediations filed directly, plus the linked cases their actions create (converted cases, injunctions,
  referrals to the police, other agencies and the courts);
- each case's story is a walk through its procedure's declaration (``workflows/``): every action is checked
  against the declared source states, its destination, ``when`` variant and closing (结案) mark, so states,
  ``closed_at`` and ``closing_action`` are exactly what ``perform`` would have produced;
- the audit events of every step, hash-chained with ``caseflow.cases.audit.event_hash`` (``verify-audit`` passes);
- the deadline rows the declarations start, stop, pause, resume and extend, computed with the real rules and
  calendar (``caseflow.deadlines``), including missed ones and the ``case:deadline:missed`` audit events that
  ``perform`` records;
- satisfaction ratings on some closed cases;
- gapless numbers per office, type and year, continuing ``number_sequences``.

Bulk path: rows are built in Python and written with Core ``insert()`` executemany in batches, one commit
per chunk of cases; approval requests are not generated (approval-requiring actions are performed by the
office's supervisor directly, which ``perform`` allows). Afterwards the statistics are rebuilt from the
base tables (``caseflow.stats.services.rebuild``).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import hmac
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, TypeVar

import sqlalchemy as sa

import workflows
from caseflow.accounts.models import Role, Unit, User
from caseflow.cases.audit import current_key, event_hash
from caseflow.cases.models import Case, CaseEvent, NumberSequence, Party
from caseflow.core import clock
from caseflow.core.clock import BEIJING
from caseflow.core.db import db
from caseflow.deadlines import due_date, lifecycle, office_calendar
from caseflow.deadlines.calendar import default_calendar
from caseflow.deadlines.models import Deadline
from caseflow.deadlines.rules import LING_81_FROM, RULE_ALIASES, RULE_VARIANTS, dispatch_ids, rule_for
from caseflow.injunction.config import settings as injunction_settings
from caseflow.notices import catalogue
from caseflow.stats.facts import EVENT_TAGS, LIMIT_RULE_IDS, facts_of
from caseflow.stats.models import CaseFact, Rating
from caseflow.stats.services import FACT_COLUMNS, rebuild_rollups, refresh
from workflows.base import GuardContext
from workflows.complaint import PENALTY_KINDS
from workflows.mediation import CATEGORIES, apply as mediation_apply

GENERATED_PASSWORD = "generated-pass-2026"
#: Bumped whenever the generated data would differ for the same seed (benchmark caches are keyed by it).
GENERATOR_VERSION = 11
UTC = dt.UTC
T = TypeVar("T")
CHUNK_ROOTS = 4000
BUSY_UNITS = {"500000": 4.0, "500103": 3.0, "500105": 2.5, "500106": 2.5, "500107": 2.5, "500108": 2.0,
              "500112": 3.0, "500113": 1.5}
COMPLAINT_KINDS = [("patent_infringement", 22), ("patent_counterfeit", 14), ("trademark", 34), ("copyright", 14),
                   ("geographical_indication", 6), ("other", 10)]
IP_BY_KIND = {"patent_infringement": [("invention", 4), ("utility_model", 4), ("design", 3)],
              "patent_counterfeit": [("invention", 3), ("utility_model", 5), ("design", 2)],
              "trademark": [("trademark", 1)], "copyright": [("copyright", 1)],
              "geographical_indication": [("geographical_indication", 1)], "other": [("other", 1)]}
CHANNELS = [("online", 55), ("hotline_12330", 20), ("walk_in", 15), ("transfer", 5), ("ex_officio", 5)]
COMPANIES = ["山城科技", "渝江电子", "嘉陵机械", "巴渝食品", "两江新材", "长江智造", "缙云文创", "南山制药",
             "朝天门商贸", "磁器口工艺", "歌乐山茶业", "涪陵榨菜", "江津花椒", "荣昌陶器", "大足石刻文旅", "万州烤鱼",
             "綦江齿轮", "璧山鞋业"]
PRODUCTS = ["空气净化器", "火锅底料", "蓝牙耳机", "儿童座椅", "电动牙刷", "茶具", "榨菜", "花椒油", "插画作品",
            "手机壳", "摩托车配件", "陶瓷餐具", "运动鞋", "调味品", "图书", "LED灯具"]


#: A story step that is no action: the document named after it reached its addressees (送达) that day.
DELIVER = "deliver:"


def _pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for value, w in weighted:
        x -= w
        if x < 0:
            return value
    return weighted[-1][0]


@dataclass
class Step:
    action: str
    at: dt.datetime
    actor: str  # "officer", "supervisor", "applicant", "system"
    fields: dict = field(default_factory=dict)


@dataclass
class GenCase:
    procedure: str
    unit: Unit
    received_at: dt.datetime
    kind: str | None
    ip_type: str | None
    channel: str
    track: str
    data: dict
    creator_id: int | None  # applicant user (portal filing) or None (registered by staff / linked internal)
    officer: SimpleNamespace | None
    parent: GenCase | None = None
    #: When the request was received, if before the case was made (an adjudication converted from a complaint).
    received_from: dt.datetime | None = None
    steps: list[Step] = field(default_factory=list)
    children: list[GenCase] = field(default_factory=list)
    # filled in when written
    #: The parent performed the action that creates this linked case (a refused step ends its story before it).
    made: bool = False
    #: When the case was closed (结案) and by which action, once simulated.
    closed_at: dt.datetime | None = None
    closing: str | None = None
    id: int = 0
    number: str = ""
    year: int = 0
    seq: int = 0


@dataclass
class Result:
    cases: int = 0
    events: int = 0
    deadlines: int = 0
    ratings: int = 0
    skipped: int = 0  # story steps dropped because a guard or the deadline engine would refuse them
    seconds: float = 0.0
    stats_seconds: float = 0.0


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


Staff = dict[int, dict[str, list[SimpleNamespace]]]  # unit id → role → people


def _uscc(first17: str) -> str:
    """A 统一社会信用代码 with its check character, so that the generated rights holders can file as the app asks."""
    from stdnum.cn import uscc

    return first17 + uscc.calc_check_digit(first17)


def _ensure_people(session, units: list[Unit], rng: random.Random, applicants: int) -> tuple[Staff, list[int]]:
    from caseflow.core.security import hash_password

    existing = {u.username: u for u in session.scalars(sa.select(User).where(User.username.like("gen-%")))}
    pw = None
    rows = []
    staff: dict[int, dict[str, list[str]]] = {}
    for unit in units:
        weight = BUSY_UNITS.get(unit.code, 1.0)
        plan = {"officer": 2 + int(weight * 2) + rng.randint(0, 2), "mediator": 1 + int(weight >= 2.5),
                "supervisor": 1 + int(weight >= 3)}
        staff[unit.id] = {}
        for role, count in plan.items():
            for i in range(1, count + 1):
                name = f"gen-{unit.code}-{role[0]}{i}"
                staff[unit.id].setdefault(role, []).append(name)
                if name not in existing:
                    pw = pw or hash_password(GENERATED_PASSWORD)
                    title = {"officer": "执法员", "mediator": "调解员", "supervisor": "负责人"}[role]
                    rows.append({"username": name, "display_name": f"{unit.area}{title}{i}", "password_hash": pw,
                                 "role": role, "unit_id": unit.id, "is_disabled": False})
    app_names = [f"gen-app-{i}" for i in range(1, applicants + 1)]
    for i, name in enumerate(app_names, start=1):
        if name not in existing:
            pw = pw or hash_password(GENERATED_PASSWORD)
            rows.append({"username": name, "display_name": f"重庆{COMPANIES[i % len(COMPANIES)]}有限公司{i}",
                         "password_hash": pw, "role": "applicant", "unit_id": None, "is_disabled": False,
                         "id_type": "uscc", "id_number": _uscc(f"91500000MA{i:07d}")})
    if rows:
        for r in rows:
            r.setdefault("id_type", None)
            r.setdefault("id_number", None)
            r["created_at"] = dt.datetime(2020, 1, 1, tzinfo=UTC)
        session.execute(sa.insert(User.__table__), rows)
    ids = dict(session.execute(sa.select(User.username, User.id).where(User.username.like("gen-%"))).all())
    people = {uid: {role: [SimpleNamespace(id=ids[n], username=n) for n in names] for role, names in roles.items()}
              for uid, roles in staff.items()}
    return people, [ids[n] for n in app_names]


# ---------------------------------------------------------------------------
# Stories: walks through the declarations
# ---------------------------------------------------------------------------


class Timeline:
    """Step times: office hours in Beijing, strictly increasing."""

    def __init__(self, rng: random.Random, start: dt.datetime):
        self.rng, self.now = rng, start

    def after(self, days: float) -> dt.datetime:
        base = self.now + dt.timedelta(days=days)
        local = base.astimezone(BJ)
        if days >= 1:
            local = local.replace(hour=self.rng.randint(9, 16), minute=self.rng.randint(0, 59),
                                  second=self.rng.randint(0, 59), microsecond=0)
        moment = local.astimezone(UTC)
        if moment <= self.now:
            moment = self.now + dt.timedelta(minutes=self.rng.randint(3, 90))
        self.now = moment
        return moment

    def step(self, c: GenCase, action: str, low: float, high: float, actor: str, fields: dict | None = None) -> None:
        """Add a step to ``c``'s story, ``low`` to ``high`` days (drawn) after the previous one."""
        c.steps.append(Step(action, self.after(self.rng.uniform(low, high)), actor, fields or {}))


def complaint_story(g: Generator, c: GenCase, timeline: Timeline) -> None:
    rng = g.rng
    party = c.creator_id is not None
    # A matter found ex officio has nobody to send a 补正 to (the draw is kept so the data stay as they were).
    if rng.random() < 0.12 and c.channel != "ex_officio":
        timeline.step(c, "request_correction", 1, 9, "officer", {"items": "请补充权利证明文件及侵权产品照片。"})
        if party and rng.random() < 0.12:
            timeline.step(c, "withdraw", 2, 20, "applicant", {"reason": "已与对方和解"})
            return
        timeline.step(c, "resubmit", 1, 14, "applicant" if party else "officer",
                      {"note": "已补充权利证书及购买公证书。"})
        if not party:  # resubmission is the party's act; registered cases are accepted at the window instead
            c.steps.pop()
    r = rng.random()
    if party and r < 0.06:
        timeline.step(c, "withdraw", 1, 10, "applicant", {"reason": "已与对方和解"})
        return
    in_correction = bool(c.steps) and c.steps[-1].action == "request_correction"
    if r < 0.17 and not in_correction:  # from 待补正, 不予受理 needs the correction period to have run out
        timeline.step(c, "reject", 1, 12, "supervisor",
                      {"reason": "不属于本部门管辖或不符合受理条件。", "competent_department": ""})
        return
    if c.kind in ("trademark", "geographical_indication", "other") and not in_correction and rng.random() < 0.05:
        # 特殊情况: the head extends the 15-working-day check by 15 (市场监管行政处罚程序规定 art. 18).
        timeline.step(c, "extend_acceptance", 3, 10, "supervisor", {"reason": "涉及多个权利人，需要进一步核查。"})
    # 受理: usually within the acceptance period, sometimes late (missed).
    late = rng.random() < 0.06
    quick = 4 if c.kind == "patent_infringement" else 10
    c.steps.append(Step("accept", timeline.after(rng.uniform(5, 30) if late else rng.uniform(0.3, quick)), "officer"))
    r = rng.random()
    converts = c.kind == "patent_infringement" and r < 0.65
    # A 先行禁令 only where the office runs it (off by default); a request to be converted asks for it in the case
    # it becomes.
    if not converts and rng.random() < 0.04 and g.injunctions:
        g.child(c, "injunction", timeline.after(rng.uniform(1, 10)), "request_injunction",
                {"reason": "请求责令被投诉人立即停止销售涉嫌侵权产品。"})
    if c.kind == "patent_infringement":
        if converts:
            target = "adjudication" if rng.random() < 0.65 else "mediation"
            g.child(c, target, timeline.after(rng.uniform(1, 15)), "convert", {"procedure": target})
        elif r < 0.72 and party:
            timeline.step(c, "withdraw", 2, 30, "applicant", {"reason": "已和解"})
        else:
            timeline.step(c, "conclude", 5, 60, "officer", {"outcome": "经现场检查，被投诉人已下架涉嫌侵权商品。"})
        return
    if r < 0.10:
        kind = "police" if rng.random() < 0.7 else "agency"
        g.child(c, "referral", timeline.after(rng.uniform(2, 30)), "refer",
                {"kind": kind, "target": "重庆市公安局" if kind == "police" else "重庆市市场监督管理局",
                 "reason": "涉嫌犯罪，依法移送。" if kind == "police" else "不属于本机关管辖。"})
    # A 假冒专利 matter is an offence against the public order, no civil dispute to mediate (局令81 art. 63).
    # Once filed, a penalty matter is the office's: the complainant's withdrawal does not end it.
    elif r < 0.16 and party and c.kind not in PENALTY_KINDS:
        timeline.step(c, "withdraw", 2, 30, "applicant", {"reason": "已和解"})
    elif c.kind in PENALTY_KINDS and rng.random() < 0.08:
        # Some penalty cases are decided after their 90 days (行政处罚法 art. 60): the 审限 figures show them.
        timeline.step(c, "conclude", 95, 150, "officer", {"outcome": "经调查，已对被投诉人作出行政处罚决定。"})
    else:
        timeline.step(c, "conclude", 4, 75, "officer", {"outcome": "经调查，已责令被投诉人停止侵权并下架商品。"})


def adjudication_story(g: Generator, c: GenCase, timeline: Timeline) -> None:
    rng = g.rng
    party = c.creator_id is not None
    if rng.random() < 0.06:
        timeline.step(c, "request_correction", 1, 6, "officer",
                      {"items": "请补充专利登记簿副本及侵权比对说明。", "due_in_days": "15"})
        if party:
            timeline.step(c, "resubmit", 2, 15, "applicant", {"note": "已补正。"})
        else:
            # 不予立案 for want of 补正 only after the period the notice set ran out (局令81 art. 16).
            timeline.step(c, "reject", 30, 45, "supervisor", {"reason": "逾期未补正。", "ground": "correction"})
            return
    r = rng.random()
    if r < 0.05 and party:
        timeline.step(c, "withdraw", 1, 6, "applicant", {"reason": "双方已自行和解"})
        return
    if r < 0.12:
        timeline.step(c, "reject", 2, 9, "supervisor", {"reason": "不符合立案条件。"})
        return
    # 立案 records the art. 12 checks (and the art. 14 评价报告 for utility models and designs) and forms the panel.
    checks = {"standing": "patentee", "claims_clear": "yes", "jurisdiction": "infringement_place",
              "court_suit": "no", "other_route": "no", "patent_status": "valid"}
    if c.ip_type in ("utility_model", "design"):
        checks["evaluation_report"] = "provided"
    members = [o.username for o in rng.sample(g.staff[c.unit.id]["officer"], 3)]
    ling_81 = bj_date(timeline.now) >= LING_81_FROM  # the 立案 extension and the 举证期限 are 局令81's
    if ling_81 and rng.random() < 0.05:  # 案情特别复杂: the head extends the 5 working days by 5 (局令81 art. 20)
        timeline.step(c, "extend_docket", 1, 4, "supervisor", {"reason": "案情特别复杂，需核实专利权状态。"})
    timeline.step(c, "docket", 1, 8, "supervisor", {**checks, "members": members})
    timeline.step(c, "serve_respondent", 0.5, 4, "officer")
    # The 答辩通知书 reaches the respondent (送达): the office's 5 working days end then (局令81 art. 22).
    c.steps.append(Step(DELIVER + "answer_notice", timeline.after(rng.choice([rng.uniform(1, 4), rng.uniform(3, 9)])),
                        "officer"))
    if rng.random() < 0.8:
        timeline.step(c, "record_answer", 5, 15, "officer", {"answer": "被请求人认为其产品未落入专利保护范围。"})
        if rng.random() < 0.97:  # the copy goes to the requester within 5 working days, now and then late
            at = timeline.after(rng.choice([rng.uniform(0.5, 5), rng.uniform(5, 12)]))
            c.steps.append(Step("forward_answer", at, "officer", {"delivered_on": bj_date(at).isoformat()}))
    else:
        timeline.step(c, "close_answer_period", 24, 40, "officer")
    if ling_81 and rng.random() < 0.2:
        timeline.step(c, "set_evidence_period", 1, 5, "officer", {"days": "15"})
        if rng.random() < 0.3:  # a party applies; the extended time is not counted (局令81 art. 37)
            timeline.step(c, "extend_evidence_period", 2, 12, "officer",
                          {"days": "10", "reason": "当事人申请补充证据。"})
    if rng.random() < 0.05:
        timeline.step(c, "start_excluded_period", 2, 10, "officer", {"period": "appraisal", "detail": "委托技术鉴定。"})
        timeline.step(c, "end_excluded_period", 10, 40, "officer",
                      {"period": "appraisal", "detail": "鉴定意见已送达。"})
    if rng.random() < 0.08:
        # 局令81 art. 28(一) for utility models and designs; an invention's case waits on another (六) instead.
        reason = "invalidation" if c.ip_type in ("utility_model", "design") else "depends"
        timeline.step(c, "suspend", 3, 20, "officer", {"reason": reason})
        timeline.step(c, "resume", 20, 120, "officer")
    if rng.random() < 0.04 and g.injunctions:  # only where the office runs 先行禁令 (off by default)
        g.child(c, "injunction", timeline.after(rng.uniform(1, 10)), "request_injunction",
                {"reason": "请求先行责令停止制造、销售。"})
    if rng.random() < 0.12:
        timeline.step(c, "extend", 10, 40, "supervisor", {"reason": "案情复杂。"})
    if rng.random() < 0.6:
        at = timeline.after(rng.uniform(3, 20))
        # On a working day at least 3 working days after the notice (局令81 art. 26), holidays included.
        due = due_date(bj_date(at), rng.randint(5, 14), "working_days").due
        hearing_day = due.date() if isinstance(due, dt.datetime) else due
        notice_days = (hearing_day - bj_date(at)).days
        c.steps.append(Step("schedule_hearing", at, "officer",
                            {"hearing_date": hearing_day.isoformat(), "start_time": "09:30", "mode": "in_person",
                             "room": "1"}))
        c.steps.append(Step("hold_hearing", timeline.after(notice_days + rng.uniform(0, 1)), "officer",
                            {"record": "双方到庭陈述意见。", "requester_attended": "yes",
                             "respondent_attended": "yes"}))
    if rng.random() < 0.3:
        c.steps.append(Step("start_mediation", timeline.after(rng.uniform(2, 10)), "officer",
                            {"settlement": "yes" if rng.random() < 0.5 else "no"}))
        if rng.random() < 0.6:
            timeline.step(c, "record_settlement", 5, 40, "officer", {"terms": "被请求人停止侵权并赔偿请求人经济损失。"})
            # The agreement takes effect, and the case closes, on the second signature (局令81 art. 35).
            for side in ("claimant", "respondent"):
                timeline.step(c, "record_signature", 0.1, 2, "officer", {"side": side})
            return
        timeline.step(c, "end_mediation", 5, 30, "officer")
    if rng.random() < 0.1:
        timeline.step(c, "revoke", 5, 40, "supervisor", {"reason": "请求人撤回请求。"})
        return
    outcome = "infringement" if rng.random() < 0.7 else "dismissed"
    # The panel deliberates (合议, art. 25); the decision follows its majority opinion.
    timeline.step(c, "deliberate", 2, 20, "officer", {"outcome": outcome, "opinion": "合议组经合议，形成多数意见。"})
    c.steps.append(Step("decide", timeline.after(rng.choice([rng.uniform(5, 40), rng.uniform(10, 60)])), "supervisor",
                        {"outcome": outcome, "reasons": "经审理查明的事实及理由。",
                         **({"measures": "责令被请求人立即停止侵权行为。"} if outcome == "infringement" else {})}))
    # Published before the case may close (局令81 art. 83); sometimes after its 20 working days (missed).
    if rng.random() < 0.85:
        timeline.step(c, "publish", 2, 25, "officer")
    else:
        timeline.step(c, "publish", 32, 60, "officer")
    r = rng.random()
    if outcome == "dismissed" or r < 0.45:
        timeline.step(c, "finalize", 16, 60, "officer")
    elif r < 0.7:
        timeline.step(c, "record_compliance", 10, 40, "officer", {"note": "已停止侵权。"})
    elif r < 0.85:
        timeline.step(c, "record_litigation", 5, 15, "officer", {"court_case": "（2025）渝01知行初1号"})
        timeline.step(c, "record_judgment", 90, 300, "officer", {"judgment": "驳回起诉。"})
    else:
        # The reminder after the 15-day suit window, the application after its 10 working days (行政强制法 arts 53-54),
        # both with room for holidays.
        timeline.step(c, "issue_reminder", 25, 45, "officer")
        g.child(c, "referral", timeline.after(rng.uniform(22, 35)), "apply_enforcement", {})
        timeline.step(c, "record_compliance", 30, 120, "officer", {"note": "经强制执行已履行。"})


def mediation_story(g: Generator, c: GenCase, timeline: Timeline) -> None:
    rng = g.rng
    party = c.creator_id is not None
    if "category" not in c.data:  # converted from a complaint: the office records the category first
        c.steps.append(Step("set_category", timeline.after(rng.uniform(0.5, 2)), "officer",
                            {"category": _pick(rng, [("inventorship", 2), ("remuneration", 3), ("other", 5)])}))
    timeline.step(c, "notify_respondent", 0.5, 3, "officer")
    served = timeline.after(rng.choice([rng.uniform(1, 4), rng.uniform(3, 8)]))
    c.steps.append(Step(DELIVER + "statement_notice", served, "officer"))
    r = rng.random()
    if r < 0.12:  # the respondent states that it will not mediate: 不予受理 (局令81 art. 66)
        timeline.step(c, "record_statement", 3, 14, "officer", {"agrees": "no", "statement": "不同意调解。"})
        timeline.step(c, "refuse", 1, 5, "officer", {"ground": "respondent_declined", "reason": "被请求人不同意调解。"})
        return
    if r < 0.18 and party:
        timeline.step(c, "withdraw", 2, 12, "applicant", {"reason": "不再请求调解"})
        return
    timeline.step(c, "record_statement", 3, 14, "officer", {"agrees": "yes", "statement": "同意调解。"})
    timeline.step(c, "docket", 1, 5, "officer", {"body": "office", "decision_checked": "yes"})
    timeline.step(c, "schedule_session", 2, 10, "officer",
                  {"session_date": "2025-01-01", "mode": "remote", "link": "https://meeting.example.cn/room"})
    timeline.step(c, "hold_session", 3, 20, "officer",
                  {"absence": "none", "notes": "双方陈述意见，调解员释明有关规定。"})
    r = rng.random()
    if r < 0.56:
        timeline.step(c, "record_agreement", 3, 25, "officer", {"terms": "双方就许可使用费达成一致。"})
        for side in ("claimant", "respondent"):
            timeline.step(c, "record_signature", 0.1, 2, "officer", {"side": side})
    elif r < 0.92 or not party:
        timeline.step(c, "fail", 5, 50, "officer", {"reason": "双方分歧较大，调解不成。"})
        return
    else:
        timeline.step(c, "withdraw", 5, 30, "applicant", {"reason": "撤回调解申请"})
        return
    r = rng.random()
    if (c.data.get("category") != "ownership") and r < 0.5:
        timeline.step(c, "apply_confirmation", 3, 25, "officer",
                      {"court": "重庆市第一中级人民法院", "mode": "joint", "profile": "statutory"})
        timeline.step(c, "record_court_acceptance", 1, 3, "officer", {"court_case": "（2025）渝01民特1号"})
        if rng.random() < 0.85:
            timeline.step(c, "record_confirmation", 10, 30, "officer", {"court_case": "（2025）渝01民特1号"})
        else:
            timeline.step(c, "record_confirmation_rejected", 10, 30, "officer",
                          {"outcome": "rejected", "court_case": "（2025）渝01民特2号"})
    elif r < 0.9:
        timeline.step(c, "record_performance", 10, 90, "officer")


def injunction_story(g: Generator, c: GenCase, timeline: Timeline) -> None:
    rng = g.rng
    if rng.random() < 0.3:
        timeline.step(c, "refuse", 0.2, 3, "officer",
                      {"ground": "insufficient_evidence", "reason": "证据不足以证明侵权。"})
        return
    timeline.step(c, "propose_issue", 0.2, 4, "supervisor", {"measures": ["stop_selling"], "products": "涉嫌侵权产品。",
                                                             "findings": "有证据证明存在侵权事实。"})
    r = rng.random()
    if r < 0.6:
        timeline.step(c, "record_compliance", 3, 20, "officer", {"note": "现场检查已停止销售。"})
        if rng.random() < 0.08:
            timeline.step(c, "record_breach", 10, 60, "officer", {"note": "发现继续销售。"})
    elif r < 0.75:
        timeline.step(c, "record_breach", 5, 40, "officer", {"note": "拒不停止销售。"})
    r = rng.random()
    if r < 0.45:
        timeline.step(c, "lift", 20, 120, "supervisor", {"ground": "changed", "reason": "主案已作出处理。"})
    elif r < 0.55:
        timeline.step(c, "expire", 60, 180, "system")


def referral_story(g: Generator, c: GenCase, timeline: Timeline) -> None:
    rng = g.rng
    police = c.data.get("referral_kind") == "police"
    if police and rng.random() < 0.12:
        timeline.step(c, "decline", 0.5, 3, "supervisor", {"reason": "尚未达到刑事追诉标准。"})
        return
    if police:
        timeline.step(c, "submit_report", 0.1, 1, "officer",
                      {"team": ["team-a", "team-b"], "threshold": "reasonable_suspicion",
                       "report": "涉案产品数量较大，存在犯罪的合理嫌疑。"})
    timeline.step(c, "approve", 0.2, 3, "supervisor")
    if c.data.get("referral_kind") == "agency":
        timeline.step(c, "inform_requester", 0.1, 0.5, "officer",
                      {"method": "written", "note": "已告知请求人本案将移送有管辖权的部门。"})
    c.steps.append(Step("transfer", timeline.after(rng.choice([0.3, 0.5, 0.8, 1.5])), "officer"))
    if not police:
        timeline.step(c, "record_receipt", 2, 15, "officer")
        return
    if rng.random() < 0.62:
        timeline.step(c, "record_police_decision", 3, 30, "officer",
                      {"decision": "accepted", "note": "公安机关已立案。"})
        if rng.random() < 0.9:
            timeline.step(c, "hand_over", 0.5, 4, "officer")
        return
    timeline.step(c, "record_police_decision", 3, 30, "officer", {"decision": "declined", "note": "公安机关不予立案。"})
    if rng.random() < 0.35:
        timeline.step(c, "request_reconsideration", 0.5, 3, "officer")
        ok = rng.random() < 0.35
        timeline.step(c, "record_reconsideration", 2, 10, "officer", {"decision": "accepted" if ok else "declined"})
        if ok:
            timeline.step(c, "hand_over", 0.5, 4, "officer")
            return
    if rng.random() < 0.3:
        timeline.step(c, "propose_supervision", 0.5, 3, "officer")
        ok = rng.random() < 0.4
        timeline.step(c, "record_supervision_result", 10, 40, "officer", {"decision": "accepted" if ok else "declined"})
        if ok:
            timeline.step(c, "hand_over", 0.5, 4, "officer")
        return
    timeline.step(c, "accept_refusal", 1, 5, "officer")


STORIES = {"complaint": complaint_story, "adjudication": adjudication_story, "mediation": mediation_story,
           "injunction": injunction_story, "referral": referral_story}


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------


BJ = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has had no daylight saving since 1991: a fixed offset is exact


def bj_date(moment: dt.datetime) -> dt.date:
    """Beijing date of an aware moment (fast path of caseflow.core.clock.beijing_date)."""
    return moment.astimezone(BJ).date()


class NoRule(str):
    """No version of a rule applies (the message start_deadline would audit)."""


@functools.lru_cache(maxsize=100_000)
def _rule(rule_id: str, on: dt.date, unit_code: str, kind: str | None, channel: str | None = None):
    try:
        return rule_for(rule_id, on, unit_code, kind=kind, channel=channel)
    except LookupError as exc:
        # Cache the message, never the exception: its traceback would keep a whole chunk's rows alive.
        return NoRule(str(exc))


# The C encoder when the interpreter has it (typeshed leaves this optional accelerator out).
_encode_str = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring


def _js(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _encode_str(value)
    return str(value)


@functools.lru_cache(maxsize=100_000)
def _data_json(items: tuple) -> str:
    return json.dumps(dict(items), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _dumps_data(data: dict) -> str:
    fields = data.get("fields")
    if len(data) == 2 and isinstance(fields, dict) and data.get("via") == "generate" \
            and all(isinstance(v, str) for v in fields.values()):
        return '{"fields":' + _data_json(tuple(sorted(fields.items()))) + ',"via":"generate"}'
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fast_event_hash(prev: str, ev: dict, key: bytes) -> str:
    """The same bytes as caseflow.cases.audit.event_hash (keys in sorted order), built without sort_keys."""
    data = _dumps_data(ev["data"])
    text = (f'{{"action":{_js(ev["action"])},"actor_id":{_js(ev["actor_id"])},"case_id":{ev["case_id"]},'
            f'"data":{data},"from_state":{_js(ev["from_state"])},'
            f'"occurred_at":"{ev["occurred_at"].isoformat(timespec="microseconds")}","seq":{ev["seq"]},'
            f'"summary":{_js(ev["summary"])},"tag":{_js(ev["tag"])},"to_state":{_js(ev["to_state"])}}}')
    return hmac.new(key, prev.encode() + b"\n" + text.encode(), hashlib.sha256).hexdigest()


def _canonical(rule_ids) -> set[str]:
    out: set[str] = set()
    for rid in rule_ids:
        out.update(dispatch_ids(rid))
    return out


@functools.lru_cache(maxsize=200_000)
def _compute_cached(key):
    trigger_date, trigger_at, amount, unit, backward, paused, label, exts, pauses = key
    d = SimpleNamespace(extensions=[dict(e) for e in exts], unit=unit, amount=amount, trigger_at=trigger_at,
                        trigger_date=trigger_date, backward=backward, paused_days=paused, trigger_label=label,
                        pauses=[dict(p) for p in pauses])
    return lifecycle.compute(d, default_calendar())


def _apply_due(row: dict) -> None:
    key = (row["trigger_date"], row["trigger_at"], row["amount"], row["unit"], row["backward"], row["paused_days"],
           row["trigger_label"], tuple(tuple(sorted(e.items())) for e in row["extensions"]),
           tuple(tuple(sorted(p.items())) for p in row["pauses"]))
    c = _compute_cached(key)
    if isinstance(c.due, dt.datetime):
        row["due_at"], row["due_date"] = c.due, bj_date(c.due)
    else:
        row["due_at"], row["due_date"] = None, c.due
    row["provisional"], row["explanation"], row["calendar_version"] = c.provisional, c.explanation, c.version


def _sqlite_datetime(v: dt.datetime) -> str:
    """How UTCDateTime stores an aware datetime on SQLite: naive UTC, always with microseconds."""
    if v.tzinfo is not UTC:
        v = v.astimezone(UTC)
    return v.replace(tzinfo=None).isoformat(" ", "microseconds")


def _past_due(row: dict, moment: dt.datetime) -> bool:
    if row["due_at"] is not None:
        return moment > row["due_at"]
    return bj_date(moment) > row["due_date"]


class Generator:
    """Builds stories, then writes them chunk by chunk."""

    def __init__(self, session, *, seed: int, until: dt.date, years: int, progress=None,
                 injunctions: bool | None = None):
        self.session, self.seed, self.until, self.years = session, seed, until, years
        # 先行发布禁令 only where the office turned it on (INJUNCTION_ENABLED, off by default).
        self.injunctions = injunction_settings()["enabled"] if injunctions is None else injunctions
        self.rng = random.Random(seed)
        self.progress = progress
        self.until_at = dt.datetime.combine(until, dt.time(18, 0), BEIJING).astimezone(UTC)
        units = list(session.scalars(sa.select(Unit).order_by(Unit.code)))
        if not units:
            from caseflow.accounts.offices import sync_offices

            sync_offices(session.connection())
            units = list(session.scalars(sa.select(Unit).order_by(Unit.code)))
        self.units = units
        self.unit_weights = [(u, BUSY_UNITS.get(u.code, 1.0)) for u in units]
        self.staff: Staff = {}  # both filled by _run
        self.applicants: list[int] = []
        self.next_case_id = (session.scalar(sa.select(sa.func.max(Case.id))) or 0) + 1
        self.next_deadline_id = (session.scalar(sa.select(sa.func.max(Deadline.id))) or 0) + 1
        self.sequences = {(s.scope, s.unit_id, s.year): s.last_value
                          for s in session.scalars(sa.select(NumberSequence))}
        self.touched_sequences: set = set()
        self.result = Result()
        self.check_hashes = 200
        self.audit_key = current_key()

    # -- stories ----------------------------------------------------------

    def _officer(self, unit: Unit, role: str = "officer") -> SimpleNamespace:
        return self.rng.choice(self.staff[unit.id][role])

    def root(self, received_at: dt.datetime) -> GenCase:
        rng = self.rng
        unit = _pick(rng, [(u, w) for u, w in self.unit_weights])
        r = rng.random()
        procedure = "complaint" if r < 0.8 else ("adjudication" if r < 0.91 else "mediation")
        data: dict = {}
        kind = "patent_infringement" if procedure == "adjudication" else None
        if procedure == "complaint":
            kind = _pick(rng, COMPLAINT_KINDS)
            ip_type = _pick(rng, IP_BY_KIND[kind])
            # A patent infringement dispute is handled on the right holder's request only (专利法 art. 65).
            channel = _pick(rng, [(ch, w) for ch, w in CHANNELS
                                  if ch != "ex_officio" or kind != "patent_infringement"])
        else:
            ip_type = _pick(rng, IP_BY_KIND["patent_infringement"])
            channel = "online" if rng.random() < 0.7 else "walk_in"
            if procedure == "mediation":
                data["category"] = _pick(rng, [("ownership", 12), ("inventorship", 6), ("remuneration", 10),
                                               ("provisional_fee", 4), ("damages", 48), ("other", 20)])
                if data["category"] == "damages":
                    data["decision_ref"] = "渝中知保裁字〔2025〕1号"
        track = "fast" if procedure == "adjudication" and ip_type == "design" and rng.random() < 0.6 else "standard"
        creator = rng.choice(self.applicants) if channel == "online" else None
        role = "mediator" if procedure == "mediation" else "officer"
        officer = self._officer(unit, role) if rng.random() < 0.96 else None
        c = GenCase(procedure, unit, received_at, kind, ip_type, channel, track, data, creator, officer)
        timeline = Timeline(rng, received_at)
        if officer is not None:
            timeline.step(c, "assign", 0.05, 2, "supervisor", {"officer": officer.username})
        STORIES[procedure](self, c, timeline)
        return c

    def child(self, parent: GenCase, procedure: str, at: dt.datetime, action: str, fields: dict) -> None:
        """Record the parent's action that creates a linked case, and the linked case's own story."""
        parent.steps.append(Step(action, at, "officer", fields))
        if at > self.until_at:
            return
        if procedure == "referral":
            kind = fields.get("kind") or "court"
            data = {"referral_kind": kind, "target": fields.get("target"), "reason": fields.get("reason"),
                    "origin": None}
            public = False
        elif procedure == "injunction":
            data, public = {"reason": fields.get("reason"), "main_case": None}, True
        else:
            data, public = {"origin": None}, True
        converted = action == "convert"  # the same request goes on: its channel, and an adjudication its day
        c = GenCase(procedure, parent.unit, at + dt.timedelta(microseconds=1), parent.kind, parent.ip_type,
                    parent.channel if converted else "transfer", "standard", data,
                    parent.creator_id if public else None, parent.officer, parent=parent,
                    received_from=(parent.received_from or parent.received_at)
                    if converted and procedure == "adjudication" else None)
        parent.children.append(c)
        STORIES[procedure](self, c, Timeline(self.rng, c.received_at))
        if action == "refer":
            self._follow_referral(parent, c)

    def _follow_referral(self, parent: GenCase, referral: GenCase) -> None:
        """A complaint referred as a whole ends when its referral is sent (a system action, as
        caseflow.referral.services does it); after a 不批准移送 the office takes it up again and concludes it."""
        for s in referral.steps:
            if s.action == "transfer":
                parent.steps.append(Step("referral_transferred", s.at, "system"))
                return
            if s.action == "decline":
                parent.steps.append(Step("referral_declined", s.at, "system", {"reason": s.fields.get("reason")}))
                Timeline(self.rng, s.at).step(parent, "conclude", 5, 60, "officer", {"outcome": "经调查已处理完毕。"})
                return

    # -- writing ----------------------------------------------------------

    def run(self, n: int) -> Result:
        # Millions of short-lived dicts and no lasting cycles (each chunk's parent/child links are cut after
        # writing): the cyclic collector would only rescan the heap over and over.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run(n)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _run(self, n: int) -> Result:
        started = time.monotonic()
        self.staff, self.applicants = _ensure_people(self.session, self.units, self.rng,
                                                     max(20, min(5000, n // 100)))
        db.commit()
        span = self.years * 365
        # More cases in later years: offsets drawn from a rising density, sorted so numbers follow time.
        offsets = sorted(span * (self.rng.random() ** 0.7) for _ in range(n))
        start = self.until_at - dt.timedelta(days=span)
        made = 0
        i = 0
        while made < n:
            chunk: list[GenCase] = []
            while len(chunk) < CHUNK_ROOTS and made < n:
                # Linked cases count towards N: skip an offset whenever the count runs ahead of the timeline,
                # so that the cases spread over the whole span.
                at = start + dt.timedelta(days=offsets[min(i, n - 1)])
                i += 1
                if made > i and i < n:
                    continue
                c = self.root(at)
                family = self._family(c)
                if made + len(family) > n:
                    c.children = []  # keep N exact: drop this root's linked cases
                    family = [c]
                    self._drop_child_steps(c)
                chunk.extend(family)
                made += len(family)
            self._write(chunk)
            db.commit()
            for c in chunk:  # cut the parent/child cycles so that reference counting frees the chunk
                c.parent = None
                c.children = []
            if self.progress:
                self.progress(made)
        self.result.seconds = time.monotonic() - started
        return self.result

    def _family(self, c: GenCase) -> list[GenCase]:
        out = [c]
        for ch in c.children:
            out.extend(self._family(ch))
        return out

    def _drop_child_steps(self, c: GenCase) -> None:
        creating = {"convert", "refer", "request_injunction", "apply_enforcement"}
        keep = []
        for s in c.steps:
            if s.action in creating:
                if s.action in ("convert", "refer"):
                    s.action = "conclude"  # the family would exceed N: conclude instead of creating a case
                    s.actor, s.fields = "officer", {"outcome": "经调查已处理完毕。"}
                    keep.append(s)
                    break
                continue
            if s.action == "record_compliance" and keep and keep[-1].action == "issue_reminder":
                keep.pop()  # no enforcement referral: the reminder led to compliance directly
            keep.append(s)
        c.steps = keep

    def _number(self, c: GenCase) -> None:
        proc = workflows.procedure(c.procedure)
        year = clock.beijing_date(c.received_at).year
        key = (f"case:{proc.number_word}", c.unit.id, year)
        seq = self.sequences.get(key, 0) + 1
        self.sequences[key] = seq
        self.touched_sequences.add(key)
        c.year, c.seq = year, seq
        c.number = f"{c.unit.prefix}{proc.number_word}〔{year}〕{seq}号"

    def _write(self, chunk: list[GenCase]) -> None:
        chunk.sort(key=lambda c: c.received_at)
        for c in chunk:
            c.id = self.next_case_id
            self.next_case_id += 1
        cases: list[dict] = []
        parties: list[dict] = []
        events: list[dict] = []
        deadlines: list[dict] = []
        ratings: list[dict] = []
        facts: list[dict] = []
        for c in chunk:
            if c.parent is not None and not c.made:
                continue  # its parent's story ended before the action that would have created it
            self._number(c)  # in order of receipt, and only for cases written: gapless
            if c.parent is not None:
                c.data["main_case" if c.procedure == "injunction" else "origin"] = c.parent.number
            self._simulate(c, cases, events, deadlines, ratings, facts)
            root = c
            while root.parent is not None:
                root = root.parent
            if root.channel != "ex_officio":  # a matter the office found itself has no complainant
                parties.append({"case_id": c.id, "role": "claimant", "name": self._claimant_name(c),
                                "id_type": "uscc", "id_number": None, "address": f"重庆市{c.unit.area}",
                                "phone": None, "user_id": c.creator_id})
            parties.append({"case_id": c.id, "role": "respondent",
                            "name": f"重庆{COMPANIES[(c.id * 7) % len(COMPANIES)]}商贸有限公司",
                            "id_type": "uscc", "id_number": None, "address": f"重庆市{c.unit.area}", "phone": None,
                            "user_id": None})
        s = self.session
        self._insert(Case.__table__, cases)
        self._insert(Party.__table__, parties)
        self._insert(Deadline.__table__, deadlines)
        self._insert(CaseEvent.__table__, events)
        self._insert(Rating.__table__, ratings)
        self._insert(CaseFact.__table__, facts)
        self._save_sequences()
        if s.get_bind().dialect.name == "postgresql":
            for table, column in (("cases", "id"), ("deadlines", "id")):
                s.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                                  f"(SELECT COALESCE(MAX({column}), 1) FROM {table}))"))
        self.result.cases += len(cases)
        self.result.events += len(events)
        self.result.deadlines += len(deadlines)
        self.result.ratings += len(ratings)

    def _claimant_name(self, c: GenCase) -> str:
        return f"重庆{COMPANIES[(c.creator_id or c.id) % len(COMPANIES)]}有限公司"

    def _insert(self, table, rows: list[dict], batch: int = 5000) -> None:
        """Core ``insert()`` executemany in batches, through an untyped copy of the table.

        The values are converted here once per column kind (aware datetimes, dates, JSON, booleans) the way
        the typed columns would store them, which saves SQLAlchemy's per-value bind processing.
        """
        if not rows:
            return
        names = list(rows[0])
        conn = self.session.connection()
        if conn.dialect.name == "postgresql":
            self._copy(conn, table, names, rows)
            return
        sql = str(sa.insert(sa.table(table.name, *[sa.column(n) for n in names]))
                  .compile(dialect=conn.dialect, column_keys=names))
        if conn.dialect.paramstyle == "qmark":
            args = "(" + ", ".join("?" for _ in names) + ")"
        else:
            args = "(" + ", ".join("%s" for _ in names) + ")"
        sql = sql[:sql.index("VALUES")] + "VALUES " + args
        for start in range(0, len(rows), batch):
            conn.exec_driver_sql(sql, [tuple(v) for v in self._stored(table, names, rows[start:start + batch])])

    def _copy(self, conn, table, names: list[str], rows: list[dict]) -> None:
        """PostgreSQL: COPY … FROM STDIN on the session's own connection (same transaction), several times faster
        than batched INSERTs for millions of rows."""
        columns = ", ".join(f'"{n}"' for n in names)
        with (conn.connection.driver_connection.cursor() as cur,
              cur.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy):
                for values in self._stored(table, names, rows):
                    copy.write_row(values)

    def _stored(self, table, names: list[str], rows: list[dict]) -> Iterator[list]:
        """Each row's values, converted as the typed columns would store them (``_converters``)."""
        convert = dict(self._converters(table, names))
        fns = [(i, convert[n]) for i, n in enumerate(names) if n in convert]
        for r in rows:
            values = list(r.values())
            for i, f in fns:
                if values[i] is not None:
                    values[i] = f(values[i])
            yield values

    def _converters(self, table, names) -> list[tuple[str, Callable[[Any], Any]]]:
        pg = self.session.get_bind().dialect.name == "postgresql"
        out: list[tuple[str, Callable[[Any], Any]]] = []
        for n in names:
            col = table.c[n]
            t = col.type
            if isinstance(t, sa.types.TypeDecorator | sa.DateTime):
                if not pg:
                    out.append((n, _sqlite_datetime))
            elif isinstance(t, sa.Date):
                if not pg:
                    out.append((n, dt.date.isoformat))
            elif isinstance(t, sa.JSON) or "JSON" in type(t).__name__:
                if pg:
                    from psycopg.types.json import Jsonb

                    out.append((n, Jsonb))
                else:
                    out.append((n, lambda v: json.dumps(v, ensure_ascii=False)))
            elif isinstance(t, sa.Boolean) and not pg:
                out.append((n, int))
        return out

    def _save_sequences(self) -> None:
        table = NumberSequence.__table__
        existing = set(self.session.execute(sa.select(table.c.scope, table.c.unit_id, table.c.year)).all())
        touched = sorted(self.touched_sequences)
        updates = [{"b_scope": k[0], "b_unit": k[1], "b_year": k[2], "last_value": self.sequences[k]}
                   for k in touched if k in existing]
        inserts = [{"scope": k[0], "unit_id": k[1], "year": k[2], "last_value": self.sequences[k]}
                   for k in touched if k not in existing]
        if updates:
            self.session.execute(
                sa.update(table).where(table.c.scope == sa.bindparam("b_scope"),
                                       table.c.unit_id == sa.bindparam("b_unit"),
                                       table.c.year == sa.bindparam("b_year"))
                .values(last_value=sa.bindparam("last_value")).execution_options(synchronize_session=False),
                updates)
        if inserts:
            self.session.execute(sa.insert(table), inserts)
        self.touched_sequences.clear()

    # -- one case's rows ----------------------------------------------------

    def _simulate(self, c: GenCase, cases: list, events: list, deadlines: list, ratings: list, facts: list) -> None:
        proc = workflows.procedure(c.procedure)
        state = proc.first
        assignee = c.officer.id if (c.parent is not None and c.officer is not None) else None
        chain: dict[str, Any] = {"prev": "", "seq": 0}
        supervisor = self.staff[c.unit.id]["supervisor"][0]
        rows: list[dict] = []
        data = dict(c.data)
        first_event = len(events)

        def event(at, actor_id, tag, summary, action=None, from_state=None, to_state=None, payload=None):
            chain["seq"] += 1
            ev = {"case_id": c.id, "seq": chain["seq"], "occurred_at": at, "actor_id": actor_id, "tag": tag,
                  "action": action, "from_state": from_state, "to_state": to_state, "summary": summary[:300],
                  "data": payload or {}, "prev_hash": chain["prev"]}
            ev["hash"] = fast_event_hash(chain["prev"], ev, self.audit_key)
            if self.check_hashes:
                self.check_hashes -= 1  # the fast path must agree with the audit module, byte for byte
                if ev["hash"] != event_hash(chain["prev"], SimpleNamespace(**ev)):
                    raise RuntimeError("generator hash differs from caseflow.cases.audit.event_hash")
            chain["prev"] = ev["hash"]
            events.append(ev)

        def start(rule_id, at, started_by, actor_id, label_override=None, estimated=False, on=None):
            on = on or bj_date(at)
            rule = _rule(rule_id, on, c.unit.code, c.kind, c.channel)
            if isinstance(rule, NoRule):
                event(at, actor_id, "case:deadline:unavailable", f"未能开始计算期限：{rule}", payload={"rule": rule_id})
                return None
            if not rule.governs(c.kind):
                return None
            if rule.anchor:
                anchor = next((r for r in reversed(rows) if r["rule_id"] == rule.anchor and r["status"] != "cancelled"),
                              None)
                if anchor is None:
                    return None
                on, estimated = anchor["due_date"], anchor["trigger_estimated"]
                label_override = f"{rule.trigger_label}（{anchor['label']}届满日）"
            for old in rows:
                if (old["rule_id"] == rule.id and old["ended_at"] is None
                        and old["status"] in ("running", "paused", "missed")):
                    if old["status"] != "missed":
                        old["status"] = "cancelled"
                    old["ended_at"], old["ended_by"] = at, "restart"
            row = {"id": self.next_deadline_id, "case_id": c.id, "rule_id": rule.id, "label": rule.label,
                   "basis": rule.basis, "binds": rule.binds, "amount": rule.amount, "unit": rule.unit,
                   "backward": rule.backward, "trigger_event": rule.trigger,
                   "trigger_label": (label_override or rule.trigger_label)[:200], "trigger_date": on,
                   "trigger_at": at if rule.unit == "hours" else None, "trigger_estimated": estimated,
                   "started_by": started_by[:32], "status": "running", "pauses": [], "paused_days": 0,
                   "extensions": [], "met_at": None, "ended_at": None, "ended_by": None, "created_at": at,
                   "updated_at": at}
            self.next_deadline_id += 1
            _apply_due(row)
            rows.append(row)
            return row

        def open_rows(ids=None):
            return [r for r in rows if r["ended_at"] is None and r["status"] in ("running", "paused", "missed")
                    and (ids is None or r["rule_id"] in ids)]

        def close_pause(r, on, key=None):
            r["pauses"] = lifecycle.close_pauses(r["pauses"], on, key)
            r["paused_days"] = lifecycle.paused_days_of(r["pauses"])

        def exclude(ids, first, end, reason, key, at, actor_id):
            for r in open_rows(ids):
                if r["unit"] == "hours" or r["backward"] or end <= first:
                    continue
                old = r["due_date"]
                r["pauses"] = [*r["pauses"], {"from": first.isoformat(), "to": end.isoformat(), "reason": reason,
                                              "key": key}]
                r["paused_days"] = lifecycle.paused_days_of(r["pauses"])
                _apply_due(r)
                if r["status"] == "missed" and r["met_at"] is None and not _past_due(r, at):
                    r["status"] = "running"
                event(at, actor_id, "case:deadline:exclude",
                      f"期限“{r['label']}”不计入 {first.isoformat()} 至 {end.isoformat()}（{reason}）："
                      f"{old.isoformat()} → {r['due_date'].isoformat()}",
                      payload={"deadline_id": r["id"], "rule": r["rule_id"], "from": first.isoformat(),
                               "to": end.isoformat(), "old_due": old.isoformat(),
                               "new_due": r["due_date"].isoformat(), "key": key})

        def ext_step(r, fields):
            """The row's next extension step and its amount, or (None, None), as lifecycle.extend_deadlines."""
            rule = _rule(r["rule_id"], r["trigger_date"], c.unit.code, c.kind, c.channel)
            step = lifecycle.extension_step(None if isinstance(rule, NoRule) else rule, len(r["extensions"]))
            if step is None:
                return None, None
            amount = step.amount
            if amount is None and step.amount_field:
                amount = int(fields.get(step.amount_field) or 0) or None
            return step, amount

        def passed(prefix, at):
            ids = _canonical((prefix,))
            for r in reversed(rows):
                if r["status"] != "cancelled" and (r["rule_id"] in ids or r["rule_id"].startswith(prefix)):
                    if r["provisional"] and r["binds"] in ("party", "wait"):
                        return False  # as lifecycle.has_run_out: a provisional party date is not relied on
                    return r["status"] == "missed" or (r["status"] == "running" and _past_due(r, at))
            return False

        def extension_refused(prefix, at, fields):
            """As lifecycle.extension_refused (a reason, or None), on this case's rows at ``at``."""
            found = open_rows(_canonical((prefix,)))
            live = [r for r in found if r["status"] in ("paused", "running") and not _past_due(r, at)]
            if not live:
                return "期限已经届满" if found else "没有正在计时的该项期限"
            for r in live:
                step, _amount = ext_step(r, fields)
                if step is None or (step.amount is None and not step.amount_field):
                    return "不能延长"
            return None

        def can_extend(decl, at, fields):
            return all(extension_refused(rid, at, fields) is None for rid in decl.extends)

        def delivered(step):
            """A document reached its addressees (as caseflow.notices.deliveries does): the office's service period
            ends (met or missed by the day of service), the party periods it starts are re-based on that day."""
            kind = catalogue.kind(step.action[len(DELIVER):])
            on = bj_date(step.at)
            served = dt.datetime.combine(on, dt.time(), BEIJING).astimezone(UTC)
            for r in open_rows(_canonical(kind.stops_on_delivery.get(c.procedure, ()))):
                if r["status"] == "paused":
                    close_pause(r, on)
                    _apply_due(r)
                r["status"] = "met" if on <= r["due_date"] else "missed"
                r["met_at"], r["ended_at"], r["ended_by"], r["updated_at"] = served, step.at, "delivery", step.at
                verdict = "按期完成" if r["status"] == "met" else "逾期完成"
                event(step.at, None, "case:deadline:served",
                      f"{kind.title_for(c.procedure)}于 {on.isoformat()} 送达完毕：“{r['label']}”{verdict}（届满日 "
                      f"{r['due_date'].isoformat()}）",
                      payload={"deadline_id": r["id"], "rule": r["rule_id"], "delivered_on": on.isoformat(),
                               "status": r["status"]})
            for rid in kind.rules_for(c.procedure):
                ids = _canonical((rid, *RULE_VARIANTS.get(RULE_ALIASES.get(rid, rid), ())))
                for r in open_rows(ids):
                    if not r["trigger_estimated"]:
                        continue
                    rule = _rule(r["rule_id"], on, c.unit.code, c.kind)
                    r["trigger_date"], r["trigger_estimated"], r["updated_at"] = on, False, step.at
                    if not isinstance(rule, NoRule):
                        r["trigger_label"] = rule.trigger_label
                    _apply_due(r)
                    if r["status"] == "missed" and not _past_due(r, step.at):
                        r["status"] = "running"

        # create
        creator_id = c.creator_id if c.parent is None or c.procedure != "referral" else None
        actor_for_create = c.creator_id if c.parent is None else (c.officer.id if c.officer else supervisor.id)
        if c.parent is None and c.creator_id is None:
            actor_for_create = (c.officer or self.staff[c.unit.id]["officer"][0]).id
        event(c.received_at, actor_for_create, "case:create",
              f"{c.parent.number}".join(["由", "转立案"]) if (c.parent and c.procedure in ("adjudication", "mediation"))
              else (f"由{c.parent.number}移送" if c.parent and c.procedure == "referral"
                    else (f"在{c.parent.number}中申请先行禁令" if c.parent else f"{proc.title}案件创建：{c.number}")),
              to_state=state, payload={"channel": c.channel, "parent": c.parent.number if c.parent else None})
        for rid in proc.starts_on_create:
            start(rid, c.received_at, "create", actor_for_create, on=bj_date(c.received_from or c.received_at))
        closed_at = closing = None
        last = c.received_at
        steps = c.steps
        main = c.parent
        if c.procedure == "injunction" and main is not None and main.closed_at is not None:
            # The main case's 结案 supersedes the injunction at once (caseflow.injunction.services), a system action.
            label = workflows.procedure(main.procedure).actions_named(main.closing or "")[0].label
            steps = [s for s in steps if s.at < main.closed_at] + [
                Step("supersede", main.closed_at + dt.timedelta(microseconds=1), "system",
                     {"reason": f"主案{main.number}已结案（{label}），禁令随之失效"})]
        for step in steps:
            if step.at > self.until_at:
                break
            if step.action.startswith(DELIVER):
                delivered(step)
                last = step.at
                continue
            light = SimpleNamespace(data=data, state=state, kind=c.kind, ip_type=c.ip_type, channel=c.channel)
            ctx = GuardContext(case=light, actor=None, data=step.fields, now=step.at, today=bj_date(step.at),
                               deadline_passed=functools.partial(passed, at=step.at),
                               latest_notice_day=functools.partial(lifecycle.latest_notice_day, None),
                               extension_refused=functools.partial(extension_refused, at=step.at,
                                                                   fields=step.fields))
            # Guards that ask the deadlines for today see the step's day.
            with office_calendar.as_of(step.at, default_calendar()):
                variants = [a for a in proc.actions_named(step.action) if state in a.sources
                            and (a.when is None or step.fields.get(a.when[0]) == a.when[1])
                            and all(g(ctx) is None for g in a.guards)]
            extension = any(a.extends for a in proc.actions_named(step.action))
            if not variants and step.action == "supersede":
                break  # the injunction had already ended on its own
            if not variants or (variants[0].extends and not can_extend(variants[0], step.at, step.fields)):
                # The office would not (or could not) do this now: an extension is dropped (e.g. no extension in
                # the rule version in force then), any other step ends the story here, leaving the case where it
                # stands.
                self.result.skipped += 1
                if variants or extension:
                    continue
                break
            decl = variants[0]
            if step.actor == "supervisor":
                actor = supervisor.id
            elif step.actor == "applicant":
                actor = c.creator_id
            elif step.actor == "system":
                actor = None
            else:
                actor = (c.officer or self.staff[c.unit.id]["officer"][0]).id
            by_party = step.actor == "applicant"
            before = state
            after = decl.dest or state
            if decl.closes and closed_at is None:
                closed_at, closing = step.at, decl.name
            changed = before != after
            label = decl.label + (f"（{proc.state_title(before, c.channel)} → {proc.state_title(after, c.channel)}）"
                                  if changed else "")
            event(step.at, actor, f"case:{'state' if changed else 'action'}:{decl.name}", label, action=decl.name,
                  from_state=before, to_state=after, payload={"fields": step.fields, "via": "generate"})
            state = after
            last = step.at
            # deadlines, as caseflow.deadlines.lifecycle.on_action does
            for r in open_rows():
                if r["status"] == "running" and _past_due(r, step.at):
                    r["status"] = "missed"
                    what = "已超期" if r["binds"] in lifecycle.ACCOUNTABLE_BINDS else (
                        "等待期已满" if r["binds"] == "wait" else "已届满")
                    event(step.at, None, "case:deadline:missed",
                          f"期限{what}：{r['label']}（届满日 {r['due_date'].isoformat()}）",
                          payload={"deadline_id": r["id"], "rule": r["rule_id"], "due": r["due_date"].isoformat()})
                    if r["rule_id"] in lifecycle.ON_LAPSE:
                        start(lifecycle.ON_LAPSE[r["rule_id"]], step.at, "lapse", None, on=r["due_date"])
            on = bj_date(step.at)
            if decl.stops:
                for r in open_rows(_canonical(decl.stops)):
                    if (decl.closes and by_party) or (by_party and r["binds"] in lifecycle.ACCOUNTABLE_BINDS):
                        if r["status"] == "paused":
                            close_pause(r, on)
                        if r["status"] != "missed":
                            r["status"] = "cancelled"
                        r["ended_at"], r["ended_by"] = step.at, decl.name
                        continue
                    if r["status"] == "paused":
                        close_pause(r, on)
                        _apply_due(r)
                        r["status"] = "met"
                    elif r["status"] == "running" and not _past_due(r, step.at):
                        r["status"] = "met"
                    else:
                        r["status"] = "missed"
                    lapsed = r["status"] == "missed" and r["binds"] == "party" and not by_party
                    r["met_at"] = None if lapsed else step.at
                    r["ended_at"], r["ended_by"] = step.at, decl.name
            if decl.cancels:
                for r in open_rows(_canonical(decl.cancels)):
                    if r["status"] == "paused":
                        close_pause(r, on)
                    if r["status"] != "missed":
                        r["status"] = "cancelled"
                    r["ended_at"], r["ended_by"] = step.at, decl.name
            if decl.pauses:
                text = lifecycle.pause_reason(decl, step.fields)
                for r in open_rows(_canonical(decl.pauses)):
                    if r["status"] in ("running", "paused") and r["unit"] != "hours":
                        pauses = lifecycle.open_pause(r["pauses"], on, text, decl.pause_key)
                        if pauses is not None:
                            r["pauses"], r["status"] = pauses, "paused"
                            _apply_due(r)
            if decl.resumes:
                for r in open_rows(_canonical(decl.resumes)):
                    if r["status"] == "paused":
                        close_pause(r, on, decl.pause_key or None)
                        if not lifecycle.has_open_pause(r["pauses"]):
                            r["status"] = "running"
                        _apply_due(r)
            if decl.extends:
                for r in open_rows(_canonical(decl.extends)):
                    if r["status"] not in ("running", "paused"):
                        continue
                    ext, amount = ext_step(r, step.fields)
                    if ext is None or amount is None:
                        continue
                    old = r["due_date"]
                    who = supervisor.username if step.actor == "supervisor" else (
                        c.officer or self.staff[c.unit.id]["officer"][0]).username
                    r["extensions"] = [*r["extensions"], {
                        "amount": amount, "unit": ext.unit, "approver": ext.approver, "on": on.isoformat(),
                        "reason": step.fields.get("reason") or ext.condition, "by": who, "approved_by": who,
                        "approval_id": None}]
                    _apply_due(r)
                    approver = lifecycle.APPROVERS.get(ext.approver, ext.approver)
                    event(step.at, actor, "case:deadline:extend",
                          f"期限“{r['label']}”延长 {lifecycle.unit_text(amount, ext.unit)}（{approver}批准）："
                          f"{old.isoformat()} → {r['due_date'].isoformat()}",
                          payload={"deadline_id": r["id"], "rule": r["rule_id"], "old_due": old.isoformat(),
                                   "new_due": r["due_date"].isoformat(), "amount": amount, "unit": ext.unit,
                                   "approver": ext.approver, "approved_by": who, "approval_id": None})
                    if ext.excludes and r["due_date"] > old:
                        exclude(_canonical(ext.excludes), old, r["due_date"], f"当事人申请延长{r['label']}",
                                f"extension:{r['rule_id']}", step.at, actor)
            started = []
            for rid in decl.starts:
                rule = _rule(rid, on, c.unit.code, c.kind)
                if not isinstance(rule, NoRule) and lifecycle.awaits_delivery(rule):
                    label = f"“{decl.label}”之日（送达日期尚未登记，暂代{rule.trigger_label}）"
                    r = start(rid, step.at, decl.name, actor, label, True)
                else:
                    r = start(rid, step.at, decl.name, actor)
                if r is not None:
                    started.append(r["id"])
            st = proc.states.get(after)
            if (st is not None and st.terminal) or decl.closes:
                by = "terminal" if (st is not None and st.terminal) else "close"
                for r in open_rows():
                    if r["id"] in started:
                        continue
                    if r["status"] == "paused":
                        close_pause(r, on)
                    if r["status"] != "missed":
                        r["status"] = "cancelled"
                    r["ended_at"], r["ended_by"] = step.at, by
            for r in rows:
                if r["updated_at"] < step.at and (r["ended_at"] == step.at or r["status"] != "running"):
                    r["updated_at"] = step.at
            # effects that change the case row
            if "mediation_record" in decl.effects:
                data = mediation_apply(data, decl.name, step.fields, on=bj_date(step.at), side=step.fields.get("side"))
            if decl.name in ("schedule_hearing", "postpone_hearing"):
                data["hearing"] = {"date": step.fields.get("hearing_date"), "start_time": step.fields.get("start_time")}
            if "record_deliberation" in decl.effects:
                data["deliberation"] = {"outcome": step.fields.get("outcome"), "opinion": step.fields.get("opinion"),
                                        "dissent": "", "panel": list(data.get("panel") or []),
                                        "on": bj_date(step.at).isoformat()}
            if "reopen_deliberation" in decl.effects and data.get("deliberation"):
                data["deliberations"] = [*(data.get("deliberations") or []), data["deliberation"]]
                data["deliberation"] = None
            if "store_panel" in decl.effects:
                data["panel"] = list(step.fields.get("members") or [])
            if "remember_fields" in decl.effects:  # as caseflow.cases.effects.remember_fields
                data[decl.name] = {k: v for k, v in step.fields.items() if v not in (None, "")}
            if "record_filing_checks" in decl.effects:
                data["filing_checks"] = {k: v for k, v in step.fields.items() if k != "members"}
                data["risks"] = []
            if decl.name == "assign":
                assignee = next(o.id for role in ("officer", "mediator", "supervisor")
                                for o in self.staff[c.unit.id].get(role, []) if o.username == step.fields["officer"])
            elif "remember_paused_from" in decl.effects:
                data["paused_from"] = before
            elif "track_excluded_period" in decl.effects:
                periods = dict(data.get("excluded_periods") or {})
                if decl.pauses:
                    periods[decl.pause_key] = on.isoformat()
                else:
                    periods.pop(decl.pause_key, None)
                data["excluded_periods"] = periods
            elif decl.name == "submit_report":
                data["report"] = step.fields.get("report")
            elif decl.name == "inform_requester":
                data["requester_informed"] = {"method": step.fields.get("method")}
            elif decl.name in ("convert", "refer", "apply_enforcement", "request_injunction"):
                kid = next((k for k in c.children if k.received_at > step.at - dt.timedelta(seconds=1)
                            and k.received_at <= step.at + dt.timedelta(seconds=1)), None)
                if kid is not None:
                    kid.made = True  # the linked case exists because this step was performed
                    if decl.name != "request_injunction":
                        data["converted_to" if decl.name == "convert" else "referral"] = kid.id
        c.closed_at, c.closing = closed_at, closing
        deadlines.extend(rows)
        cases.append({
            "id": c.id, "procedure": c.procedure, "number": c.number, "unit_id": c.unit.id, "year": c.year,
            "seq": c.seq, "state": state, "version": 1 + chain["seq"], "kind": c.kind, "ip_type": c.ip_type,
            "right_number": (f"ZL20{c.id % 10}{c.id % 9}10{c.id % 1000000:06d}.{c.id % 10}"
                             if c.ip_type in ("invention", "utility_model", "design")
                             else f"{c.id % 90000000 + 10000000}"),
            "title": f"{PRODUCTS[c.id % len(PRODUCTS)]}涉嫌侵犯{workflows.procedure(c.procedure).title}所涉权利"
            if c.procedure in ("injunction", "referral") else f"销售涉嫌侵权的{PRODUCTS[c.id % len(PRODUCTS)]}",
            "facts": "被投诉人在其门店及网店销售涉嫌侵权产品，投诉人经公证购买取得样品。",
            "claims": "请求责令被投诉人立即停止侵权行为。", "asserted_claims": "权利要求1-3"
            if c.ip_type in ("invention", "utility_model") else None,
            "channel": c.channel, "track": c.track, "data": data,
            "created_by_id": creator_id, "assignee_id": assignee, "parent_id": c.parent.id if c.parent else None,
            "received_at": c.received_from or c.received_at, "closed_at": closed_at, "closing_action": closing,
            "audit_head": chain["prev"], "audit_count": chain["seq"], "is_deleted": False,
            "created_at": c.received_at, "updated_at": last,
        })
        score = None
        if closed_at is not None and c.creator_id is not None and c.procedure != "referral" \
                and self.rng.random() < 0.35:
            rated = closed_at + dt.timedelta(days=self.rng.uniform(0.5, 20))
            if rated <= self.until_at:
                score = int(_pick(self.rng, [("1", 3), ("2", 5), ("3", 14), ("4", 38), ("5", 40)]))
                ratings.append({"case_id": c.id, "user_id": c.creator_id, "score": score,
                                "comment": "" if self.rng.random() < 0.7 else "办理及时，沟通顺畅。",
                                "created_at": rated, "updated_at": rated})
        # The statistics facts, from the same pure function the refresh uses on the stored rows.
        tags: dict = {}
        for ev in events[first_event:]:
            if ev["tag"] in EVENT_TAGS:
                tags.setdefault(ev["tag"], ev["occurred_at"])
        f = facts_of(case_id=c.id, unit_id=c.unit.id, procedure=c.procedure, ip_type=c.ip_type, channel=c.channel,
                     assignee_id=assignee, state=state, received_at=c.received_from or c.received_at,
                     closed_at=closed_at,
                     closing_action=closing, data=data, events=tags,
                     limits=[(r["status"], r["paused_days"]) for r in rows if r["rule_id"] in LIMIT_RULE_IDS],
                     rating=score, parent_id=c.parent.id if c.parent else None)
        facts.append({k: f[k] for k in FACT_COLUMNS})


def generate(session, *, cases: int, seed: int = 1, until: dt.date | None = None, years: int = 5,
             progress=None, rebuild_stats: bool = True, injunctions: bool | None = None) -> Result:
    """Generate ``cases`` cases (see the module docstring); commits per chunk, then rebuilds the statistics."""
    until = until or clock.today()
    refresh(session)  # facts of existing cases current first; the new cases' facts are written with them
    db.commit()
    gen = Generator(session, seed=seed, until=until, years=years, progress=progress, injunctions=injunctions)
    result = gen.run(cases)
    if rebuild_stats:
        t = time.monotonic()
        rebuild_rollups(session)
        db.commit()
        result.stats_seconds = time.monotonic() - t
    return result


__all__ = ["CATEGORIES", "GENERATED_PASSWORD", "Generator", "Role", "generate"]
