"""Tests: SQLite unless DATABASE_URL names PostgreSQL; fast password hashing."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SAGSBRO_SHOW_DEMO_LOGINS = False
# Local files and no virus scanner whatever the environment says: the tests that need a bucket
# or clamd start their own (documents/tests/storage/, documents/tests/scanning/).
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
SAGSBRO_CLAMD_ADDRESS = ""
