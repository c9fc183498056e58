"""The one clock: business time is read only from caseflow.core.clock, and tests pin it."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from caseflow.core import clock

ROOT = Path(__file__).resolve().parents[2]

#: Calls that read the real time of day. Elapsed-time counters (time.monotonic, perf_counter) are not business time.
WALL_CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
                    ("time", "time"), ("time", "time_ns")}
MARKER = "# wall clock:"  # a line that must compare with the real world (file times) says why


def _called(node: ast.Call) -> tuple[str, str] | None:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value
    name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
    return (name, func.attr) if name else None


def test_no_module_reads_the_time_of_day_but_the_clock():
    offenders = []
    for path in sorted([*(ROOT / "caseflow").rglob("*.py"), *(ROOT / "workflows").rglob("*.py")]):
        if path == ROOT / "caseflow" / "core" / "clock.py":
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            wall = isinstance(node, ast.Call) and _called(node) in WALL_CLOCK_CALLS
            if wall and MARKER not in lines[node.lineno - 1]:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node.func)}()")
    assert offenders == [], "read the time through caseflow.core.clock:\n" + "\n".join(offenders)


def test_the_scan_finds_a_direct_call():
    tree = ast.parse("import datetime as dt, time\nx = dt.datetime.now(dt.UTC)\ny = dt.date.today()\nz = time.time()")
    found = {_called(n) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert {("datetime", "now"), ("date", "today"), ("time", "time")} <= found


def test_tests_run_on_the_pinned_day_whatever_the_real_date():
    from tests.conftest import TEST_NOW

    assert clock.today() == dt.date(2026, 3, 11) == TEST_NOW.date()
    assert clock.now() - TEST_NOW < dt.timedelta(minutes=5)  # runs on from the pinned instant


def test_pinned_clock_runs_on_and_frozen_stands_still():
    moment = dt.datetime(2026, 10, 1, 23, 59, 59, tzinfo=clock.BEIJING)
    clock.pin(moment, frozen=True)
    assert clock.now() == moment and clock.now() == moment
    assert clock.today() == dt.date(2026, 10, 1)
    clock.pin(moment)
    first = clock.now()
    assert first >= moment and clock.now() >= first


def test_as_of_replays_a_past_moment_and_restores():
    past = dt.datetime(2024, 2, 9, 16, 30, tzinfo=dt.UTC)  # 2024-02-10 00:30 in Beijing: the Beijing date counts
    before = clock.today()
    with clock.as_of(past):
        assert clock.now() == past and clock.today() == dt.date(2024, 2, 10)
    assert clock.today() == before


def test_shift_moves_the_one_clock_for_every_domain(shift):
    start = clock.today()
    assert shift(16) == start + dt.timedelta(days=16) == clock.today()
    assert shift(20) == start + dt.timedelta(days=20)  # absolute from the first call


def test_times_are_shown_in_beijing_to_the_minute():
    # 16:05:59 UTC is five past midnight of the next day in Beijing.
    late = dt.datetime(2026, 3, 1, 16, 5, 59, 123456, tzinfo=dt.UTC)
    assert clock.fmt_beijing(late) == "2026-03-02 00:05"
    assert clock.fmt_beijing(late, with_time=False) == "2026-03-02"
    assert clock.fmt_beijing(dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC)) == "2026-03-01 23:59"
    assert clock.fmt_beijing(None) == ""
