"""System checks about the database server's settings the product relies on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connections


@register(Tags.database)
def check_postgresql_jit(
    app_configs: Sequence[Any] | None = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Warn when PostgreSQL's JIT is on for the product's connections: it compiles the
    worklist's queries for longer than they run. Settings turn it off through the connection
    options (``-c jit=off``); a server or a connection pooler can override that. Runs with
    ``manage.py check --database default`` and before ``migrate``."""
    messages: list[CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            (jit,) = cursor.fetchone()
        if jit == "on":
            messages.append(
                Warning(
                    f"PostgreSQL's JIT is on for the database connection {alias!r}.",
                    hint=(
                        "Set OPTIONS['options'] = '-c jit=off' for the connection (the "
                        "settings do this for DATABASE_URL), or `ALTER ROLE … SET jit = off` "
                        "when a connection pooler drops startup options."
                    ),
                    id="sagsbro.W001",
                )
            )
    return messages
