"""The office-day benchmark's capacity search (bench/load.py): which stages count as past the p95 limit."""

from __future__ import annotations

from bench.load import past_limit


def _stages(*pairs, signed_in: bool = True):
    return [{"users": users, "p95": p95, "sign_in_s": users / 3 if signed_in else None} for users, p95 in pairs]


def test_a_slow_small_first_stage_is_not_the_load():
    # 10 users: 53 measured requests on a cold server — p95 390 ms; the load starts hurting at 640.
    stages = _stages((10, 390), (20, 110), (160, 90), (320, 110), (640, 2400))
    assert past_limit(stages) == [640]


def test_stages_past_the_limit_above_the_largest_within_it():
    stages = _stages((10, 90), (20, 110), (320, 400), (640, 2400))
    assert past_limit(stages) == [320, 640]
    assert past_limit(_stages((10, 500), (20, 600))) == [10, 20]  # nothing within the limit at all


def test_a_stage_whose_users_could_not_all_sign_in_was_not_served():
    """Measured on the users who got in, a stage can look fast while the others still wait at the sign-in."""
    stages = _stages((80, 120), (160, 150)) + _stages((320, 140), signed_in=False)
    assert past_limit(stages) == [320]
