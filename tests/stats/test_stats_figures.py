"""Every figure of the statistics equals a direct count on generated data, for every kind of filter."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

import workflows
from caseflow.accounts.models import Unit
from caseflow.core.clock import today
from tests.stats import direct

PERIOD = {"from": "2022-01", "to": "2026-11"}


def _units(session):
    return {u.code: u.id for u in session.scalars(sa.select(Unit))}


def summary(web, **params):
    r = web.get("/api/v1/stats/summary", query_string=params, headers=web.headers)
    assert r.status_code == 200, r.data[:500]
    return r.json


@pytest.fixture
def city(login_as, client, generated, session):
    from caseflow.devtools.generate import GENERATED_PASSWORD

    r = client.post("/api/v1/auth/token", json={"username": "gen-500000-s1", "password": GENERATED_PASSWORD})
    web = login_as("gen-500000-s1")
    web.headers = {"Authorization": f"Bearer {r.json['token']}"}
    return web


def _check(fig, exp):
    assert fig["received"] == exp["received"]
    assert fig["docketed"] == exp["docketed"]
    assert fig["closed"] == exp["closed"]
    for key in ("close_rate", "limit_rate", "mediation_rate", "mediation_success_rate", "confirmation_rate"):
        assert (fig[key]["numerator"], fig[key]["denominator"]) == exp[key], key
    hd = fig["handling_days"]
    for key in ("average", "average_paused", "average_net", "median_net"):
        assert hd[key] == pytest.approx(exp[key]), key
    assert hd["cases_paused"] == exp["cases_paused"]
    assert (fig["open"], fig["followup"]) == (exp["open"], exp["followup"])
    assert fig["ratings"]["count"] == exp["ratings"][0]
    assert fig["ratings"]["average"] == pytest.approx(exp["ratings"][1])
    assert fig["referrals"] == exp["referrals"]
    assert fig["injunctions"] == exp["injunctions"]


FILTERS = [
    {},
    {"unit": "500103"},
    {"procedure": "adjudication"},
    {"procedure": "mediation", "unit": "500000"},
    {"ip_type": "invention"},
    {"channel": "online"},
    {"ip_type": "trademark", "channel": "hotline_12330"},
    {"officer": "gen-500103-o1"},
    {"officer": "gen-500103-o2", "ip_type": "utility_model"},  # the one combination read from the facts table
    {"officer": "gen-500000-m1", "channel": "online", "procedure": "mediation"},
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_summary_equals_direct_count(city, session, gen_users, params):
    data = direct.load(session)
    units = _units(session)
    unit_ids = {units[params["unit"]]} if "unit" in params else set(units.values())
    officer = gen_users[params["officer"]].id if "officer" in params else None
    filters = {"unit_ids": unit_ids, "procedure": params.get("procedure"), "ip_type": params.get("ip_type"),
               "channel": params.get("channel"), "officer_id": officer}
    got = summary(city, **PERIOD, **params)
    _check(got["figures"], direct.figures(data, start=202201, end=202611, **filters))
    months = direct.by_month(data, start=202201, end=202611, **filters)
    for row in got["by_month"]:
        y, m = row["month"].split("-")
        assert (row["received"], row["docketed"], row["closed"]) == months.get(int(y) * 100 + int(m), (0, 0, 0))
    n, cases = direct.overdue(data, today(), **filters)
    assert (got["figures"]["overdue"]["deadlines"], got["figures"]["overdue"]["cases"]) == (n, cases)


def test_the_data_is_not_trivial(city, session):
    fig = summary(city, **PERIOD)["figures"]
    assert fig["received"] > 2000 and fig["closed"] > 1500
    assert 0 < fig["limit_rate"]["numerator"] < fig["limit_rate"]["denominator"]  # some missed, some met
    for key in ("mediation_rate", "mediation_success_rate", "confirmation_rate"):
        assert 0 < fig[key]["numerator"] < fig[key]["denominator"], key
    assert fig["handling_days"]["cases_paused"] > 0
    assert fig["referrals"]["police_accepted"] > 0 and fig["injunctions"]["breached"] > 0
    assert fig["ratings"]["count"] > 0 and fig["open"] > 0 and fig["overdue"]["cases"] > 0


def test_short_period_and_month_table(city, session):
    data = direct.load(session)
    units = set(_units(session).values())
    got = summary(city, **{"from": "2025-03", "to": "2025-08"})
    _check(got["figures"], direct.figures(data, start=202503, end=202508, unit_ids=units))
    r = city.get("/stats/monthly/by_month.csv", query_string={"from": "2025-03", "to": "2025-08"})
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    header = rows.index(["月份", "收案", "立案", "结案"])
    months = direct.by_month(data, start=202503, end=202508, unit_ids=units)
    for month, rec, dock, closed in rows[header + 1:-1]:
        y, m = month.split("-")
        assert (int(rec), int(dock), int(closed)) == months.get(int(y) * 100 + int(m), (0, 0, 0))


def test_open_states_and_workload_tables(city, session, gen_users):
    data = direct.load(session)
    r = city.get("/stats/open/open_by_state.csv", query_string={"unit": "500103"})
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    header = rows.index(["程序", "状态", "状态代码", "案件数", "未结案", "结案后跟进"])
    got = {(row[0], row[2]): int(row[3]) for row in rows[header + 1:-1]}
    unit = _units(session)["500103"]
    expected: dict = {}
    for c in data.cases:
        proc = workflows.procedure(c.procedure)
        if c.unit_id == unit and not proc.states[c.state].terminal:
            expected[(proc.title, c.state)] = expected.get((proc.title, c.state), 0) + 1
    assert got == expected
    r = city.get("/stats/workload/workload.csv", query_string={**PERIOD, "unit": "500103"})
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "承办人")
    by_user = {row[1]: row for row in rows[header + 1:]}
    officer = gen_users["gen-500103-o1"]
    exp = direct.figures(data, start=202201, end=202611, unit_ids={unit}, officer_id=officer.id)
    row = by_user["gen-500103-o1"]
    assert int(row[2]) == exp["open"] and int(row[3]) == exp["followup"] and int(row[6]) == exp["closed"]
    assert int(row[5]) == exp["received"]


def test_rollups_equal_a_rebuild(session, generated):
    """The incremental rollups and a full rebuild from the base tables agree row for row."""
    from caseflow.stats import services

    def snapshot():
        out = {}
        for table, key in ((services.ROLLUP, services.ROLLUP_KEY), (services.DURATIONS, services.DURATION_KEY),
                           (services.OPEN_STATES, services.OPEN_KEY)):
            rows = session.execute(sa.select(table)).mappings().all()
            out[table.name] = {tuple(r[k] for k in key): tuple(v for k, v in r.items() if k not in key and k != "id"
                                                               and v) for r in rows if any(
                v for k, v in r.items() if k not in key and k != "id")}
        return out

    before = snapshot()
    services.rebuild(session)
    session.flush()
    assert snapshot() == before


def test_district_comparison_equals_each_office_counted_alone(city, session):
    """The city office's comparison puts every office side by side; each row equals that office counted alone."""
    data = direct.load(session)
    page = city.get("/stats/districts", query_string=PERIOD).data.decode()
    assert "各单位收案与结案" in page and "各单位结案率与法定审限结案率" in page and "<svg" in page
    assert page.count('id="def-close_rate"') == 1 and page.count("结案率 = 期内结案数 ÷（旧存 + 新收）") == 1
    r = city.get("/stats/districts/districts.csv", query_string=PERIOD)
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    header = rows.index(["单位", "旧存", "收案（新收）", "结案", "结案率（%）", "法定审限结案率（%）",
                         "超期案件（当前）"])
    got = {row[0]: row for row in rows[header + 1:]}
    units = {u.area or u.name: u for u in session.scalars(sa.select(Unit))}
    assert set(got) == {*units, "合计"}
    for name, unit in units.items():
        exp = direct.figures(data, start=202201, end=202611, unit_ids={unit.id})
        row = got[name]
        closed, base = exp["close_rate"]
        assert (int(row[1]) + int(row[2]), int(row[2]), int(row[3])) == (base, exp["received"], closed), name
        assert int(row[6]) == direct.overdue(data, today(), unit_ids={unit.id})[1], name
    everything = direct.figures(data, start=202201, end=202611, unit_ids={u.id for u in units.values()})
    assert (int(got["合计"][2]), int(got["合计"][3])) == (everything["received"], everything["closed"])


