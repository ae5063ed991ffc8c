"""Settings shared by every environment. Environment files override only what differs."""

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
    "rest_framework.authtoken",
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
    # Extend cases (transitions, the case page's tabs), registered from their ready().
    "sagsbro.meetings",
    "sagsbro.clinical",
    # Composes the apps' demo data, so it comes after them.
    "sagsbro.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
