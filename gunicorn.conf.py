"""gunicorn's configuration for sagsbro's web processes: `gunicorn -c gunicorn.conf.py`.

Everything a deployment changes comes from the environment:

- `SAGSBRO_WEB_BIND` (default `0.0.0.0:8000`): where to listen; comma-separated for several.
- `SAGSBRO_WEB_WORKERS` (default 2 × cores + 1, at most 12): worker processes.
- `SAGSBRO_WEB_THREADS` (default 1): threads per worker.
- `SAGSBRO_WEB_TIMEOUT` (default 60 s): a worker silent this long is killed and replaced; the
  largest request (a 50 MB upload through the proxy, a PDF) must fit well within it.
- `SAGSBRO_WEB_MAX_REQUESTS` (default 2000, 0 = never): a worker is replaced after this many
  requests (plus up to 10 % jitter, so they do not all restart at once).
- `SAGSBRO_LOG_LEVEL` (default INFO).

The Django settings module comes from `DJANGO_SETTINGS_MODULE` as usual
(`sagsbro.settings.production`). Logs are JSON lines on standard error, the same format as
Django's (`sagsbro.core.logging.logging_config`); the request log comes from Django's
`RequestLogMiddleware`, which knows the user and the request id, so gunicorn's own access log
is off.
"""

import os

from sagsbro.core.logging import logging_config

MAX_DEFAULT_WORKERS = 12


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def default_workers() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cores or 1) + 1, MAX_DEFAULT_WORKERS)


wsgi_app = "sagsbro.wsgi:application"
bind = os.environ.get("SAGSBRO_WEB_BIND", "0.0.0.0:8000").split(",")
workers = _int("SAGSBRO_WEB_WORKERS", default_workers())
threads = _int("SAGSBRO_WEB_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# Load Django once in the master, before forking: workers start fast and share memory, and a
# broken configuration stops the master at once instead of every worker in a loop. Database
# connections are opened by the workers only, on their first request.
preload_app = True

timeout = _int("SAGSBRO_WEB_TIMEOUT", 60)
graceful_timeout = 30
# Behind the load balancer: keep its connections open a little longer than it does.
keepalive = 5

max_requests = _int("SAGSBRO_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# The proxy in front ends HTTPS and sets X-Forwarded-Proto / X-Forwarded-For; Django decides
# what to trust (SECURE_PROXY_SSL_HEADER, SAGSBRO_PROXY_COUNT), so gunicorn passes them on.
forwarded_allow_ips = "*"

# Request size limits: a header line of at most 8 KB, at most 100 headers.
limit_request_line = 8190
limit_request_fields = 100

# Temporary files of the worker heartbeat in memory, not on a container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = None
errorlog = "-"
loglevel = os.environ.get("SAGSBRO_LOG_LEVEL", "INFO").lower()
logconfig_dict = logging_config(os.environ.get("SAGSBRO_LOG_LEVEL", "INFO").upper())
proc_name = "sagsbro-web"


def pre_fork(server: object, worker: object) -> None:
    """No database connection crosses a fork: should loading the app have opened one in the
    master, close it, so every worker opens its own."""
    from django.db import connections

    connections.close_all()
