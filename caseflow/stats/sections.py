"""The statistics pages as data: headline cards, SVG charts and tables (each table also exports)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from markupsafe import Markup, escape

import workflows
from caseflow.cases.forms import IP_TYPES
from caseflow.core.db import db
from caseflow.stats import charts, queries
from caseflow.stats.definitions import DEFINITIONS as D
from caseflow.stats.facts import CARRIERS, DISPUTE_PROCEDURES
from caseflow.stats.queries import Filters, month_label, months_between, ratio
from workflows.complaint import CHANNELS

LIST_LIMIT = 100  # rows of a list shown on the page; the export has them all


@dataclass
class Column:
    key: str
    title: str
    kind: str = "int"  # int, num (1 decimal), pct (ratio shown as %), text, link ((text, url))
    hint: str = ""

    @property
    def css(self) -> str:
        return "n" if self.kind in ("int", "num", "pct") else ""

    def td(self, row: dict) -> Markup:
        """The row's cell on the page (a list runs to hundreds of rows, each of ten cells: formatted here, once)."""
        value = row.get(self.key)
        if value is None:
            text = Markup("—")
        elif self.kind == "pct":
            text = Markup(f"{value * 100:.1f}%")
        elif self.kind == "num":
            text = Markup(f"{value:.1f}")
        elif self.kind == "link":
            text = Markup('<a href="{}">{}</a>').format(value[1], value[0])
        else:
            text = escape(value)
        return Markup(f'<td class="{self.css}">{text}</td>')


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: Callable[[], Iterable[dict]]  # called once per rendering or export; may stream
    definition: str = ""
    total: int | None = None  # lists: how many rows exist (the page shows the first LIST_LIMIT)


@dataclass
class Card:
    title: str
    value: object
    kind: str = "int"
    detail: str = ""
    hint: str = ""


@dataclass
class Section:
    cards: list[Card] = field(default_factory=list)
    charts: list = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def _rows(items: list[dict]) -> Callable[[], list[dict]]:
    return lambda: items


def _pct_text(num: int, den: int) -> str:
    return f"{num} / {den}"


def procedure_title(code: str) -> str:
    return workflows.PROCEDURES[code].title if code in workflows.PROCEDURES else code


# ---------------------------------------------------------------------------
# Headline figures (overview page and the summary API)
# ---------------------------------------------------------------------------


def headline(f: Filters) -> dict:
    """Every headline figure with its numerator and denominator, so it can be checked by hand."""
    t = queries.totals(f)
    hist = queries.duration_histogram(f)
    closed_n = sum(n for _, n in hist)
    opens = queries.open_states(f)
    counts = queries.deadline_counts(f)

    def rate(num: str, den: str) -> dict:
        return {"value": ratio(t[num], t[den]), "numerator": t[num], "denominator": t[den]}

    carried = queries.carried_over(queries.totals(queries.before(f)))
    return {
        "received": t["received"], "docketed": t["docketed"], "closed": t["closed"],
        "close_rate": {"value": ratio(t["closed"], carried + t["received"]), "numerator": t["closed"],
                       "denominator": carried + t["received"], "carried_over": carried, "received": t["received"]},
        "limit_rate": rate("limit_met", "limit_total"),
        "mediation_rate": rate("dispute_mediated", "dispute_closed"),
        "mediation_success_rate": rate("med_agreement", "med_closed"),
        "confirmation_rate": rate("confirmed", "confirm_eligible"),
        "handling_days": {
            "cases": t["closed"],
            "average": ratio(t["days_sum"], t["closed"]),
            "average_paused": ratio(t["paused_sum"], t["closed"]),
            "cases_paused": t["paused_cases"],
            "average_net": ratio(sum(d * n for d, n in hist), closed_n),
            "median_net": queries.median(hist),
        },
        "open": sum(n - c for _, _, n, c in opens), "followup": sum(c for _, _, _, c in opens),
        "overdue": {"deadlines": counts["overdue"][0], "cases": counts["overdue"][1]},
        "due_soon": {"deadlines": counts["due_soon"][0], "cases": counts["due_soon"][1]},
        "ratings": {"count": t["rating_n"], "average": ratio(t["rating_sum"], t["rating_n"]),
                    "distribution": {str(k): t[f"rating_{k}"] for k in range(1, 6)}},
        "referrals": {"police": t["ref_police"], "police_transferred": t["ref_police_transferred"],
                      "police_accepted": t["ref_police_accepted"], "police_declined": t["ref_police_declined"],
                      "agency": t["ref_agency"], "court": t["ref_court"]},
        "injunctions": {"requested": t["inj_requested"], "issued": t["inj_issued"], "breached": t["inj_breached"],
                        "refused": t["inj_refused"]},
    }


