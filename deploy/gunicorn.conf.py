"""Production server settings: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (from the repository's directory).

Evidence files of up to 500 MB (CASEFLOW_EVIDENCE_MAX_BYTES) arrive over slow links — at 2 Mbit/s one takes over
half an hour. Threaded workers (gthread) report their heartbeat from a thread of their own, so `timeout` below
bounds a *stuck worker*, never the length of a request: a long upload is not killed for taking long, as sync
workers do after 30 s (the client then sees a bare "Internal Server Error" from the proxy, and the half-received
file stays behind). The application streams bodies to disk 64 KiB at a time, so a thread holds little memory
however large the file.

Every setting can be changed on the command line (which wins over this file) or through the variables below.
"""

from __future__ import annotations

import os

_env = os.environ.get

bind = _env("CASEFLOW_BIND", "127.0.0.1:8000")
workers = int(_env("CASEFLOW_WORKERS", str(os.cpu_count() or 2)))
worker_class = "gthread"
# Threads per worker: each long upload occupies one for its whole duration, so there are enough for several.
threads = int(_env("CASEFLOW_THREADS", "8"))

# A worker whose heartbeat stops this long is stuck and restarted (not a request timeout with gthread).
timeout = 60
# On a restart (deployments, `kill -HUP`), requests in progress — an upload still arriving — get this long.
graceful_timeout = int(_env("CASEFLOW_GRACEFUL_TIMEOUT", "600"))
keepalive = 5

# The request line and headers are small and bounded; the body is limited by the application (CASEFLOW_*_BYTES).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Consistent with CASEFLOW_TRUSTED_PROXIES (the application's ProxyFix): with no proxy trusted, gunicorn trusts no
# forwarded header either; with a proxy on this host (the usual nginx in front), it trusts it for the scheme.
_proxies = int(_env("CASEFLOW_TRUSTED_PROXIES", "0") or 0)
forwarded_allow_ips = _env("CASEFLOW_FORWARDED_ALLOW_IPS", "127.0.0.1,::1" if _proxies else "")

accesslog = "-"
errorlog = "-"
# Worker heartbeat files in memory, not on a disk that may stall under a large upload's writes.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
