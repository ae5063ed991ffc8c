"""The load balancer's probes: /healthz/ answers without the database, /readyz/ only when the
database answers and has every migration. Neither needs a log-in, reads anything of a
citizen's, writes an audit entry, or may be kept by a cache; both answer plain HTTP with any
host name, before the HTTPS redirect and the allowed-hosts check."""

import json

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from sagsbro.audit.models import AuditEntry
from sagsbro.core import health
from sagsbro.tests.test_production_settings import POSTGRES, SECRET, run_production


@pytest.fixture
def fresh_migration_check():
    health._migrations_applied = False
    yield
    health._migrations_applied = False


def test_healthz_answers_ok_without_touching_the_database(db, django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]
    assert not AuditEntry.objects.exists()


def test_readyz_answers_ready_on_a_migrated_database(db, fresh_migration_check):
    client = Client()
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert "no-store" in response["Cache-Control"]
    assert not AuditEntry.objects.exists()


def test_readyz_checks_the_migrations_once_per_process(
    db, fresh_migration_check, django_assert_max_num_queries, django_assert_num_queries
):
    client = Client()
    client.get("/readyz/")
    # Afterwards only the trivial query.
    with django_assert_num_queries(1):
        assert client.get("/readyz/").status_code == 200


def test_readyz_refuses_while_a_migration_is_not_applied(db, fresh_migration_check):
    recorder = MigrationRecorder(connection)
    newest = recorder.migration_qs.filter(app="organisations").order_by("-id").first()
    assert newest is not None
    newest.delete()
    response = Client().get("/readyz/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "migrations_pending"}
    assert "no-store" in response["Cache-Control"]
    # Not cached while it fails: once migrated, the same process becomes ready.
    recorder.record_applied(newest.app, newest.name)
    assert Client().get("/readyz/").status_code == 200


def test_probes_need_no_log_in_and_answer_only_reads(db, fresh_migration_check):
    client = Client()
    for path in ("/healthz/", "/readyz/"):
        assert client.head(path).status_code == 200
        assert client.post(path).status_code == 405


def test_probes_answer_plain_http_with_any_host_in_production(db, settings):
    """A load balancer probes the process at its internal address over plain HTTP: neither
    the HTTPS redirect nor the allowed hosts stand in the way (other paths still redirect)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["sagsbro.example.dk"]
    client = Client(HTTP_HOST="10.0.3.7:8000")
    assert client.get("/healthz/").status_code == 200
    assert client.get("/readyz/").status_code == 200
    assert client.get("/login/").status_code == 400
    assert Client(HTTP_HOST="sagsbro.example.dk").get("/login/").status_code == 301


def test_readyz_says_when_the_database_is_unreachable():
    """Production settings with a PostgreSQL address where nothing listens: liveness still
    answers, readiness says why it is not ready."""
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "client = Client()\n"
        "for path in ('/healthz/', '/readyz/'):\n"
        "    response = client.get(path)\n"
        "    print(json.dumps([path, response.status_code, response.content.decode(),"
        " response['Cache-Control']]))\n"
    )
    result = run_production(
        "-c",
        script,
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing",
        SAGSBRO_SECRET_KEY=SECRET,
        SAGSBRO_LOG_LEVEL="CRITICAL",
    )
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers[0] == ["/healthz/", 200, "ok", "no-store"]
    path, status, body, cache_control = answers[1]
    assert (path, status, cache_control) == ("/readyz/", 503, "no-store")
    assert json.loads(body) == {"status": "unavailable", "reason": "database_unreachable"}
    assert POSTGRES  # the reachable server the other production tests use
