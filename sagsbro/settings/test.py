"""Tests: SQLite unless DATABASE_URL names PostgreSQL; fast password hashing."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SAGSBRO_SHOW_DEMO_LOGINS = False
