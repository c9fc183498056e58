"""Sign-in sessions and API tokens that can be ended: each is a row every worker reads on every request.

A browser's signed cookie carries a random secret whose SHA-256 names a ``SignInSession``; an API client presents a
bearer token whose SHA-256 names an ``ApiToken``. Ending the row (logout, the owner on the sessions page, a password
change or reset, disabling the account, a change of role or office) refuses the secret from the next request on, on
every worker, because none of them keeps a copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from caseflow.accounts.models import ApiToken, EndReason, SignInSession, User
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.core.security import new_token, token_digest

#: A session's or token's last-seen time is written at most this often (a write per request would serialise them).
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Client:
    """Who is on the other end of a request, as far as the server can tell."""

    address: str = ""
    user_agent: str = ""
    device: str | None = None  # the device cookie's id (caseflow/accounts/devices.py)
    device_names: frozenset[str] = frozenset()  # the usernames that signed in from that browser

    @classmethod
    def of(cls, request) -> Client:
        """Describe the request's client (the address is the proxy-corrected one: see TRUSTED_PROXIES)."""
        from caseflow.accounts import devices

        device, names = devices.read(request)
        return cls(address=(request.remote_addr or "")[:64], user_agent=(request.user_agent.string or "")[:255],
                   device=device, device_names=names)

    def device_for(self, username: str) -> str | None:
        """This browser's device id if it has signed in to ``username`` before, else None."""
        return self.device if self.device and username.lower() in self.device_names else None


def _limits() -> tuple[timedelta | None, timedelta | None]:
    idle = int(current_app.config.get("SESSION_IDLE_MINUTES", 0))
    longest = int(current_app.config.get("SESSION_MAX_HOURS", 0))
    return (timedelta(minutes=idle) if idle > 0 else None, timedelta(hours=longest) if longest > 0 else None)


def session_expires_at(row: SignInSession) -> datetime | None:
    """When the session lapses unless used again (idle limit) or at all (absolute limit); None: never."""
    idle, longest = _limits()
    ends = [t for t in (row.last_seen_at + idle if idle else None, row.created_at + longest if longest else None) if t]
    return min(ends) if ends else None


def start_session(user: User, client: Client) -> tuple[SignInSession, str]:
    """Open a sign-in session for the user; return it with the secret the cookie carries (only its hash is kept)."""
    secret, digest = new_token()
    now = clock.now()
    row = SignInSession(user=user, secret_hash=digest, created_at=now, last_seen_at=now, address=client.address,
                        user_agent=client.user_agent)
    db.session.add(row)
    db.session.flush()
    return row, secret


# Built once at import, the digest a bind parameter: every request reads one of these, and building the statement
# (its eager-load options) per request cost a third of the read.
_SESSION_BY_HASH = (sa.select(SignInSession).options(joinedload(SignInSession.user).joinedload(User.unit))
                    .where(SignInSession.secret_hash == sa.bindparam("digest")))


def session_for_secret(secret: str) -> SignInSession | None:
    """The live session the cookie's secret names, with its user; None when ended, lapsed, or the user is disabled."""
    if not secret or len(secret) > 200:
        return None
    row = db.session.scalar(_SESSION_BY_HASH, {"digest": token_digest(secret)})
    if row is None or row.ended_at is not None or row.user.is_disabled:
        return None
    expires = session_expires_at(row)
    if expires is not None and expires <= clock.now():
        return None
    return row


def touch_due(last: datetime | None) -> bool:
    """Whether a last-seen time is old enough to be written again."""
    return last is None or clock.now() - last >= TOUCH_EVERY


def touch_session(session_id: int) -> None:
    """Record that the session was used now (flush; the caller commits it in a short transaction of its own)."""
    now = clock.now()
    db.session.execute(sa.update(SignInSession).where(SignInSession.id == session_id,
                                                      SignInSession.last_seen_at < now - TOUCH_EVERY)
                       .values(last_seen_at=now))


def touch_token(token_id: int) -> None:
    """Record that the token was used now (as touch_session)."""
    now = clock.now()
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == token_id, sa.or_(
        ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY)).values(last_used_at=now))