def test_a_district_supervisor_has_no_comparison_in_the_menu(login_as, generated, session):
    page = login_as("gen-500103-s1").get("/stats/overview").data.decode()
    assert "区县对比" not in page


def test_every_dispute_received_is_closed_once_or_still_open(city, session):
    """收案 − 结案 over all time = the disputes still open: a dispute is followed from the case that brought it through
    the cases it was converted into, and is open while its last case has not ended (issue #15)."""
    from caseflow.cases.models import Case

    cases = session.execute(sa.select(Case.id, Case.procedure, Case.parent_id, Case.state, Case.closed_at,
                                      Case.closing_action)).all()
    converted_into = {c.parent_id: c for c in cases if c.parent_id and c.procedure in ("adjudication", "mediation")}
    still_open = 0
    for root in cases:
        if root.parent_id is not None or root.procedure not in ("complaint", "adjudication", "mediation"):
            continue
        last = root
        while last.closing_action == "convert":
            last = converted_into[last.id]
        still_open += last.closed_at is None and last.state != "not_docketed"
    fig = summary(city, **{"from": "2010-01", "to": "2026-11"})["figures"]  # before the first generated case
    assert fig["received"] - fig["closed"] == still_open > 0
    assert fig["close_rate"]["carried_over"] == 0
    assert summary(city, **PERIOD)["figures"]["close_rate"]["carried_over"] > 0
