"""The demo: SQLite, debug pages, demo log-ins shown on the log-in page."""

from .base import *  # noqa: F403

DEBUG = True
SAGSBRO_SHOW_DEMO_LOGINS = True
