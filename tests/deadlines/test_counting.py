"""Period arithmetic (docs/deadlines.md, Counting rules) and the default rule table."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings, strategies as st

from caseflow.deadlines import DEFAULT_RULES, Calendar, Due, calendar as calmod, due_date, rule_for
from caseflow.deadlines.counting import UNITS
from caseflow.deadlines.rules import (
    BINDS,
    COMPLAINT_ACCEPT_RULES,
    PROCEDURES,
    RULE_ALIASES,
    Rule,
)

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
CJK = "[\u4e00-\u9fff]"
PROVISIONAL_2027 = "2027 年放假安排尚未发布，按法定节假日推算，日期为暂定"

# A *hypothetical* 2027 National Day schedule (the real one is not published yet):
# 10月1日–7日 off, Sunday 9月26日 and Saturday 10月9日 worked.
HYPOTHETICAL_2027 = {
    D(2027, 1, 1): ("holiday", "元旦"),
    D(2027, 9, 26): ("workday", "国庆节"),
    **{D(2027, 10, d): ("holiday", "国庆节") for d in range(1, 8)},
    D(2027, 10, 9): ("workday", "国庆节"),
}


# ---------------------------------------------------------------------------
# Worked examples of the counting rules (docs/deadlines.md) on the official calendar
# ---------------------------------------------------------------------------


def test_example_15_days_into_national_day_2025():
    due = due_date(D(2025, 9, 16), 15, "days")
    assert due.due == D(2025, 10, 9)
    assert due.unrolled == D(2025, 10, 1)
    assert due.rolled
    assert not due.provisional
    assert due.rest_days_skipped == tuple(D(2025, 10, d) for d in range(1, 9))
    assert due.explanation == (
        "起算日 2025-09-16 起 15 日为 2025-10-01；10月1日至8日为法定节假日，顺延至下一个工作日 → 2025-10-09"
    )


def test_example_hearing_notice_3_working_days_before():
    due = due_date(D(2025, 10, 13), 3, "working_days", backward=True)
    # Oct 12 (Sun) is skipped, Oct 11 (make-up Saturday), Oct 10 and Oct 9 are counted.
    assert due.due == D(2025, 10, 9)
    assert due.due == chinese_calendar.find_workday(-3, D(2025, 10, 13))
    assert "10月11日为调休工作日，计入" in due.explanation


def test_example_3_months_to_month_end_makeup_saturday():
    due = due_date(D(2025, 11, 30), 3, "months")
    assert due.due == D(2026, 2, 28)  # no Feb 30; Feb 28 is a make-up Saturday, so no roll
    assert not due.rolled
    assert "该月无对应日，取月末日" in due.explanation


def test_example_find_workday_5_over_national_day_2025():
    due = due_date(D(2025, 9, 30), 5, "working_days")
    # Oct 1–8 off; Oct 9, 10, 11 (make-up Saturday), 13, 14 counted.
    assert due.due == D(2025, 10, 14) == chinese_calendar.find_workday(5, D(2025, 9, 30))
    assert due.explanation == (
        "起算日 2025-09-30 起 5 个工作日；10月1日至8日为法定节假日；10月11日为调休工作日，计入 → 2025-10-14"
    )


def test_design_example_explanation_verbatim():
    due = due_date(D(2026, 9, 24), 5, "working_days", trigger_label="立案之日")
    assert due.due == D(2026, 10, 9)
    assert due.explanation == (
        "立案之日 2026-09-24 起 5 个工作日；9月25日至27日、10月1日至7日为法定节假日 → 2026-10-09"
    )
    assert due.rest_days_skipped == (
        D(2026, 9, 25), D(2026, 9, 26), D(2026, 9, 27), *(D(2026, 10, d) for d in range(1, 8))
    )
    assert str(due) == "2026-10-09"
    assert isinstance(due, Due)


# ---------------------------------------------------------------------------
# 2026 holidays with their make-up weekend days (dates checked against chinesecalendar 1.11.0)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "unit", "backward", "expected"),
    [
        # 春节 2026: Feb 15–23 off; Saturdays Feb 14 and Feb 28 worked.
        (D(2026, 2, 10), 5, "working_days", False, D(2026, 2, 24)),  # Feb 14 counts
        (D(2026, 2, 26), 2, "working_days", False, D(2026, 2, 28)),  # Feb 27, Sat Feb 28
        (D(2026, 2, 25), 3, "working_days", True, D(2026, 2, 13)),  # Feb 24, Sat Feb 14, Feb 13
        (D(2026, 2, 12), 5, "days", False, D(2026, 2, 24)),  # Feb 17 → rolled
        (D(2026, 2, 13), 1, "days", False, D(2026, 2, 14)),  # a make-up Saturday is no rest day
        (D(2026, 2, 27), 1, "days", False, D(2026, 2, 28)),
        (D(2026, 2, 25), 5, "days", True, D(2026, 2, 14)),  # Feb 20 → back to Sat Feb 14
        (D(2026, 1, 16), 1, "months", False, D(2026, 2, 24)),  # Feb 16 → rolled
        # 中秋 Sep 25–27 and 国庆 Oct 1–7; Sunday Sep 20 and Saturday Oct 10 worked.
        (D(2026, 9, 15), 5, "working_days", False, D(2026, 9, 21)),  # Sun Sep 20 counts
        (D(2026, 10, 9), 1, "working_days", False, D(2026, 10, 10)),
        (D(2026, 10, 12), 3, "working_days", True, D(2026, 10, 8)),  # Sat Oct 10, Oct 9, Oct 8
        (D(2026, 9, 10), 15, "days", False, D(2026, 9, 28)),  # Sep 25 → Mon Sep 28
        (D(2026, 9, 16), 15, "days", False, D(2026, 10, 8)),  # Oct 1 → Oct 8
        (D(2026, 10, 8), 3, "days", True, D(2026, 9, 30)),  # Oct 5 → back to Sep 30
        (D(2026, 8, 1), 2, "months", False, D(2026, 10, 8)),
        (D(2026, 6, 30), 3, "months", False, D(2026, 9, 30)),
        (D(2025, 10, 1), 1, "years", False, D(2026, 10, 8)),
        (D(2026, 12, 7), 3, "months", True, D(2026, 9, 7)),  # a Monday: no roll
        (D(2027, 1, 1), 3, "months", True, D(2026, 9, 30)),  # Oct 1 → back to Sep 30
    ],
)
def test_2026_holidays(start, amount, unit, backward, expected):
    due = due_date(start, amount, unit, backward)
    assert due.due == expected
    assert not due.provisional
    if unit == "working_days":
        sign = -1 if backward else 1
        assert chinese_calendar.find_workday(sign * amount, start) == expected


def test_makeup_days_named_in_explanation():
    due = due_date(D(2026, 2, 10), 5, "working_days")
    assert due.explanation == (
        "起算日 2026-02-10 起 5 个工作日；2月15日至23日为法定节假日；2月14日为调休工作日，计入 → 2026-02-24"
    )


def test_weekend_roll_is_explained():
    due = due_date(D(2026, 3, 2), 5, "days")  # Sat Mar 7
    assert due.due == D(2026, 3, 9)
    assert "3月7日至8日为休息日，顺延至下一个工作日" in due.explanation


def test_backward_roll_is_explained():
    due = due_date(D(2026, 10, 8), 3, "days", backward=True)
    assert due.explanation == (
        "起算日 2026-10-08 前 3 日为 2026-10-05；10月1日至5日为法定节假日，提前至上一个工作日 → 2026-09-30"
    )


def test_start_on_holiday_is_not_counted():
    # Start day not counted: 1 working day after a holiday is the first working day after it.
    assert due_date(D(2026, 10, 3), 1, "working_days").due == D(2026, 10, 8)
    assert due_date(D(2026, 10, 3), 0, "working_days").due == D(2026, 10, 8)
    assert due_date(D(2026, 9, 30), 0, "days").due == D(2026, 9, 30)


def test_datetime_start_uses_beijing_date():
    # 2026-09-23 17:00 UTC is 9月24日 01:00 in Beijing.
    start = dt.datetime(2026, 9, 23, 17, 0, tzinfo=dt.UTC)
    assert due_date(start, 5, "working_days").due == D(2026, 10, 9)
    assert due_date("2026-09-24", 5, "working_days").due == D(2026, 10, 9)


# ---------------------------------------------------------------------------
# Paused days
# ---------------------------------------------------------------------------


def test_paused_days_added_before_the_roll():
    # 3 months from 2026-06-30 is Sep 30 (a workday); one paused day makes it Oct 1 → Oct 8.
    due = due_date(D(2026, 6, 30), 3, "months", paused_days=1, trigger_label="立案之日")
    assert due.unrolled == D(2026, 10, 1)
    assert due.due == D(2026, 10, 8)
    assert due.explanation == (
        "立案之日 2026-06-30 起 3 个月为 2026-09-30；另加暂停期间 1 日为 2026-10-01；"
        "10月1日至7日为法定节假日，顺延至下一个工作日 → 2026-10-08"
    )


def test_paused_days_on_working_days():
    due = due_date(D(2026, 9, 14), 5, "working_days", paused_days=3)
    # 5 working days → Sep 20 (make-up Sunday); +3 natural days → Sep 23 (Wed).
    assert due.due == D(2026, 9, 23)
    due = due_date(D(2026, 9, 21), 3, "working_days", paused_days=2)
    # → Sep 24; +2 → Sep 26 (holiday) → Sep 28.
    assert due.due == D(2026, 9, 28)
    assert "顺延至下一个工作日" in due.explanation


def test_paused_days_not_for_backward():
    with pytest.raises(ValueError, match=CJK):
        due_date(D(2026, 10, 12), 3, "working_days", backward=True, paused_days=1)


# ---------------------------------------------------------------------------
# Provisional years and the 2027 override
# ---------------------------------------------------------------------------


def test_period_into_2027_is_provisional():
    due = due_date(D(2026, 12, 20), 15, "working_days")
    # Dec 21–25, 28–31 (9), 2027-01-01 provisional 元旦 (Fri); the weekend after it may be worked (调休), so it
    # counts (10, 11): Jan 4–7 (15). The published schedule can only give the same day or a later one.
    assert due.due == D(2027, 1, 7)
    assert due.provisional
    assert due.provisional_years == (2027,)
    assert str(due) == "2027-01-07 provisional"
    assert due.explanation == (
        f"起算日 2026-12-20 起 15 个工作日；2027年1月1日为法定节假日；{PROVISIONAL_2027}；"
        "2027年1月2日至3日为节日前后的周末，可能调休上班，暂按工作日计入 → 2027-01-07"
    )


@pytest.mark.parametrize("backward", [False, True])
def test_a_provisional_date_is_never_later_than_the_published_one(backward):
    """Replay the years published under the current 放假办法 (2025, 2026) as if unpublished: for every start day, the
    provisional due date is the published one or earlier, so an office acting by it is never late."""
    published, provisional = Calendar(), Calendar(use_package=False)
    periods = [(1, "working_days"), (3, "working_days"), (5, "working_days"), (20, "working_days"), (15, "days"),
               (3, "months")]
    later = []
    day = D(2025, 1, 1)
    while day.year < 2027:
        for amount, unit in periods:
            official = due_date(day, amount, unit, backward, calendar=published).due
            guess = due_date(day, amount, unit, backward, calendar=provisional).due
            if guess > official:
                later.append((day, amount, unit, official, guess))
        day += dt.timedelta(days=1)
    assert later == []


def test_a_provisional_backward_count_names_the_weekdays_it_took_as_rest():
    """Counting back to the latest day to act, the weekdays around 国庆 the schedule may give off count as rest, and
    the explanation says so rather than calling them statutory holidays."""
    due = due_date(D(2027, 10, 11), 3, "working_days", backward=True)
    assert due.due == D(2027, 9, 22) and due.provisional
    assert "10月1日至3日为法定节假日" in due.explanation
    assert "9月27日至30日、10月4日至8日为节日前后的工作日，可能调休放假，暂按休息日计" in due.explanation


def test_provisional_spring_festival_2027():
    # 除夕 2027-02-05 (Fri) to 初三 02-08 (Mon).
    due = due_date(D(2027, 2, 4), 1, "working_days")
    assert due.due == D(2027, 2, 9)
    assert due.provisional
    assert PROVISIONAL_2027 in due.explanation


def test_period_within_2026_is_not_provisional():
    assert not due_date(D(2026, 12, 1), 15, "days").provisional
    assert due_date(D(2026, 12, 31), 1, "days").provisional  # consults 2027-01-01


@pytest.mark.parametrize("unit", ["days", "working_days", "months", "years"])
def test_2027_never_raises(unit):
    day = D(2026, 11, 1)
    while day < D(2028, 3, 1):
        for backward in (False, True):
            due = due_date(day, 3, unit, backward)
            assert isinstance(due.due, dt.date)
        day += dt.timedelta(days=7)


def test_override_2027_makes_it_official_and_moves_the_date():
    start = D(2027, 9, 30)
    provisional = due_date(start, 5, "working_days")
    # Provisional: only Oct 1–3 (Fri–Sun) off → Oct 4–8.
    assert provisional.due == D(2027, 10, 8)
    assert provisional.provisional

    official = due_date(start, 5, "working_days", calendar=Calendar(HYPOTHETICAL_2027))
    # Oct 1–7 off; Oct 8, Sat Oct 9 (make-up), Oct 11, 12, 13.
    assert official.due == D(2027, 10, 13)
    assert not official.provisional
    assert "10月9日为调休工作日，计入" in official.explanation
    assert "暂定" not in official.explanation


def test_set_overrides_changes_the_public_function(monkeypatch):
    monkeypatch.setattr(calmod, "_default", calmod._default)  # restored after the test
    assert due_date(D(2027, 9, 30), 5, "working_days").provisional
    calmod.set_overrides(HYPOTHETICAL_2027)
    due = due_date(D(2027, 9, 30), 5, "working_days")
    assert (due.due, due.provisional) == (D(2027, 10, 13), False)


# ---------------------------------------------------------------------------
# Hours
# ---------------------------------------------------------------------------


def test_hours_exact_in_shanghai():
    start = dt.datetime(2026, 9, 30, 16, 30, tzinfo=SHANGHAI)
    due = due_date(start, 24, "hours", trigger_label="批准移送时")
    # Holidays do not stop an hours clock.
    assert due.due == dt.datetime(2026, 10, 1, 16, 30, tzinfo=SHANGHAI)
    assert due.due.utcoffset() == dt.timedelta(hours=8)
    assert not due.provisional
    assert due.explanation == "批准移送时 2026-09-30 16:30 起 24 小时 → 2026-10-01 16:30"
    assert str(due) == "2026-10-01T16:30:00+08:00"


def test_hours_from_other_offsets_and_strings():
    utc_start = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)  # 3月2日 04:00 Beijing
    due = due_date(utc_start, 24, "hours")
    assert due.due == dt.datetime(2026, 3, 3, 4, 0, tzinfo=SHANGHAI)
    assert due.due.tzinfo == SHANGHAI
    assert due_date("2026-03-02T09:30:00+08:00", 48, "hours").due.isoformat() == "2026-03-04T09:30:00+08:00"
    assert due_date("2026-03-02T09:30:00+08:00", 3, "hours", backward=True).due.hour == 6
    assert due_date("2027-06-01T00:00+08:00", 24, "hours").provisional is False


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(2026, 3, 1, 10, 0),  # noqa: DTZ001 - a naive time is refused
        D(2026, 3, 1), "2026-03-01", "2026-03-01T10:00", "not a time",
    ],
)
def test_hours_need_an_aware_datetime(start):
    with pytest.raises(ValueError, match=CJK):
        due_date(start, 24, "hours")


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "unit"),
    [
        (D(2026, 3, 1), -1, "days"),
        (D(2026, 3, 1), 10001, "working_days"),
        (D(2026, 3, 1), 5, "weeks"),
        (D(2026, 3, 1), 5, ""),
        (D(2026, 3, 1), 1.5, "days"),
        (D(2026, 3, 1), True, "days"),
        (D(2026, 3, 1), None, "days"),
        ("2026-02-30", 5, "days"),
        ("yesterday", 5, "days"),
        (None, 5, "days"),
        (D(9999, 12, 1), 2, "months"),
        (D(9999, 12, 20), 20, "days"),
        (D(1, 1, 5), 10, "days"),
    ],
)
def test_bad_input_raises_value_error_in_chinese(start, amount, unit):
    backward = start == D(1, 1, 5)
    with pytest.raises(ValueError, match=CJK):
        due_date(start, amount, unit, backward)


def test_bad_paused_days():
    with pytest.raises(ValueError, match=CJK):
        due_date(D(2026, 3, 1), 5, "days", paused_days=-1)


def test_limits_are_inclusive():
    assert due_date(D(2026, 3, 1), 10000, "days").due >= D(2053, 7, 17)
    assert due_date(D(2026, 3, 1), 10000, "working_days").provisional
    assert due_date(D(2026, 3, 1), "5", "days").due == D(2026, 3, 6)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

CAL = Calendar()
starts = st.dates(min_value=D(2004, 1, 1), max_value=D(2029, 12, 31))
day_units = st.sampled_from(["days", "working_days", "months"])
# No example database: keep the working tree clean; failures print a reproduction blob.
PROPS = settings(max_examples=150, deadline=None, database=None, print_blob=True)


@PROPS
@given(start=starts, amount=st.integers(0, 400), unit=day_units, backward=st.booleans())
def test_due_date_is_never_a_rest_day(start, amount, unit, backward):
    if unit == "months":
        amount %= 40
    due = due_date(start, amount, unit, backward)
    assert CAL.day(due.due).worked(not backward)
    assert due.provisional == any(CAL.day(D(y, 1, 1)).provisional for y in due.provisional_years)


@PROPS
@given(start=starts, a=st.integers(0, 300), b=st.integers(0, 300), unit=day_units, backward=st.booleans())
def test_more_days_never_give_an_earlier_date(start, a, b, unit, backward):
    if unit == "months":
        a, b = a % 30, b % 30
    low, high = sorted((a, b))
    first, second = due_date(start, low, unit, backward).due, due_date(start, high, unit, backward).due
    if backward:
        assert second <= first
    else:
        assert first <= second


@PROPS
@given(start=starts, amount=st.integers(0, 300), unit=day_units)
def test_backward_never_later_than_start(start, amount, unit):
    if unit == "months":
        amount %= 30
    assert due_date(start, amount, unit, backward=True).due <= start
    assert due_date(start, amount, unit).due >= start


@PROPS
@given(start=starts, amount=st.integers(1, 200), backward=st.booleans())
def test_working_days_count_exactly(start, amount, backward):
    due = due_date(start, amount, "working_days", backward).due
    low, high = (due, start) if backward else (start, due)
    days = [low + dt.timedelta(days=i) for i in range(1, (high - low).days + (0 if backward else 1))]
    if backward:
        days = [due, *days]
    assert sum(CAL.day(d).worked(not backward) for d in days) == amount


@PROPS
@given(start=starts, amount=st.integers(0, 400))
def test_days_roll_only_over_rest_days(start, amount):
    due = due_date(start, amount, "days")
    raw = start + dt.timedelta(days=amount)
    assert due.unrolled == raw
    assert not any(CAL.day(raw + dt.timedelta(days=i)).worked() for i in range((due.due - raw).days))


@PROPS
@given(
    # hypothesis bounds are naive; `timezones` makes the drawn values aware
    start=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 12, 31),  # noqa: DTZ001
                       timezones=st.sampled_from([SHANGHAI, dt.UTC, dt.timezone(dt.timedelta(hours=-5))])),
    hours=st.integers(0, 10000),
    backward=st.booleans(),
)
def test_hours_are_exact(start, hours, backward):
    due = due_date(start, hours, "hours", backward).due
    assert due.tzinfo == SHANGHAI
    assert (start - due if backward else due - start) == dt.timedelta(hours=hours)


@PROPS
@given(start=starts, amount=st.integers(0, 400), paused=st.integers(0, 400), unit=day_units)
def test_pausing_never_shortens(start, amount, paused, unit):
    if unit == "months":
        amount %= 30
    plain = due_date(start, amount, unit).due
    paused_due = due_date(start, amount, unit, paused_days=paused).due
    assert paused_due >= plain
    assert CAL.day(paused_due).worked()


# ---------------------------------------------------------------------------
# Rule table
# ---------------------------------------------------------------------------

REQUIRED_IDS = {
    "CPL_ACCEPT_PATENT_COUNTERFEIT", "CPL_ACCEPT_COPYRIGHT", "CPL_ACCEPT_TRADEMARK",
    "CPL_ACCEPT_GEOGRAPHICAL_INDICATION", "CPL_ACCEPT_OTHER", "CPL_ACCEPT_PATENT_INFRINGEMENT",
    "CPL_ACCEPT_CONSUMER", "ADJ_DOCKET", "ADJ_SERVE_REQUEST", "ADJ_ANSWER", "ADJ_ANSWER_NO_DOMICILE",
    "ADJ_FORWARD_ANSWER", "ADJ_CASE_LIMIT", "ADJ_HEARING_NOTICE", "ADJ_JURISDICTION_OBJECTION_DECISION",
    "ADJ_PUBLICATION", "ADJ_ADMIN_SUIT", "ADJ_ENFORCEMENT_APPLICATION", "MED_STATEMENT", "MED_OWNERSHIP_LIMIT",
    "JC_APPLICATION", "JC_DECISION", "INJ_REVIEW", "REF_APPROVE", "REF_TRANSFER", "REF_POLICE_DECIDE",
    "REF_RECONSIDER_REQUEST", "REF_PROCURATORATE", "REF_HANDOVER",
}
ON = D(2026, 6, 1)


def test_required_rules_exist_with_their_periods():
    ids = {r.id for r in DEFAULT_RULES}
    assert ids >= REQUIRED_IDS
    expect = {
        "CPL_ACCEPT_PATENT_COUNTERFEIT": (10, "working_days"),
        "CPL_ACCEPT_COPYRIGHT": (15, "days"),
        "CPL_ACCEPT_TRADEMARK": (15, "working_days"),
        "CPL_ACCEPT_PATENT_INFRINGEMENT": (5, "working_days"),
        "CPL_ACCEPT_CONSUMER": (7, "working_days"),
        "ADJ_DOCKET": (5, "working_days"),
        "ADJ_ANSWER": (15, "days"),
        "ADJ_ANSWER_NO_DOMICILE": (30, "days"),
        "ADJ_CASE_LIMIT": (3, "months"),
        "ADJ_HEARING_NOTICE": (3, "working_days"),
        "ADJ_PUBLICATION": (20, "working_days"),
        "ADJ_ADMIN_SUIT": (15, "days"),
        "MED_STATEMENT": (15, "days"),
        "MED_OWNERSHIP_LIMIT": (2, "months"),
        "JC_APPLICATION": (30, "days"),
        "JC_DECISION": (30, "days"),
        "INJ_REVIEW": (2, "working_days"),
        "REF_APPROVE": (3, "days"),
        "REF_TRANSFER": (24, "hours"),
        "REF_HANDOVER": (3, "days"),
    }
    for rule_id, (amount, unit) in expect.items():
        rule = rule_for(rule_id, ON)
        assert (rule.amount, rule.unit) == (amount, unit), rule_id
    assert rule_for("CPL_ACCEPT_OTHER", ON).extension.amount == 15
    assert rule_for("ADJ_HEARING_NOTICE", ON).backward
    case_limit = rule_for("ADJ_CASE_LIMIT", ON)
    assert "中止" in case_limit.pausable and "和解期间" in case_limit.pausable
    assert [(e.amount, e.unit, e.approver) for e in case_limit.extensions] == [
        (1, "months", "department_head"), (2, "months", "superior_department")
    ]
    assert rule_for("ADJ_ANSWER", ON).binds == "party"
    assert rule_for("ADJ_DOCKET", ON).binds == "office"


def test_rule_data_is_consistent():
    for rule in DEFAULT_RULES:
        assert rule.unit in UNITS and rule.binds in BINDS and rule.procedure in PROCEDURES, rule.id
        assert rule.label and rule.basis and rule.trigger, rule.id
        start = dt.datetime(2026, 9, 24, 9, 0, tzinfo=SHANGHAI) if rule.unit == "hours" else D(2026, 9, 24)
        assert rule.due(start).explanation.startswith(rule.trigger_label)
    # No two versions of one rule for one jurisdiction overlap in time.
    by_key = {}
    for rule in DEFAULT_RULES:
        by_key.setdefault((rule.id, rule.jurisdiction), []).append(rule)
    for versions in by_key.values():
        versions.sort(key=lambda r: r.effective_from or D.min)
        for earlier, later in itertools.pairwise(versions):
            assert earlier.effective_to is not None and earlier.effective_to < later.effective_from
    for alias, target in RULE_ALIASES.items():
        assert (target, None) in by_key, alias
    assert set(COMPLAINT_ACCEPT_RULES.values()) <= {r.id for r in DEFAULT_RULES}


def test_rule_versions_by_effective_date():
    new = rule_for("ADJ_DOCKET", D(2025, 2, 1))
    old = rule_for("ADJ_DOCKET", D(2025, 1, 31))
    assert "第81号" in new.basis and new.extension.amount == 5
    assert "专利行政执法办法" in old.basis and old.extension is None
    # 17:00 UTC on Jan 31 is already Feb 1 in Beijing → the 局令81 version.
    assert len(rule_for("ADJ_CASE_LIMIT", dt.datetime(2025, 1, 31, 17, 0, tzinfo=dt.UTC)).extensions) == 2
    assert len(rule_for("ADJ_CASE_LIMIT", D(2025, 1, 31)).extensions) == 1
    with pytest.raises(LookupError):
        rule_for("ADJ_ANSWER_NO_DOMICILE", D(2024, 12, 1))
    with pytest.raises(LookupError):
        rule_for("NO_SUCH_RULE", ON)


def test_rule_aliases_from_procedures_md():
    assert rule_for("PAT_ADJ_CASE_LIMIT", ON) is rule_for("ADJ_CASE_LIMIT", ON)
    assert rule_for("ADJ_SERVE", ON).id == "ADJ_SERVE_REQUEST"
    assert rule_for("REF_HAND_OVER", ON).id == "REF_HANDOVER"


def test_complaint_acceptance_by_kind():
    for kind, rule_id in COMPLAINT_ACCEPT_RULES.items():
        assert rule_for("CPL_ACCEPT", ON, kind=kind).id == rule_id
    assert rule_for("CPL_ACCEPT", ON, kind="patent_counterfeit").amount == 10
    # The generic id never silently falls back to one kind's period.
    with pytest.raises(LookupError, match=CJK):
        rule_for("CPL_ACCEPT", ON)
    with pytest.raises(LookupError, match=CJK):
        rule_for("CPL_ACCEPT", ON, kind="nonsense")


def test_jurisdiction_override_wins_there_only():
    national = rule_for("ADJ_CASE_LIMIT", ON)
    zhejiang = Rule(
        id="ADJ_CASE_LIMIT", label="办案期限（浙江）", basis="浙江省专利条例（2015）第二十七条", trigger="docketed",
        amount=2, unit="months", binds="office", procedure="adjudication", jurisdiction="330000",
        effective_from=D(2025, 2, 1), trigger_label="受理之日",
    )
    rules = (*DEFAULT_RULES, zhejiang)
    assert rule_for("ADJ_CASE_LIMIT", ON, "330000", rules=rules) is zhejiang
    assert rule_for("ADJ_CASE_LIMIT", ON, "330106", rules=rules) is zhejiang  # a Hangzhou district
    assert rule_for("ADJ_CASE_LIMIT", ON, "500103", rules=rules) is national
    assert rule_for("ADJ_CASE_LIMIT", ON, rules=rules) is national
    assert rule_for("ADJ_CASE_LIMIT", D(2025, 1, 1), "330106", rules=rules).effective_to == D(2025, 1, 31)
    assert zhejiang.due(D(2026, 8, 1)).due == D(2026, 10, 8)


def test_rule_due_uses_its_own_settings():
    hearing = rule_for("ADJ_HEARING_NOTICE", ON)
    assert hearing.due(D(2025, 10, 13)).due == D(2025, 10, 9)
    docket = rule_for("ADJ_SERVE_REQUEST", ON)
    assert docket.due(D(2026, 9, 24)).explanation.startswith("立案之日 2026-09-24 起 5 个工作日")
    evidence = rule_for("ADJ_EVIDENCE_PERIOD", ON)
    assert evidence.minimum and evidence.due(D(2026, 3, 2), amount=20).due == D(2026, 3, 23)


def test_rule_validation():
    with pytest.raises(ValueError, match=CJK):
        Rule(id="X", label="x", basis="x", trigger="x", amount=1, unit="weeks", binds="office")
    with pytest.raises(ValueError, match=CJK):
        Rule(id="X", label="x", basis="x", trigger="x", amount=1, unit="days", binds="court")


def test_no_period_cites_a_plan_as_its_legal_basis():
    """A policy plan (规划) is no legal basis for a period: a period no law sets is the office's own setting and says
    so (docs/legal-settings.md), like the 先行禁令 review periods."""
    for rule in DEFAULT_RULES:
        assert "规划" not in rule.basis and "十四五" not in rule.basis, rule.id
    for rule_id in ("INJ_REVIEW", "INJ_REVIEW_EXHIBITION"):
        basis = rule_for(rule_id, ON).basis
        assert basis.startswith("本局配置") and "未规定" in basis, rule_id
