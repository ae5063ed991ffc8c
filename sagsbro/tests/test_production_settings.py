"""Production settings: refuse to start without PostgreSQL or a secret key, pass
`manage.py check --deploy` without a warning, and keep the API's schema behind a log-in.
API answers and document downloads are never stored by caches."""

import io
import os
import secrets
import subprocess
import sys

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.test import Client, RequestFactory

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case
from sagsbro.core.middleware import NoStoreMiddleware

SECRET = secrets.token_urlsafe(50)
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
AUDIT_KEYS = f"k1:{secrets.token_hex(32)},k0:{secrets.token_hex(32)}"


def run_production(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DATABASE_URL",
            "SAGSBRO_SECRET_KEY",
            "SAGSBRO_ALLOWED_HOSTS",
            "SAGSBRO_AUDIT_KEYS",
            "SAGSBRO_AUDIT_CHECKPOINT_DIR",
            # Set by the browser tests for their live server; never in production.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="sagsbro.settings.production",
        SAGSBRO_AUDIT_KEYS=AUDIT_KEYS,
        SAGSBRO_AUDIT_CHECKPOINT_DIR=str(settings.BASE_DIR / "var" / "audit-checkpoints-check"),
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_nothing():
    result = run_production(
        "manage.py",
        "check",
        "--deploy",
        DATABASE_URL=POSTGRES,
        SAGSBRO_SECRET_KEY=SECRET,
        SAGSBRO_ALLOWED_HOSTS="sagsbro.example.dk",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", (
        result.stdout + result.stderr
    )


def test_production_refuses_to_start_without_postgresql():
    missing = run_production("manage.py", "check", SAGSBRO_SECRET_KEY=SECRET)
    assert missing.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not set" in missing.stderr
    sqlite = run_production(
        "manage.py", "check", DATABASE_URL="sqlite:///var/x.sqlite3", SAGSBRO_SECRET_KEY=SECRET
    )
    assert sqlite.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL in production" in sqlite.stderr


def test_production_refuses_to_start_without_the_audit_keys():
    for env, message in (
        ({"SAGSBRO_AUDIT_KEYS": ""}, "SAGSBRO_AUDIT_KEYS is not set"),
        ({"SAGSBRO_AUDIT_KEYS": "k1:abcd"}, "shorter than 32 bytes"),
        ({"SAGSBRO_AUDIT_CHECKPOINT_DIR": ""}, "SAGSBRO_AUDIT_CHECKPOINT_DIR is not set"),
    ):
        result = run_production(
            "manage.py", "check", DATABASE_URL=POSTGRES, SAGSBRO_SECRET_KEY=SECRET, **env
        )
        assert result.returncode != 0 and message in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_production("manage.py", "check", DATABASE_URL=POSTGRES)
    assert result.returncode != 0
    assert "SAGSBRO_SECRET_KEY is not set" in result.stderr


def test_the_api_schema_and_docs_need_a_log_in_in_production():
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client()\n"
        "for path in ('/api/schema/', '/api/docs/'):\n"
        "    print(path, client.get(path, secure=True).status_code)\n"
    )
    result = run_production(
        "-c",
        script,
        DATABASE_URL=POSTGRES,
        SAGSBRO_SECRET_KEY=SECRET,
        SAGSBRO_ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    statuses = dict(line.split() for line in result.stdout.splitlines())
    assert statuses == {"/api/schema/": "401", "/api/docs/": "401"}


def test_document_downloads_are_not_stored_by_caches(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    document = case.documents.first()
    client = Client()
    client.force_login(side_a.caseworker)
    response = client.get(f"/api/v1/documents/{document.pk}/content/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_files_served_outside_the_api_are_not_stored_by_caches():
    request = RequestFactory().get("/noget/")
    file_response = NoStoreMiddleware(lambda r: FileResponse(io.BytesIO(b"%PDF")))(request)
    assert "no-store" in file_response["Cache-Control"]
    page = NoStoreMiddleware(lambda r: HttpResponse("side"))(request)
    assert not page.has_header("Cache-Control")
