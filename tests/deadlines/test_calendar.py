"""The official working-day calendar: chinesecalendar, override table, provisional fallback."""

import datetime as dt

import chinese_calendar
import pytest
from lunardate import LunarDate

from caseflow.deadlines import calendar as calmod
from caseflow.deadlines.calendar import (
    Calendar,
    default_calendar,
    qingming_date,
    set_overrides,
    statutory_holidays,
)

D = dt.date

# A *hypothetical* 2027 schedule for tests only: the real one was not yet published
# (docs/deadlines.md, Years without a published schedule). It follows the usual pattern (国庆 7 days with two
# make-up weekend days).
HYPOTHETICAL_2027 = {
    D(2027, 1, 1): ("holiday", "元旦"),
    D(2027, 2, 5): ("holiday", "春节"),
    D(2027, 2, 6): ("holiday", "春节"),
    D(2027, 2, 7): ("holiday", "春节"),
    D(2027, 2, 8): ("holiday", "春节"),
    D(2027, 2, 9): ("holiday", "春节"),
    D(2027, 2, 10): ("holiday", "春节"),
    D(2027, 2, 11): ("holiday", "春节"),
    D(2027, 2, 12): ("holiday", "春节"),
    D(2027, 2, 20): ("workday", "春节"),
    D(2027, 9, 26): ("workday", "国庆节"),
    D(2027, 10, 1): ("holiday", "国庆节"),
    D(2027, 10, 2): ("holiday", "国庆节"),
    D(2027, 10, 3): ("holiday", "国庆节"),
    D(2027, 10, 4): ("holiday", "国庆节"),
    D(2027, 10, 5): ("holiday", "国庆节"),
    D(2027, 10, 6): ("holiday", "国庆节"),
    D(2027, 10, 7): ("holiday", "国庆节"),
    D(2027, 10, 9): ("workday", "国庆节"),
}


@pytest.fixture
def cal():
    return Calendar()


# ---------------------------------------------------------------------------
# chinesecalendar years (spot checks of the published schedules, and the 2026 notice)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [D(2025, 9, 28), D(2025, 10, 11), D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9),
     D(2026, 9, 20), D(2026, 10, 10)],
)
def test_makeup_weekend_days_are_workdays(cal, day):
    assert day.weekday() >= 5
    assert cal.is_workday(day)
    assert not cal.day(day).is_rest_day
    assert cal.day(day).is_makeup_workday
    assert not cal.day(day).is_holiday
    assert not cal.day(day).provisional


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 1, 1), "元旦"),
        (D(2026, 2, 16), "春节"),
        (D(2026, 2, 23), "春节"),
        (D(2026, 4, 6), "清明节"),
        (D(2026, 5, 5), "劳动节"),
        (D(2026, 6, 19), "端午节"),
        (D(2026, 9, 25), "中秋节"),
        (D(2026, 10, 1), "国庆节"),
        (D(2026, 10, 7), "国庆节"),
    ],
)
def test_2026_holidays(cal, day, name):
    assert cal.day(day).is_rest_day
    assert cal.day(day).name == name
    assert cal.day(day).source == "chinesecalendar"


def test_agrees_with_chinesecalendar_day_by_day(cal):
    day = D(2024, 1, 1)
    while day.year <= 2026:
        is_rest, _ = chinese_calendar.get_holiday_detail(day)
        assert cal.day(day).is_rest_day == is_rest, day
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_ordinary_days(cal):
    assert cal.is_workday(D(2026, 3, 2))  # Monday
    assert cal.day(D(2026, 3, 7)).is_rest_day  # Saturday
    assert not cal.day(D(2026, 3, 7)).is_holiday
    assert not cal.day(D(2026, 3, 2)).is_holiday


def test_accepts_datetimes_as_beijing_dates(cal):
    # 2026-09-30 17:00 UTC is already 10月1日 in Beijing.
    late = dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC)
    assert cal.day(late).is_rest_day
    assert cal.day(late).name == "国庆节"
    assert cal.is_workday("2026-09-30")