def _monthly(f: Filters) -> tuple[list[int], dict]:
    months = months_between(f.start, f.end)
    return months, queries.aggregate(f, "month")


def overview(f: Filters) -> Section:
    h = headline(f)
    hd = h["handling_days"]
    s = Section(cards=[
        Card("收案", h["received"], hint=D["received"]),
        Card("立案", h["docketed"], hint=D["docketed"]),
        Card("结案", h["closed"], hint=D["closed"]),
        Card("结案率", h["close_rate"]["value"], "pct",
             f"{h['close_rate']['numerator']} / （旧存 {h['close_rate']['carried_over']} + 新收 "
             f"{h['close_rate']['received']}）", D["close_rate"]),
        Card("法定审限结案率", h["limit_rate"]["value"], "pct",
             _pct_text(h["limit_rate"]["numerator"], h["limit_rate"]["denominator"]), D["limit_rate"]),
        Card("调解率", h["mediation_rate"]["value"], "pct",
             _pct_text(h["mediation_rate"]["numerator"], h["mediation_rate"]["denominator"]), D["mediation_rate"]),
        Card("调解成功率", h["mediation_success_rate"]["value"], "pct",
             _pct_text(h["mediation_success_rate"]["numerator"], h["mediation_success_rate"]["denominator"]),
             D["mediation_success"]),
        Card("司法确认率", h["confirmation_rate"]["value"], "pct",
             _pct_text(h["confirmation_rate"]["numerator"], h["confirmation_rate"]["denominator"]),
             D["confirmation_rate"]),
        Card("平均净办理天数", hd["average_net"], "num",
             f"中位数 {_num(hd['median_net'])} 天；另平均暂停 {_num(hd['average_paused'])} 天", D["handling_days"]),
        Card("在办案件（当前）", h["open"], detail=f"另结案后跟进 {h['followup']} 件", hint=D["open"]),
        Card("超期（当前）", h["overdue"]["cases"], detail=f"{h['overdue']['deadlines']} 个期限", hint=D["overdue"]),
        Card("即将到期（当前）", h["due_soon"]["cases"], detail=f"{h['due_soon']['deadlines']} 个期限",
             hint=D["due_soon"]),
        Card("满意度平均分", h["ratings"]["average"], "num", f"{h['ratings']['count']} 件评价", D["ratings"]),
    ])
    months, by_month = _monthly(f)
    labels = [month_label(m) for m in months]
    def get(m, k):
        return by_month.get(m, {}).get(k, 0)
    s.charts.append(charts.bar_chart("每月收案与结案", labels, {
        "收案": [get(m, "received") for m in months], "结案": [get(m, "closed") for m in months]}))
    s.charts.append(charts.line_chart("每月法定审限结案率与调解率", labels, {
        "法定审限结案率": [ratio(get(m, "limit_met"), get(m, "limit_total")) for m in months],
        "调解率": [ratio(get(m, "dispute_mediated"), get(m, "dispute_closed")) for m in months]}))
    rows = [
        {"figure": "收案数", "value": h["received"], "basis": "", "definition": D["received"]},
        {"figure": "立案数", "value": h["docketed"], "basis": "", "definition": D["docketed"]},
        {"figure": "结案数", "value": h["closed"], "basis": "", "definition": D["closed"]},
        *[{"figure": title, "value": _pct(h[key]["value"]),
           "basis": _pct_text(h[key]["numerator"], h[key]["denominator"]), "definition": D[dkey]}
          for title, key, dkey in (("结案率（%）", "close_rate", "close_rate"),
                                   ("法定审限结案率（%）", "limit_rate", "limit_rate"),
                                   ("调解率（%）", "mediation_rate", "mediation_rate"),
                                   ("调解成功率（%）", "mediation_success_rate", "mediation_success"),
                                   ("司法确认率（%）", "confirmation_rate", "confirmation_rate"))],
        {"figure": "平均办理天数", "value": _round(hd["average"]), "basis": f"{hd['cases']} 件",
         "definition": D["handling_days"]},
        {"figure": "平均暂停天数", "value": _round(hd["average_paused"]), "basis": f"{hd['cases_paused']} 件有暂停",
         "definition": D["handling_days"]},
        {"figure": "平均净办理天数", "value": _round(hd["average_net"]), "basis": "", "definition": D["handling_days"]},
        {"figure": "净办理天数中位数", "value": hd["median_net"], "basis": "", "definition": D["handling_days"]},
        {"figure": "在办案件（当前）", "value": h["open"], "basis": f"另结案后跟进 {h['followup']} 件",
         "definition": D["open"]},
        {"figure": "超期案件（当前）", "value": h["overdue"]["cases"], "basis": f"{h['overdue']['deadlines']} 个期限",
         "definition": D["overdue"]},
        {"figure": "即将到期案件（当前）", "value": h["due_soon"]["cases"],
         "basis": f"{h['due_soon']['deadlines']} 个期限", "definition": D["due_soon"]},
        {"figure": "满意度平均分", "value": _round(h["ratings"]["average"], 2), "basis": f"{h['ratings']['count']} 件",
         "definition": D["ratings"]},
    ]
    s.tables.append(Table("headline", "主要指标", [
        Column("figure", "指标", "text"), Column("value", "数值", "text"), Column("basis", "计算依据", "text"),
        Column("definition", "口径", "text")], _rows(rows)))
    return s


