"""The demo: SQLite, demo log-ins shown on the log-in page, otherwise run like production:
no debug pages (errors show the Danish error pages), static files served by WhiteNoise."""

from .base import *  # noqa: F403

DEBUG = False
SAGSBRO_SHOW_DEMO_LOGINS = True
# `scripts/demo` collects the static files into STATIC_ROOT; WhiteNoise also finds them where
# they live, so `manage.py runserver` without collectstatic serves the same CSS and scripts.
WHITENOISE_USE_FINDERS = True
