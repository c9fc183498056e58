"""Login and registration throttling: per account, with a growing wait rather than a lockout.

Failures are counted per username (as typed, whether or not the account exists, so the answer tells nothing
about which names exist), never per address alone: a wrong password for one user makes no other user wait.

* After ``LOGIN_MAX_FAILURES`` failures of one username since its last success, the next attempt of that username
  is checked only after ``LOGIN_BACKOFF_SECONDS``, doubling with each further failure up to
  ``LOGIN_BACKOFF_MAX_SECONDS``. Attempts refused while waiting are not counted, so the wait never becomes a
  lockout, and failures older than ``LOGIN_WINDOW_SECONDS`` are forgotten.
* A browser that has signed in to an account before carries a signed device cookie naming it. Its attempts for
  that account are counted on their own, so someone guessing a named account from elsewhere does not make its
  owner wait at their usual browser (OWASP's device cookies).
* Per address, failures are a budget: past ``LOGIN_ADDRESS_MAX_FAILURES`` within ``LOGIN_ADDRESS_WINDOW_SECONDS``
  (guessing one password across many names), further attempts from that address wait too — but only for names
  that have never signed in from that address or browser, so colleagues behind the same gateway are not slowed.
* Registration: at most ``REGISTER_MAX_PER_ADDRESS`` accounts created or names found taken per address within
  ``REGISTER_WINDOW_SECONDS``, so that probing which usernames exist is slow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from caseflow.accounts.models import LoginAttempt, RegistrationAttempt
from caseflow.core import clock
from caseflow.core.db import db


@dataclass(frozen=True)
class Wait:
    """How long before the next attempt is checked (0: at once), and why."""

    seconds: int = 0
    scope: str = ""  # "account", "device", "address" or "registration"

    def __bool__(self) -> bool:
        return self.seconds > 0


def _setting(name: str) -> int:
    return int(current_app.config[name])


def backoff_seconds(failures: int, free: int) -> int:
    """The wait after ``failures`` counted failures when the first ``free`` cost nothing: doubling, capped."""
    if failures < free:
        return 0
    base, cap = _setting("LOGIN_BACKOFF_SECONDS"), _setting("LOGIN_BACKOFF_MAX_SECONDS")
    return min(cap, base * 2 ** min(failures - free, 30))


def _remaining(last: datetime | None, wait: int) -> int:
    if not wait or last is None:
        return 0
    return max(0, math.ceil((last + timedelta(seconds=wait) - clock.now()).total_seconds()))


def _failures_since_success(stmt) -> tuple[int, datetime | None]:
    """Count the failures after the latest success among the attempts ``stmt`` selects (newest first)."""
    failures, last_failure = 0, None
    for succeeded, at in db.session.execute(stmt):
        if succeeded:
            break
        failures += 1
        last_failure = last_failure or at
    return failures, last_failure


def login_wait(username: str, *, address: str, device: str | None) -> Wait:
    """How long this attempt for ``username`` must wait; ``device`` is the browser's id when it has signed in to
    this username before (its own count), else None."""
    username = username.lower()
    now = clock.now()
    since = now - timedelta(seconds=_setting("LOGIN_WINDOW_SECONDS"))
    free = _setting("LOGIN_MAX_FAILURES")
    key = LoginAttempt.device == device if device else LoginAttempt.device.is_(None)
    stmt = (sa.select(LoginAttempt.succeeded, LoginAttempt.attempted_at)
            .where(LoginAttempt.username == username, LoginAttempt.attempted_at >= since, key)
            .order_by(LoginAttempt.attempted_at.desc(), LoginAttempt.id.desc())
            .limit(free + 64))  # past this many the wait is at its cap anyway
    failures, last = _failures_since_success(stmt)
    wait = _remaining(last, backoff_seconds(failures, free))
    if wait:
        return Wait(wait, "device" if device else "account")
    if device:
        return Wait()
    # The address's budget, for names never signed in from this address.
    known_here = db.session.scalar(sa.select(LoginAttempt.id).where(
        LoginAttempt.username == username, LoginAttempt.address == address, LoginAttempt.succeeded).limit(1))
    if known_here is not None:
        return Wait()
    window = now - timedelta(seconds=_setting("LOGIN_ADDRESS_WINDOW_SECONDS"))
    count, last_at = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.address == address, LoginAttempt.attempted_at >= window,
            LoginAttempt.device.is_(None), sa.not_(LoginAttempt.succeeded))).one()
    wait = _remaining(last_at, backoff_seconds(count, _setting("LOGIN_ADDRESS_MAX_FAILURES")))
    return Wait(wait, "address") if wait else Wait()


def record_login_attempt(username: str, *, address: str, device: str | None, succeeded: bool) -> None:
    """Write one attempt (flush): it counts towards the next waits, a success ends the count of its kind."""
    db.session.add(LoginAttempt(username=username.lower()[:64], address=address[:64], device=device,
                                succeeded=succeeded, attempted_at=clock.now()))
    db.session.flush()


def registration_wait(address: str) -> Wait:
    """How long before this address may register again (accounts created and names found taken count)."""
    window = _setting("REGISTER_WINDOW_SECONDS")
    since = clock.now() - timedelta(seconds=window)
    count, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(RegistrationAttempt.attempted_at)).where(
            RegistrationAttempt.address == address, RegistrationAttempt.attempted_at >= since)).one()
    if count < _setting("REGISTER_MAX_PER_ADDRESS"):
        return Wait()
    return Wait(_remaining(oldest, window) or 1, "registration")


def record_registration(address: str, username: str, *, created: bool) -> None:
    """Write one registration outcome (flush)."""
    db.session.add(RegistrationAttempt(address=address[:64], username=username[:64], created=created,
                                       attempted_at=clock.now()))
    db.session.flush()


def describe(seconds: int) -> str:
    """A wait as people say it: “40 秒”, “2 分钟”."""
    if seconds < 60:
        return f"{seconds} 秒"
    return f"{math.ceil(seconds / 60)} 分钟"