def end_session(row: SignInSession, reason: EndReason) -> None:
    """End one session (if still open)."""
    if row.ended_at is None:
        row.ended_at, row.end_reason = clock.now(), reason
        db.session.flush()


def end_all(user: User, reason: EndReason, *, sessions: bool = True, tokens: bool = True,
            keep: SignInSession | None = None) -> int:
    """End every open session and API token of the user (except ``keep``); return how many were ended."""
    now = clock.now()
    ended = 0
    if sessions:
        stmt = sa.update(SignInSession).where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
        if keep is not None:
            stmt = stmt.where(SignInSession.id != keep.id)
        ended += _changed(stmt.values(ended_at=now, end_reason=reason))
    if tokens:
        ended += _changed(sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.ended_at.is_(None))
                          .values(ended_at=now, end_reason=reason))
    db.session.flush()
    # Rows already loaded in this session must not keep reading as open.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, SignInSession | ApiToken) and obj.user_id == user.id:
            db.session.expire(obj)
    return ended


def _changed(stmt) -> int:
    # An UPDATE answers a CursorResult; Session.execute is typed with the general Result.
    return cast("sa.CursorResult[Any]", db.session.execute(stmt)).rowcount or 0


class IssuedToken(NamedTuple):
    token: str
    expires_at: datetime


def issue_token(user: User, client: Client | None = None) -> IssuedToken:
    """Create an API token for the user; return it with its expiry (only its hash is stored)."""
    token, digest = new_token()
    expires_at = clock.now() + timedelta(hours=current_app.config["API_TOKEN_HOURS"])
    db.session.add(ApiToken(user=user, token_hash=digest, expires_at=expires_at,
                            address=client.address if client else None))
    db.session.flush()
    return IssuedToken(token, expires_at)


_TOKEN_BY_HASH = (sa.select(ApiToken).options(joinedload(ApiToken.user).joinedload(User.unit))
                  .where(ApiToken.token_hash == sa.bindparam("digest")))


def token_row(token: str) -> ApiToken | None:
    """The live token row a bearer token names, with its user; None when unknown, revoked, expired or disabled."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(_TOKEN_BY_HASH, {"digest": token_digest(token)})
    if row is None or row.ended_at is not None or row.expires_at <= clock.now() or row.user.is_disabled:
        return None
    return row


def revoke_token(row: ApiToken, reason: EndReason = EndReason.ENDED_BY_USER) -> None:
    """Revoke one API token (if still valid)."""
    if row.ended_at is None:
        row.ended_at, row.end_reason = clock.now(), reason
        db.session.flush()


def open_sessions(user: User) -> list[SignInSession]:
    """The user's sessions that still work, newest first."""
    rows = db.session.scalars(sa.select(SignInSession).where(SignInSession.user_id == user.id,
                                                             SignInSession.ended_at.is_(None))
                              .order_by(SignInSession.id.desc()))
    now = clock.now()
    return [r for r in rows if (expires := session_expires_at(r)) is None or expires > now]


def open_tokens(user: User) -> list[ApiToken]:
    """The user's API tokens that still work, newest first."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.ended_at.is_(None),
                                                             ApiToken.expires_at > clock.now())
                                   .order_by(ApiToken.id.desc())))


def recently_ended(user: User, limit: int = 10) -> list[SignInSession | ApiToken]:
    """The user's latest ended sessions and tokens (so the owner sees what an administrator or a change ended)."""
    sessions = db.session.scalars(sa.select(SignInSession).where(SignInSession.user_id == user.id,
                                                                 SignInSession.ended_at.is_not(None))
                                  .order_by(SignInSession.ended_at.desc()).limit(limit))
    tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.ended_at.is_not(None))
                                .order_by(ApiToken.ended_at.desc()).limit(limit))
    both: list[SignInSession | ApiToken] = [*sessions, *tokens]
    return sorted(both, key=lambda r: r.ended_at or clock.now(), reverse=True)[:limit]
