"""Liveness and readiness probes for the load balancer and the container runtime.

- `/healthz/`: the process answers (200 "ok"); touches no database, so a database outage
  does not get every web process restarted.
- `/readyz/`: the process can serve: the database answers a trivial query and has no
  unapplied migrations. Otherwise 503 with a JSON reason, so the load balancer sends no
  traffic here (e.g. while a new release waits for `migrate`). Once the migrations were
  found applied, a process does not look again: a release's migrations run before its
  processes start.

Both answer without a log-in, read no citizen's data (so nothing is audited) and carry
`Cache-Control: no-store`. Probes come over plain HTTP from inside the network, with an
internal address as the host, so `HealthProbeMiddleware` (before the security middleware)
answers them before the HTTPS redirect, the allowed-hosts check, sessions and sign-in
throttling. They are not in the URL configuration: the middleware is their one route.
"""

from collections.abc import Callable

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

# Set once this process found every migration applied.
_migrations_applied = False


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True)
    return response


def _unavailable(reason: str) -> HttpResponse:
    return _no_store(JsonResponse({"status": "unavailable", "reason": reason}, status=503))


def migrations_applied() -> bool:
    """Whether the database has every migration the code knows (cached once true)."""
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_applied = not plan
    return _migrations_applied


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return _no_store(HttpResponse("ok", content_type="text/plain; charset=utf-8"))


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # A broken connection is not reused by the next request.
        connection.close()
        return _unavailable("database_unreachable")
    try:
        applied = migrations_applied()
    except DatabaseError:
        connection.close()
        return _unavailable("database_unreachable")
    if not applied:
        return _unavailable("migrations_pending")
    return _no_store(JsonResponse({"status": "ready"}))


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz/": healthz,
    "/readyz/": readyz,
}


class HealthProbeMiddleware:
    """Answers `/healthz/` and `/readyz/` before the rest of the middleware (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
