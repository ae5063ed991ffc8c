"""Production: PostgreSQL and secrets from the environment only, HTTPS behind a proxy.

Refuses to start without SAGSBRO_SECRET_KEY, without DATABASE_URL naming PostgreSQL (the
audit tables' guards refuse TRUNCATE there), or without the audit log's keys and checkpoint
directory."""

import logging
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from sagsbro.core.logging import logging_config

from .base import *  # noqa: F403
from .base import (
    DATABASES,
    MEDIA_ROOT,
    SPECTACULAR_SETTINGS,
    STATIC_ROOT,
    STORAGES,
    parse_keys,
)

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set: production needs a PostgreSQL database "
        "(DATABASE_URL=postgres://user:password@host:5432/name)."
    )
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL in production "
        f"(got the {DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} backend)."
    )
if not os.environ.get("SAGSBRO_SECRET_KEY"):
    raise ImproperlyConfigured("SAGSBRO_SECRET_KEY is not set: production needs a secret key.")

# The audit log's keys and checkpoints live outside the database (README, "Audit log").
if not os.environ.get("SAGSBRO_AUDIT_KEYS"):
    raise ImproperlyConfigured(
        "SAGSBRO_AUDIT_KEYS is not set: production needs the audit log's keys "
        "(id:hexsecret,..., the current key first, each at least 32 bytes)."
    )
if not os.environ.get("SAGSBRO_AUDIT_CHECKPOINT_DIR"):
    raise ImproperlyConfigured(
        "SAGSBRO_AUDIT_CHECKPOINT_DIR is not set: production keeps the audit log's signed "
        "checkpoints outside the database, where its administrators cannot write."
    )
try:
    SAGSBRO_AUDIT_KEYS = parse_keys(os.environ["SAGSBRO_AUDIT_KEYS"])
except ValueError as error:
    raise ImproperlyConfigured(f"SAGSBRO_AUDIT_KEYS: {error}") from None
SAGSBRO_AUDIT_CURRENT_KEY = next(iter(SAGSBRO_AUDIT_KEYS))

DEBUG = False
SECRET_KEY = os.environ["SAGSBRO_SECRET_KEY"]
ALLOWED_HOSTS = [host for host in os.environ.get("SAGSBRO_ALLOWED_HOSTS", "").split(",") if host]
SAGSBRO_SHOW_DEMO_LOGINS = False

# HTTPS ends at the proxy in front, which must set X-Forwarded-Proto (and overwrite any value
# the client sent).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload directive only asks: a domain enters browsers' preload lists when its owner
# submits the registrable domain. SAGSBRO_HSTS_PRELOAD=0 leaves the directive out.
SECURE_HSTS_PRELOAD = os.environ.get("SAGSBRO_HSTS_PRELOAD", "1") == "1"
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

# Sign-in throttling counts per client address: with SAGSBRO_PROXY_COUNT proxies in front,
# the address the outermost one added to X-Forwarded-For (organisations/signin.py).
SAGSBRO_PROXY_COUNT = int(os.environ.get("SAGSBRO_PROXY_COUNT", "1"))

# The API's schema and documentation only for signed-in users.
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# Static files: `manage.py collectstatic` (run when the image is built) writes each file under
# a name with its content's hash, with gzip and Brotli copies beside it
# (sagsbro/core/staticfiles.py; SAGSBRO_STATIC_BROTLI=0 leaves Brotli out); WhiteNoise serves
# them with a cache lifetime of ten years, since a changed file gets a new name.
# SAGSBRO_STATIC_ROOT moves the collected files (default: staticfiles/ in the project).
STATIC_ROOT = Path(os.environ.get("SAGSBRO_STATIC_ROOT") or STATIC_ROOT)
SAGSBRO_STATIC_BROTLI = os.environ.get("SAGSBRO_STATIC_BROTLI", "1") == "1"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "sagsbro.core.staticfiles.ManifestStaticFilesStorage"},
}
# Stored documents (default: var/media in the project; a volume in compose.yaml), unless
# SAGSBRO_S3_BUCKET puts them in an S3-compatible bucket (base.py, sagsbro/core/storage.py).
MEDIA_ROOT = Path(os.environ.get("SAGSBRO_MEDIA_ROOT") or MEDIA_ROOT)

# One JSON object per line to standard error, for the platform's log collector; no CPR number
# in any line (sagsbro/core/logging.py). SAGSBRO_LOG_LEVEL sets sagsbro's, gunicorn's and the
# task worker's level (default INFO: one line per request); other libraries log warnings.
LOGGING = logging_config(os.environ.get("SAGSBRO_LOG_LEVEL", "INFO"))
# Python's warnings go through logging too (the "py.warnings" logger), so they are JSON lines.
logging.captureWarnings(True)
