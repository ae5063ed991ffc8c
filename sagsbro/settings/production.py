"""Production: PostgreSQL and secrets from the environment only."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["SAGSBRO_SECRET_KEY"]
ALLOWED_HOSTS = os.environ.get("SAGSBRO_ALLOWED_HOSTS", "").split(",")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SAGSBRO_SHOW_DEMO_LOGINS = False
