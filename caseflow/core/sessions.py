"""Flask's signed-cookie sessions, with each process remembering the cookies it has already verified.

Checking a session cookie (HMAC, base64, zlib, JSON) costs a signed-in request about as much as serving a
cached page; the same browser sends the same cookie until the session changes. A remembered cookie is the
exact string that passed the check, kept with the time it was signed so that it expires as before; only
sessions whose values are plain scalars are remembered, because a list (flashed messages) is changed in place.
"""

from __future__ import annotations

import threading
import time

from cachetools import LRUCache
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

_SCALARS = (str, int, float, bool, type(None))


class VerifiedCookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self, size: int = 4096) -> None:
        self._verified: LRUCache = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def open_session(self, app, request):
        val = request.cookies.get(self.get_cookie_name(app))
        if not val or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        with self._lock:
            hit = self._verified.get(val)
        if hit is not None and time.time() - hit[0] <= max_age:  # wall clock: cookie age
            return self.session_class(hit[1])
        try:
            data, signed_at = self.get_signing_serializer(app).loads(val, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(isinstance(v, _SCALARS) for v in data.values()):
            with self._lock:
                self._verified[val] = (signed_at.timestamp(), dict(data))
        return self.session_class(data)
