"""Settings shared by every environment. Environment files override only what differs."""

import datetime
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = "insecure-development-key-override-in-production"
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "sagsbro.core",
    "sagsbro.audit",
    "sagsbro.organisations",
    "sagsbro.cases",
    "sagsbro.documents",
    "sagsbro.workdays",
    # The outbox of letters to citizens and GPs (queued, recorded as sent).
    "sagsbro.messaging",
    # Extend cases (transitions, the case page's tabs), registered from their ready().
    "sagsbro.meetings",
    "sagsbro.clinical",
    # Composes the apps' demo data, so it comes after them.
    "sagsbro.demo",
]

MIDDLEWARE = [
    # One log line per request with its id (X-Request-ID in and out); first, to time it all.
    "sagsbro.core.logging.RequestLogMiddleware",
    # /healthz/ and /readyz/ for the load balancer, before the HTTPS redirect and host check.
    "sagsbro.core.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refuses a request body over SAGSBRO_MAX_REQUEST_BYTES before anything reads it.
    "sagsbro.core.request_limits.RequestBodyLimitMiddleware",
    # Records a page's refusal of a citizen's object (404/403) in the audit log.
    "sagsbro.audit.denied.DeniedAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # API answers and document downloads are never kept by browsers or proxies.
    "sagsbro.core.middleware.NoStoreMiddleware",
    # Last, so it sees the finished response of a refused sign-in (see AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sagsbro.urls"
WSGI_APPLICATION = "sagsbro.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sagsbro" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# SQLite by default (demo); DATABASE_URL selects PostgreSQL in tests and production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'sagsbro.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and `db_worker` write to one SQLite file side by side. WAL lets readers
    # run beside the one writer; IMMEDIATE transactions take the write lock at BEGIN, so a
    # transaction never fails upgrading a read lock ("database is locked") but waits for the
    # lock, up to the busy timeout.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation on the product's connections: its queries are short and indexed, and
    # compiling cost more than it saved (0.4 s on one worklist query at national scale).
    # `manage.py check --database default` warns when a connection still has it on
    # (sagsbro/core/checks.py).
    _pg_options = DATABASES["default"].get("OPTIONS", {})
    DATABASES["default"]["OPTIONS"] = {
        **_pg_options,
        "options": f"{_pg_options.get('options', '')} -c jit=off".strip(),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
# Dates on the pages as dd.mm.åååå (sagsbro/core/formats/da/formats.py).
FORMAT_MODULE_PATH = ["sagsbro.core.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm (package.json, `npm ci`) and are served straight from
# node_modules; they are never copied into the repository. The DKFDS stylesheet refers to
# ../fonts and ../img, so those folders keep their places next to css/.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "sagsbro" / "static",
    ("dkfds/css", NODE_MODULES / "dkfds" / "dist" / "css"),
    ("dkfds/js", NODE_MODULES / "dkfds" / "dist" / "js"),
    ("dkfds/fonts", NODE_MODULES / "dkfds" / "dist" / "fonts"),
    ("dkfds/img", NODE_MODULES / "dkfds" / "dist" / "img"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
MEDIA_ROOT = BASE_DIR / "var" / "media"

# --- uploads ---------------------------------------------------------------------------------
# A document may be 50 MB (documents.rules.MAX_DOCUMENT_BYTES); a request body 1 MB more, for
# the form's other fields. A larger body is answered 413 from its Content-Length before it is
# read (core.request_limits); in production the proxy refuses it first
# (nginx: `client_max_body_size 51m;`).
SAGSBRO_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
SAGSBRO_MAX_REQUEST_BYTES = SAGSBRO_MAX_UPLOAD_BYTES + 1024 * 1024
# Files larger than this go to a temporary file while the request is read, never wholly into
# memory (Django's default, spelt out); other bodies over DATA_UPLOAD_MAX_MEMORY_SIZE are
# refused before they are read.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A document that is not a PDF is converted to one by the task worker (documents.conversion);
# LibreOffice is killed, and the conversion marked failed, after this many seconds.
SAGSBRO_CONVERSION_TIMEOUT_SECONDS = float(
    os.environ.get("SAGSBRO_CONVERSION_TIMEOUT_SECONDS") or 60
)
# --- end uploads -----------------------------------------------------------------------------

# Documents: files under MEDIA_ROOT, or an S3-compatible bucket when SAGSBRO_S3_BUCKET is set
# (sagsbro/core/storage.py; README, "Storage and virus scanning").
from sagsbro.core.storage import default_storage_settings  # noqa: E402

STORAGES = {
    "default": default_storage_settings(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Every upload is scanned by ClamAV's clamd before it is stored when this names it:
# "unix:///run/clamav/clamd.ctl" or "tcp://clamav:3310"; empty (the demo) scans nothing
# (sagsbro/documents/scanning.py). An unreachable scanner refuses uploads, never skips them.
SAGSBRO_CLAMD_ADDRESS = os.environ.get("SAGSBRO_CLAMD_ADDRESS", "").strip()
SAGSBRO_CLAMD_TIMEOUT_SECONDS = float(os.environ.get("SAGSBRO_CLAMD_TIMEOUT_SECONDS") or 60)

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON with a nesting limit (a deep body is a 400, not a RecursionError), forms, uploads.
    "DEFAULT_PARSER_CLASSES": [
        "sagsbro.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # drf-spectacular's schema with the error answers of each operation.
    "DEFAULT_SCHEMA_CLASS": "sagsbro.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "sagsbro.core.api.exception_handler",
    "DATE_INPUT_FORMATS": ["iso-8601"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "sagsbro API",
    "DESCRIPTION": (
        "Case collaboration between municipalities and the regions' klinisk funktion "
        "(bekendtgørelse om kommuners og regioners samarbejde om sundhedsfaglig rådgivning "
        "og vurdering)."
    ),
    "VERSION": "1",
    # Swagger UI and ReDoc from the installed package, not a CDN: the CSP allows only the
    # site's own origin, and production sites may not reach the internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PurposeEnum": "sagsbro.cases.rules.requirements.Purpose",
        "ContactPreferenceEnum": "sagsbro.cases.rules.requirements.ContactPreference",
        "MeetingDayKindEnum": "sagsbro.meetings.models.MeetingDay.Kind",
        "AssessmentCostKindEnum": "sagsbro.clinical.models.AssessmentCost.Kind",
        "InvestigationKindEnum": "sagsbro.clinical.models.Investigation.Kind",
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Closed days besides the public holidays; a region may switch any of them off.
SAGSBRO_CLOSED_DAYS = {
    "grundlovsdag": True,
    "christmas_eve": True,
    "new_years_eve": True,
}

# Content Security Policy (Django's built-in middleware): no inline scripts, own origin only.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
}

# Sign-in and API tokens ------------------------------------------------------------------
# django-axes counts failed sign-ins (log-in page and API token endpoint alike) under two
# keys, each with its own limit (organisations/signin.py): an account from one address, and
# an address across accounts (a municipality's staff share an address, so that limit is
# higher). Reaching either locks the key out for the cool-off, counted from the last failure
# before the lock; attempts while locked out are refused without extending it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SAGSBRO_SIGNIN_ACCOUNT_FAILURE_LIMIT = 5
SAGSBRO_SIGNIN_ADDRESS_FAILURE_LIMIT = 50
SAGSBRO_SIGNIN_COOLOFF = datetime.timedelta(minutes=15)
AXES_HANDLER = "sagsbro.organisations.signin.SignInAttempts"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Read through functions, so overriding the SAGSBRO_ settings (tests) takes effect.
AXES_FAILURE_LIMIT = "sagsbro.organisations.signin.failure_limit"
AXES_COOLOFF_TIME = "sagsbro.organisations.signin.cool_off"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "sagsbro.organisations.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The audit log records sign-ins (LOGIN, LOGIN_FAILED, LOCKED_OUT, LOGOUT); axes keeps only
# the counts it needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind SAGSBRO_PROXY_COUNT proxies (production) the
# X-Forwarded-For entry the outermost proxy added.
SAGSBRO_PROXY_COUNT = 0
AXES_CLIENT_IP_CALLABLE = "sagsbro.organisations.signin.client_address"

# API tokens (django-rest-knox): only a hash is stored; each sign-in at the token endpoint
# issues a new token that lives SAGSBRO_API_TOKEN_LIFETIME; a password change or deactivation
# revokes all of the user's tokens; a user sees and revokes their own under "Mine API-nøgler"
# (and /api/v1/auth/tokens/). Sent as `Authorization: Token <token>`.
SAGSBRO_API_TOKEN_LIFETIME = datetime.timedelta(hours=10)
# At most this many live tokens per user: issuing one more revokes the oldest.
SAGSBRO_API_TOKENS_PER_USER = 20
REST_KNOX = {
    "TOKEN_TTL": SAGSBRO_API_TOKEN_LIFETIME,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# ------------------------------------------------------------------------------------------

# Plain text to standard error, warnings and worse; no CPR number in any line (the filter
# scrubs messages, arguments and tracebacks). Production writes JSON lines
# (sagsbro/core/logging.py, `logging_config`).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_cpr": {"()": "sagsbro.core.logging.ScrubCprFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["scrub_cpr"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Audit log (README, "Audit log"): entries and blocks are MACed under keys kept outside the
# database, and the sealer's signed checkpoints are written outside it too. Keys are given as
# "id:hexsecret,id:hexsecret", the current key first; older keys stay listed to verify what
# they sealed. The demo and the tests use a fixed development key; production requires one.
from sagsbro.audit.rules import parse_keys  # noqa: E402

SAGSBRO_AUDIT_KEYS = parse_keys(
    "dev:5361677362726f2d646576656c6f706d656e742d61756469742d6b65792d3031"
)
SAGSBRO_AUDIT_CURRENT_KEY = "dev"
SAGSBRO_AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("SAGSBRO_AUDIT_CHECKPOINT_DIR") or BASE_DIR / "var" / "audit-checkpoints"
)
# How often the sealer (`manage.py seal_audit_log --loop`) seals new entries, in seconds; an
# entry can be removed without a trace only in this window before it is sealed.
SAGSBRO_AUDIT_SEAL_INTERVAL = 5
