"""Schema fuzzing of the API with schemathesis, in-process against the real database.

Shared by the bounded test (`test_api_fuzz.py`) and the longer run (`scripts/fuzz_api`):
every operation of the OpenAPI schema, as each given person, with generated valid and
invalid requests; each response must not be a server error and must match what the schema
says (status code, content type, body, headers). Failures are collected, not raised, so a
run reports every finding and its counts."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# A fixed CSRF secret, sent as cookie and header: session-authenticated writes need both.
CSRF_TOKEN = "f" * 32


@dataclass
class Finding:
    person: str
    operation: str
    kind: str  # "server error" or "schema violation"
    message: str
    request: str


@dataclass
class Report:
    operations: int = 0
    cases: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def server_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "server error"]

    @property
    def schema_violations(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "schema violation"]

    def summary(self) -> str:
        lines = [
            f"operations: {self.operations}",
            f"cases generated: {self.cases}",
            f"server errors: {len(self.server_errors)}",
            f"schema violations: {len(self.schema_violations)}",
        ]
        seen = set()
        for finding in self.findings:
            key = (finding.operation, finding.kind, finding.message.splitlines()[0])
            if key not in seen:
                seen.add(key)
                lines.append(
                    f"- {finding.kind} as {finding.person} in {finding.operation}: "
                    f"{finding.message.strip()[:600]}\n  {finding.request}"
                )
        return "\n".join(lines)


def load_schema() -> Any:
    """The app's OpenAPI schema, generated in-process and served to schemathesis with the
    WSGI application as its transport."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    # Round-trip through JSON: the generator's output holds lazy strings and tuples.
    raw = json.loads(json.dumps(generated, default=str))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema


@contextlib.contextmanager
def in_test_transaction() -> Iterator[None]:
    """Keep the test's database connection open across requests, as Django's test client
    does: the request signals would otherwise close it inside the test transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def session_cookies(user: Any) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: CSRF_TOKEN,
    }


def _path_parameters(operation: Any, known: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """Path parameters naming existing objects the person may see, by the path's prefix."""
    for prefix, values in known.items():
        if operation.path.startswith(prefix):
            names = {p.name for p in operation.path_parameters}
            chosen = {k: v for k, v in values.items() if k in names}
            return chosen or None
    return None


def fuzz(
    schema: Any,
    people: dict[str, Any],
    known: dict[str, dict[str, Any]],
    *,
    max_examples: int,
    seed: int = 0,
) -> Report:
    """Run every operation as every person; `known` maps a path prefix to path parameters
    of existing objects (half the cases use them, half generated ones)."""
    report = Report()
    operations = [result.ok() for result in schema.get_all_operations()]
    report.operations = len(operations)
    with in_test_transaction():
        for person, user in people.items():
            cookies = session_cookies(user)
            for operation in operations:
                _fuzz_operation(operation, person, cookies, known, report, max_examples, seed)
    return report


def _fuzz_operation(operation, person, cookies, known, report, max_examples, seed):
    strategies = []
    pinned = _path_parameters(operation, known)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        if pinned:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=pinned))
    name = f"{operation.method.upper()} {operation.path}"

    @hypothesis.settings(
        max_examples=max_examples * len(strategies),
        deadline=None,
        derandomize=True,
        database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
        print_blob=False,
    )
    @hypothesis.seed(seed)
    @hypothesis.given(case=st.one_of(strategies))
    def run(case):
        report.cases += 1
        headers = {"X-CSRFToken": CSRF_TOKEN}
        try:
            response = case.call(headers=headers, cookies=cookies)
        except Exception as exc:  # an exception the WSGI handler did not turn into a 500
            report.findings.append(
                Finding(person, name, "server error", repr(exc), _describe(case))
            )
            return
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:
            for failure in getattr(exc, "exceptions", [exc]):
                title = getattr(failure, "title", type(failure).__name__)
                kind = "server error" if "Server error" in str(title) else "schema violation"
                message = f"{title}: {getattr(failure, 'message', str(failure))}"
                report.findings.append(
                    Finding(person, name, kind, message, _describe(case, response))
                )

    run()


def _describe(case: Any, response: Any = None) -> str:
    parts = [f"{case.method} {case.formatted_path}"]
    if case.query:
        parts.append(f"query={case.query!r}")
    if not isinstance(case.body, schemathesis.core.NotSet):
        parts.append(f"body={str(case.body)[:200]!r}")
    if response is not None:
        parts.append(f"-> {response.status_code} {response.content[:200]!r}")
    return " ".join(parts)