def _num(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def _round(value, digits: int = 1):
    return None if value is None else round(value, digits)


def _pct(value):
    return None if value is None else round(value * 100, 1)


def monthly(f: Filters) -> Section:
    months, by_month = _monthly(f)
    def get(m, k):
        return by_month.get(m, {}).get(k, 0)
    labels = [month_label(m) for m in months]
    s = Section()
    s.charts.append(charts.bar_chart("每月收案、立案、结案", labels, {
        "收案": [get(m, "received") for m in months], "立案": [get(m, "docketed") for m in months],
        "结案": [get(m, "closed") for m in months]}))
    rows = [{"month": month_label(m), "received": get(m, "received"), "docketed": get(m, "docketed"),
             "closed": get(m, "closed")} for m in months]
    rows.append({"month": "合计", "received": sum(r["received"] for r in rows),
                 "docketed": sum(r["docketed"] for r in rows), "closed": sum(r["closed"] for r in rows)})
    s.tables.append(Table("by_month", "按月收案、立案、结案", [
        Column("month", "月份", "text"), Column("received", "收案", hint=D["received"]),
        Column("docketed", "立案", hint=D["docketed"]), Column("closed", "结案", hint=D["closed"])],
        _rows(rows), " ".join([D["received"], D["docketed"], D["closed"]])))
    by_proc = queries.aggregate(f, "procedure")
    prow = [{"procedure": procedure_title(p), "received": by_proc.get(p, {}).get("received", 0),
             "docketed": by_proc.get(p, {}).get("docketed", 0), "closed": by_proc.get(p, {}).get("closed", 0)}
            for p in CARRIERS if not f.procedure or p == f.procedure]
    s.tables.append(Table("by_procedure", "按程序收案、立案、结案", [
        Column("procedure", "程序", "text"), Column("received", "收案"), Column("docketed", "立案"),
        Column("closed", "结案")], _rows(prow)))
    return s


def limits(f: Filters) -> Section:
    months, by_month = _monthly(f)
    def get(m, k):
        return by_month.get(m, {}).get(k, 0)
    s = Section()
    s.charts.append(charts.line_chart("每月法定审限结案率", [month_label(m) for m in months], {
        "法定审限结案率": [ratio(get(m, "limit_met"), get(m, "limit_total")) for m in months]}))
    cols = [Column("limit_total", "适用法定期限的结案数"), Column("limit_met", "期限内结案"),
            Column("late", "超期结案"), Column("rate", "法定审限结案率", "pct", D["limit_rate"])]

    def row(c) -> dict:
        return {"limit_total": c.get("limit_total", 0), "limit_met": c.get("limit_met", 0),
                "late": c.get("limit_total", 0) - c.get("limit_met", 0),
                "rate": ratio(c.get("limit_met", 0), c.get("limit_total", 0))}

    rows = [{"month": month_label(m), **row(by_month.get(m, {}))} for m in months]
    total = queries.totals(f)
    rows.append({"month": "合计", **row(total)})
    s.tables.append(Table("limit_by_month", "按月法定审限结案率", [Column("month", "结案月份", "text"), *cols],
                          _rows(rows), D["limit_rate"]))
    by_proc = queries.aggregate(f, "procedure")
    prow = [{"procedure": procedure_title(p), **row(by_proc.get(p, {}))}
            for p in DISPUTE_PROCEDURES if not f.procedure or p == f.procedure]
    s.tables.append(Table("limit_by_procedure", "按程序法定审限结案率", [Column("procedure", "程序", "text"), *cols],
                          _rows(prow), D["limit_rate"]))
    return s


def mediation(f: Filters) -> Section:
    months, by_month = _monthly(f)
    def get(m, k):
        return by_month.get(m, {}).get(k, 0)
    s = Section()
    s.charts.append(charts.line_chart("每月调解率、调解成功率、司法确认率", [month_label(m) for m in months], {
        "调解率": [ratio(get(m, "dispute_mediated"), get(m, "dispute_closed")) for m in months],
        "调解成功率": [ratio(get(m, "med_agreement"), get(m, "med_closed")) for m in months],
        "司法确认率": [ratio(get(m, "confirmed"), get(m, "confirm_eligible")) for m in months]}))

    def row(c) -> dict:
        def g(k):
            return c.get(k, 0)
        return {"dispute_closed": g("dispute_closed"), "dispute_mediated": g("dispute_mediated"),
                "mediation_rate": ratio(g("dispute_mediated"), g("dispute_closed")),
                "med_closed": g("med_closed"), "med_agreement": g("med_agreement"),
                "success_rate": ratio(g("med_agreement"), g("med_closed")),
                "confirm_eligible": g("confirm_eligible"), "confirmed": g("confirmed"),
                "confirmation_rate": ratio(g("confirmed"), g("confirm_eligible"))}

    rows = [{"month": month_label(m), **row(by_month.get(m, {}))} for m in months]
    rows.append({"month": "合计", **row(queries.totals(f))})
    s.tables.append(Table("mediation_by_month", "按月调解率、调解成功率、司法确认率", [
        Column("month", "结案月份", "text"), Column("dispute_closed", "纠纷案件结案"),
        Column("dispute_mediated", "以调解协议结案"), Column("mediation_rate", "调解率", "pct", D["mediation_rate"]),
        Column("med_closed", "调解案件结案（已立案）"), Column("med_agreement", "达成协议"),
        Column("success_rate", "调解成功率", "pct", D["mediation_success"]),
        Column("confirm_eligible", "可申请确认的协议"), Column("confirmed", "已司法确认"),
        Column("confirmation_rate", "司法确认率", "pct", D["confirmation_rate"])], _rows(rows),
        " ".join([D["mediation_rate"], D["mediation_success"], D["confirmation_rate"]])))
    return s


BUCKETS = [(0, 7), (8, 15), (16, 30), (31, 60), (61, 90), (91, 120), (121, 180), (181, 365), (366, None)]


def duration(f: Filters) -> Section:
    s = Section()
    cols = [Column("closed", "结案数"), Column("average", "平均办理天数", "num"),
            Column("average_paused", "平均暂停天数", "num"), Column("cases_paused", "有暂停的案件"),
            Column("average_net", "平均净办理天数", "num"), Column("median_net", "净办理天数中位数", "num")]

    by_proc = queries.aggregate(f, "procedure")
    hists = queries.duration_histograms(f)

    def row(t, hist) -> dict:
        n = sum(c for _, c in hist)
        return {"closed": t.get("closed", 0), "average": ratio(t.get("days_sum", 0), t.get("closed", 0)),
                "average_paused": ratio(t.get("paused_sum", 0), t.get("closed", 0)),
                "cases_paused": t.get("paused_cases", 0),
                "average_net": ratio(sum(d * c for d, c in hist), n), "median_net": queries.median(hist)}

    procs = [p for p in CARRIERS if not f.procedure or p == f.procedure]
    rows = [{"procedure": procedure_title(p), **row(by_proc.get(p, {}), hists.get(p, []))} for p in procs]
    hist = queries.merge_histograms(hists.values())
    if not f.procedure:
        total: dict = {}
        for c in by_proc.values():
            for k, v in c.items():
                total[k] = total.get(k, 0) + v
        rows.append({"procedure": "全部", **row(total, hist)})
    s.tables.append(Table("duration_by_procedure", "办理天数（暂停时间单列）",
                          [Column("procedure", "程序", "text"), *cols],
                          _rows(rows), D["handling_days"]))
    brow: list[dict[str, Any]] = []
    for lo, hi in BUCKETS:
        n = sum(c for d, c in hist if d >= lo and (hi is None or d <= hi))
        brow.append({"bucket": f"{lo}–{hi} 天" if hi is not None else f"{lo} 天以上", "cases": n})
    s.charts.append(charts.bar_chart("净办理天数分布（期内结案）", [r["bucket"] for r in brow],
                                     {"结案数": [r["cases"] for r in brow]}))
    s.tables.append(Table("duration_histogram", "净办理天数分布",
                          [Column("bucket", "净办理天数", "text"), Column("cases", "结案数")],
                          _rows(brow), D["handling_days"]))
    return s


def open_cases(f: Filters) -> Section:
    s = Section()
    rows: list[dict[str, Any]] = []
    for p, st, n, closed in sorted(queries.open_states(f), key=lambda r: (list(workflows.PROCEDURES).index(r[0])
                                                                          if r[0] in workflows.PROCEDURES else 99,
                                                                          r[1])):
        proc = workflows.PROCEDURES.get(p)
        title = (proc.state_title(st, f.channel) if f.channel else proc.state_title_any(st)) if proc else st
        rows.append({"procedure": procedure_title(p), "state": title, "code": st,
                     "cases": n, "open": n - closed, "followup": closed})
    rows.append({"procedure": "合计", "state": "", "code": "", "cases": sum(r["cases"] for r in rows),
                 "open": sum(r["open"] for r in rows), "followup": sum(r["followup"] for r in rows)})
    s.tables.append(Table("open_by_state", "在办案件（按程序和状态，当前）", [
        Column("procedure", "程序", "text"), Column("state", "状态", "text"), Column("code", "状态代码", "text"),
        Column("cases", "案件数"), Column("open", "未结案"), Column("followup", "结案后跟进")], _rows(rows), D["open"]))
    s.notes.append("本页为当前状况，不受统计期间筛选影响。")
    return s


def _deadline_table(f: Filters, which: str, title: str, total: int, export: bool) -> Table:
    stmt = queries.deadline_list(f, which, None if export else LIST_LIMIT)

    def rows():
        users: dict = {}
        # Only the export streams (a server-side cursor on PostgreSQL): a cursor is planned for its first rows, and
        # for the page's 100 that plan walked the deadlines by due date (300 ms at 1M cases against 16 ms).
        result = db.session.execute(stmt.execution_options(yield_per=1000) if export else stmt)
        for part in result.partitions(1000):
            missing = {r.officer_id for r in part if r.officer_id > 0 and r.officer_id not in users}
            users.update(queries.users_by_id(missing))
            numbers = queries.case_numbers(r.case_id for r in part)
            for r in part:
                proc = workflows.PROCEDURES.get(r.procedure)
                who = users.get(r.officer_id)
                yield {"case": (numbers.get(r.case_id, str(r.case_id)),
                                url_for("cases.show", case_id=r.case_id, _external=export)),
                       "procedure": procedure_title(r.procedure),
                       "state": proc.state_title(r.state, r.channel) if proc else r.state, "deadline": r.label,
                       "due": r.due_date.isoformat(), "officer": who.display_name if who else "未分配"}

    return Table(which, title, [Column("case", "案号", "link"), Column("procedure", "程序", "text"),
                                Column("state", "状态", "text"), Column("deadline", "期限", "text"),
                                Column("due", "届满日", "text"), Column("officer", "承办人", "text")],
                 rows, D[which], total)


def due(f: Filters, export: bool = False) -> Section:
    counts = queries.deadline_counts(f)
    s = Section(cards=[Card("超期期限", counts["overdue"][0], detail=f"涉及 {counts['overdue'][1]} 件案件",
                            hint=D["overdue"]),
                       Card("即将到期期限", counts["due_soon"][0], detail=f"涉及 {counts['due_soon'][1]} 件案件",
                            hint=D["due_soon"])])
    s.tables.append(_deadline_table(f, "overdue", "已超期", counts["overdue"][0], export))
    s.tables.append(_deadline_table(f, "due_soon", "即将到期", counts["due_soon"][0], export))
    s.notes.append("本页按今天计算，不受统计期间筛选影响；页面显示最紧迫的前 100 条，导出包含全部。")
    return s


WORKLOAD_MEASURES = ("received", "closed", "limit_met", "limit_total", "days_sum", "paused_sum")


def workload(f: Filters) -> Section:
    s = Section()
    period = queries.aggregate(f, "officer_id", WORKLOAD_MEASURES)
    opened = queries.open_by_officer(f)
    overdue = queries.overdue_by_officer(f)
    ids = set(period) | set(opened) | set(overdue)
    users = queries.users_by_id(ids)
    rows = []
    for oid in ids:
        c = period.get(oid, {})
        o = opened.get(oid, (0, 0))
        user = users.get(oid)
        rows.append({"officer": user.display_name if user else "未分配", "username": user.username if user else "",
                     "open": o[0] - o[1], "followup": o[1], "overdue": overdue.get(oid, 0),
                     "received": c.get("received", 0), "closed": c.get("closed", 0),
                     "limit_rate": ratio(c.get("limit_met", 0), c.get("limit_total", 0)),
                     "average_days": ratio(c.get("days_sum", 0), c.get("closed", 0)),
                     "average_paused": ratio(c.get("paused_sum", 0), c.get("closed", 0))})
    rows.sort(key=lambda r: (-r["open"], -r["closed"], r["username"]))
    s.tables.append(Table("workload", "承办人工作量", [
        Column("officer", "承办人", "text"), Column("username", "用户名", "text"), Column("open", "在办（未结案）"),
        Column("followup", "结案后跟进"), Column("overdue", "超期案件（当前）"), Column("received", "期内收案"),
        Column("closed", "期内结案"), Column("limit_rate", "法定审限结案率", "pct", D["limit_rate"]),
        Column("average_days", "平均办理天数", "num"), Column("average_paused", "平均暂停天数", "num")],
        _rows(rows), D["workload"]))
    return s


def referrals(f: Filters) -> Section:
    months, by_month = _monthly(f)
    s = Section()

    def rrow(c) -> dict:
        def g(k):
            return c.get(k, 0)
        return {"police": g("ref_police"), "transferred": g("ref_police_transferred"),
                "accepted": g("ref_police_accepted"), "declined": g("ref_police_declined"),
                "pending": g("ref_police_transferred") - g("ref_police_accepted") - g("ref_police_declined"),
                "rate": ratio(g("ref_police_accepted"), g("ref_police_transferred")),
                "agency": g("ref_agency"), "court": g("ref_court")}

    rows = [{"month": month_label(m), **rrow(by_month.get(m, {}))} for m in months]
    rows.append({"month": "合计", **rrow(queries.totals(f))})
    s.tables.append(Table("referrals", "移送与公安立案", [
        Column("month", "移送月份", "text"), Column("police", "涉嫌犯罪移送（公安）"),
        Column("transferred", "已移送公安"),
        Column("accepted", "公安已立案"), Column("declined", "最终不予立案"), Column("pending", "待公安决定/复议/监督"),
        Column("rate", "公安立案率", "pct", D["referrals"]), Column("agency", "移送其他行政机关"),
        Column("court", "申请法院强制执行")], _rows(rows), D["referrals"]))

    def irow(c) -> dict:
        def g(k):
            return c.get(k, 0)
        return {"requested": g("inj_requested"), "issued": g("inj_issued"), "breached": g("inj_breached"),
                "refused": g("inj_refused"), "breach_rate": ratio(g("inj_breached"), g("inj_issued"))}

    irows = [{"month": month_label(m), **irow(by_month.get(m, {}))} for m in months]
    irows.append({"month": "合计", **irow(queries.totals(f))})
    s.tables.append(Table("injunctions", "先行禁令与违反", [
        Column("month", "申请月份", "text"), Column("requested", "申请"), Column("issued", "已发布"),
        Column("breached", "违反禁令"), Column("refused", "不予发布"),
        Column("breach_rate", "违反率（违反 ÷ 已发布）", "pct", D["injunctions"])], _rows(irows), D["injunctions"]))
    labels = [month_label(m) for m in months]
    s.charts.append(charts.bar_chart("每月涉嫌犯罪移送与公安立案", labels, {
        "移送公安": [r["transferred"] for r in rows[:-1]], "公安已立案": [r["accepted"] for r in rows[:-1]]}))
    s.charts.append(charts.bar_chart("每月先行禁令与违反", labels, {
        "已发布": [r["issued"] for r in irows[:-1]], "违反": [r["breached"] for r in irows[:-1]]}))
    return s


def ratings(f: Filters) -> Section:
    months, by_month = _monthly(f)
    s = Section()

    def row(c) -> dict:
        def g(k):
            return c.get(k, 0)
        return {"closed": g("closed"), "rated": g("rating_n"), "share": ratio(g("rating_n"), g("closed")),
                "average": ratio(g("rating_sum"), g("rating_n")),
                **{f"s{k}": g(f"rating_{k}") for k in range(1, 6)}}

    rows = [{"month": month_label(m), **row(by_month.get(m, {}))} for m in months]
    total = row(queries.totals(f))
    rows.append({"month": "合计", **total})
    s.charts.append(charts.bar_chart("评分分布（期内结案）", [f"{k} 分" for k in range(1, 6)],
                                     {"评价件数": [total[f"s{k}"] for k in range(1, 6)]}))
    s.tables.append(Table("ratings", "满意度评价", [
        Column("month", "结案月份", "text"), Column("closed", "结案数"), Column("rated", "评价件数"),
        Column("share", "参评率", "pct"), Column("average", "平均分", "num"),
        *[Column(f"s{k}", f"{k} 分") for k in range(1, 6)]], _rows(rows), D["ratings"]))
    return s


def districts(f: Filters) -> Section:
    """Every office in scope side by side (the city office compares its districts): two grouped queries."""
    import sqlalchemy as sa

    from caseflow.accounts.models import Unit

    units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(f.unit_ids)).order_by(Unit.code)).all()
    sums, overdue = queries.by_unit(f), queries.overdue_by_unit(f)
    earlier = queries.by_unit(queries.before(f))
    rows: list[dict[str, Any]] = []

    def row(name, c: Counter, carried: int, late: int) -> dict:
        return {"unit": name, "carried_over": carried, "received": c.get("received", 0), "closed": c.get("closed", 0),
                "close_rate": ratio(c.get("closed", 0), carried + c.get("received", 0)),
                "limit_rate": ratio(c.get("limit_met", 0), c.get("limit_total", 0)), "overdue": late}

    for u in units:
        rows.append(row(u.area or u.name, sums.get(u.id, Counter()),
                        queries.carried_over(earlier.get(u.id, Counter())), overdue.get(u.id, 0)))
    total = row("合计", queries.totals(f), queries.carried_over(queries.totals(queries.before(f))),
                sum(overdue.values()))
    labels = [str(r["unit"]) for r in rows]
    s = Section()
    s.charts.append(charts.bar_chart("各单位收案与结案", labels, {
        "收案": [r["received"] for r in rows], "结案": [r["closed"] for r in rows]}))
    s.charts.append(charts.bar_chart("各单位结案率与法定审限结案率", labels, {
        "结案率": [r["close_rate"] for r in rows], "法定审限结案率": [r["limit_rate"] for r in rows]}, percent=True))
    s.tables.append(Table("districts", "各单位对比", [
        Column("unit", "单位", "text"), Column("carried_over", "旧存", hint=D["close_rate"]),
        Column("received", "收案（新收）", hint=D["received"]), Column("closed", "结案", hint=D["closed"]),
        Column("close_rate", "结案率", "pct", D["close_rate"]),
        Column("limit_rate", "法定审限结案率", "pct", D["limit_rate"]),
        Column("overdue", "超期案件（当前）")], _rows([*rows, total])))
    return s


SECTIONS: dict[str, tuple[str, Callable]] = {
    "overview": ("概览", overview),
    "districts": ("区县对比", districts),
    "monthly": ("收案·立案·结案", monthly),
    "limits": ("法定审限结案率", limits),
    "mediation": ("调解与司法确认", mediation),
    "duration": ("办理天数", duration),
    "open": ("在办案件", open_cases),
    "deadlines": ("到期与超期", due),
    "workload": ("承办人工作量", workload),
    "referrals": ("移送与禁令", referrals),
    "ratings": ("满意度评价", ratings),
}


def build(name: str, f: Filters, *, export: bool = False) -> Section:
    """Build a section's cards, charts and tables."""
    fn = SECTIONS[name][1]
    return fn(f, export=export) if fn is due else fn(f)


def filter_choices() -> dict:
    return {"procedures": {c: p.title for c, p in workflows.PROCEDURES.items()}, "ip_types": IP_TYPES,
            "channels": CHANNELS}