def test_provisional_years(cal):
    assert not cal.day(D(2004, 1, 1)).provisional
    assert not cal.day(D(2026, 12, 31)).provisional
    assert cal.day(D(2027, 1, 1)).provisional
    assert cal.day(D(2003, 12, 31)).provisional
    assert cal.day(D(2027, 3, 1)).source == "provisional"


def test_next_workday(cal):
    assert cal.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)
    assert cal.next_workday(D(2026, 9, 30)) == D(2026, 9, 30)
    assert cal.next_workday(D(2026, 9, 30), include_self=False) == D(2026, 10, 8)


# ---------------------------------------------------------------------------
# Provisional fallback
# ---------------------------------------------------------------------------


def test_statutory_holidays_2027():
    assert statutory_holidays(2027) == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",  # 除夕
        D(2027, 2, 6): "春节",
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }


def test_provisional_year_has_no_invented_makeup_days(cal):
    day = D(2027, 1, 1)
    while day.year == 2027:
        info = cal.day(day)
        assert info.provisional
        if day.weekday() >= 5:
            assert info.is_rest_day, day
        else:
            assert info.is_workday == (day not in statutory_holidays(2027)), day
        day += dt.timedelta(days=1)
    assert cal.day(D(2027, 2, 5)).is_holiday and cal.day(D(2027, 2, 5)).name == "春节"
    assert cal.is_workday(D(2027, 2, 9))


def test_fallback_never_raises_far_out(cal):
    for year in (1950, 2099, 2100, 2150, 9999):
        assert cal.day(D(year, 10, 1)).is_rest_day
        assert cal.day(D(year, 10, 1)).provisional
    assert D(2150, 1, 1) in statutory_holidays(2150)


def _lunar(year, month, day):
    return LunarDate(year, month, day).to_solar_date()


def _official(day):
    """(is_rest, chinese name or None) from chinesecalendar."""
    return Calendar().day(day).is_rest_day, Calendar().day(day).name


@pytest.mark.parametrize("year", range(2015, 2027))
def test_fallback_matches_official_festival_days(year):
    """The computed 春节/清明/端午/中秋 days are the official holidays of those names."""
    new_year = _lunar(year, 1, 1)
    expected = {
        new_year: "春节",
        new_year + dt.timedelta(days=1): "春节",
        new_year + dt.timedelta(days=2): "春节",
        qingming_date(year): "清明节",
        _lunar(year, 5, 5): "端午节",
        _lunar(year, 8, 15): "中秋节",
        D(year, 1, 1): "元旦",
        D(year, 5, 1): "劳动节",
        D(year, 10, 1): "国庆节",
        D(year, 10, 2): "国庆节",
        D(year, 10, 3): "国庆节",
    }
    computed = statutory_holidays(year)
    for day, name in expected.items():
        assert computed.get(day) in (name, "国庆节"), day
        is_rest, official_name = _official(day)
        assert is_rest, day
        if day.month == 10 and day.day <= 8 and name == "中秋节":
            # 中秋 inside the 国庆 block (2017, 2020) is named after either festival.
            assert official_name in ("中秋节", "国庆节")
        else:
            assert official_name == name, (day, official_name)


@pytest.mark.parametrize("year", [2025, 2026])
def test_fallback_equals_official_statutory_days_since_2025(year):
    """After the 2024 amendment (除夕 and 5月2日 added) every computed day is an official holiday."""
    for day, name in statutory_holidays(year).items():
        is_rest, official_name = _official(day)
        assert is_rest and official_name == name, (day, name, official_name)
    # 除夕 starts the official 春节 block (2026's block starts a day earlier, on a Sunday).
    eve = _lunar(year, 1, 1) - dt.timedelta(days=1)
    assert statutory_holidays(year)[eve] == "春节"


def test_fallback_calendar_on_covered_year():
    """With the package switched off a covered year is provisional and uses the computed days."""
    fallback = Calendar(use_package=False)
    assert fallback.day(D(2026, 2, 16)).provisional
    assert fallback.day(D(2026, 2, 16)).is_holiday and fallback.day(D(2026, 2, 16)).name == "春节"
    assert fallback.day(D(2026, 2, 14)).is_rest_day  # no make-up Saturday invented
    assert fallback.is_workday(D(2026, 10, 5))  # only 10月1日–3日 are statutory


