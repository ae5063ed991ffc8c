"""PostgreSQL settings the product relies on: JIT compilation off for its connections, and a
system check that says so when a connection has it on."""

import pytest
from django.core.checks import Tags, run_checks
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting"),
]


def _jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def _warnings():
    messages = run_checks(tags=[Tags.database], databases=["default"])
    return [m for m in messages if m.id == "sagsbro.W001"]


def test_the_connection_runs_without_jit():
    assert "-c jit=off" in connection.settings_dict["OPTIONS"]["options"]
    assert _jit() == "off"
    assert _warnings() == []


def test_the_check_warns_when_a_connection_has_jit_on():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
    assert _jit() == "on"
    (warning,) = _warnings()
    assert "JIT" in warning.msg and "jit=off" in warning.hint