# ---------------------------------------------------------------------------
# 清明
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "day"),
    [(1990, 5), (2000, 4), (2008, 4), (2015, 5), (2019, 5), (2020, 4), (2024, 4), (2025, 4), (2026, 5),
     (2027, 5), (2028, 4), (2029, 4), (2030, 5), (2050, 4), (2100, 5)],
)
def test_qingming_known_years(year, day):
    assert qingming_date(year) == D(year, 4, day)


def test_qingming_matches_chinesecalendar_solar_terms():
    terms = chinese_calendar.get_solar_terms(D(1990, 1, 1), D(2099, 12, 31))
    qingming = {d.year: d for d, name in terms if name == "清明"}
    assert len(qingming) == 110
    for year, day in qingming.items():
        assert qingming_date(year) == day, year


@pytest.mark.parametrize("year", range(2008, 2027))
def test_qingming_is_official_holiday(year):
    # 清明 became a public holiday in 2008.
    assert _official(qingming_date(year)) == (True, "清明节")


# ---------------------------------------------------------------------------
# Override table
# ---------------------------------------------------------------------------


def test_override_publishes_the_year():
    cal = Calendar(HYPOTHETICAL_2027)
    assert cal.override_years == {2027}
    assert not cal.day(D(2027, 3, 1)).provisional
    assert cal.day(D(2027, 3, 1)).source == "override"
    assert cal.is_workday(D(2027, 10, 9)) and cal.day(D(2027, 10, 9)).is_makeup_workday
    assert cal.day(D(2027, 10, 6)).is_rest_day
    assert cal.day(D(2027, 10, 6)).name == "国庆节"
    assert cal.is_workday(D(2027, 2, 20))
    # Days missing from a published year follow the weekday rule: no computed 端午 here.
    assert cal.is_workday(D(2027, 6, 9))
    assert cal.day(D(2027, 6, 12)).is_rest_day
    # Other years are unaffected.
    assert cal.day(D(2028, 1, 3)).provisional
    assert not cal.day(D(2026, 1, 5)).provisional


def test_override_accepts_rows_and_iso_strings():
    cal = Calendar([("2027-10-01", "holiday", "国庆节"), (D(2027, 9, 26), "WORKDAY", "国庆节")])
    assert cal.day(D(2027, 10, 1)).is_rest_day
    assert cal.is_workday(D(2027, 9, 26))
    assert cal.day(D(2027, 10, 1)).name == "国庆节"


def test_published_years_without_entries():
    cal = Calendar({}, published_years={2027})
    assert not cal.day(D(2027, 10, 1)).provisional
    assert cal.is_workday(D(2027, 10, 1))  # a Friday, and the table says nothing


def test_override_wins_over_package():
    cal = Calendar({D(2026, 3, 2): ("holiday", "临时调整")})
    assert cal.day(D(2026, 3, 2)).is_rest_day
    assert cal.day(D(2026, 3, 2)).name == "临时调整"
    assert cal.is_workday(D(2026, 10, 1))  # the whole year now comes from the table


@pytest.mark.parametrize(
    "entries",
    [{D(2027, 1, 1): ("vacation", "x")}, [("2027-13-01", "holiday", "x")], [("2027-01-01",)]],
)
def test_override_rejects_bad_entries(entries):
    with pytest.raises(ValueError, match=r"[\u4e00-\u9fff]"):
        Calendar(entries)


def test_set_overrides_replaces_default(monkeypatch):
    monkeypatch.setattr(calmod, "_default", calmod._default)  # restored after the test
    assert default_calendar().day(D(2027, 10, 1)).provisional
    installed = set_overrides(HYPOTHETICAL_2027)
    assert default_calendar() is installed
    assert not default_calendar().day(D(2027, 10, 1)).provisional
    set_overrides(None)
    assert default_calendar().day(D(2027, 10, 1)).provisional
