"""Structured logs: one JSON object per line, a request log line per request with its id,
and no CPR number in any line, whether it came in the message, its arguments, a traceback or
the request's path."""

import io
import json
import logging
import re

import pytest
from django.test import Client

from sagsbro.core.logging import JsonFormatter, ScrubCprFilter, new_request_id, scrub
from sagsbro.tests.test_production_settings import POSTGRES, SECRET, run_production

CPR_LIKE = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")
CPRS = ("010190-1234", "0101901234", "311299 4321")


@pytest.fixture
def captured():
    """A handler as production has it (the filter, the JSON formatter) on sagsbro's loggers."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubCprFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("sagsbro")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_scrub_replaces_cpr_like_numbers_and_leaves_other_numbers():
    assert scrub("borger 010190-1234 og 0101901234 og 311299 4321") == (
        "borger [cpr] og [cpr] og [cpr]"
    )
    # Ids, dates and longer numbers are not CPR numbers.
    assert scrub("sag 1234, 2026-12-06, 12345678901, 01019-01234") == (
        "sag 1234, 2026-12-06, 12345678901, 01019-01234"
    )


def test_scrub_masks_a_cpr_number_in_ordinary_text():
    assert scrub("cpr 0101901234.") == "cpr [cpr]."
    assert scrub("borger (010190-1234) ringede") == "borger ([cpr]) ringede"
    assert scrub("cpr: 010190 1234, tlf. 12345678") == "cpr: [cpr], tlf. 12345678"
    assert scrub('{"cpr": "0101901234"}') == '{"cpr": "[cpr]"}'
    assert scrub("borger-0101901234") == "borger-[cpr]"


@pytest.mark.parametrize(
    "task_id",
    [
        # Real UUIDs with ten digits in a row: in the last part, beside a letter of it.
        "9fa84b36-1c2e-4f0a-857e-0123456789d2",
        "9fa84b36-1c2e-4f0a-857e-ab0123456789",
        "9fa84b36-1c2e-4f0a-857e-a0123456789b",
        # Six digits before the first hyphen and four after it (the 6-4 form of a CPR).
        "ab123456-7890-4f0a-857e-1c2e9fa84b36",
        # The same ids as 32 hexadecimal digits, and upper case.
        "9fa84b361c2e4f0a857e0123456789d2",
        "0123456789d24f0a857e9fa84b361c2e",
        "9FA84B36-1C2E-4F0A-857E-0123456789D2",
    ],
)
def test_scrub_leaves_a_uuid_with_ten_digits_in_a_row_whole(task_id):
    line = f"Task id={task_id} state=SUCCEEDED"
    assert scrub(line) == line
    # A CPR number beside it is still masked.
    assert scrub(f"{line} cpr 0101901234.") == f"{line} cpr [cpr]."


def test_a_task_id_reaches_the_worker_log_whole(captured):
    task_id = "9fa84b36-1c2e-4f0a-857e-0123456789d2"
    logging.getLogger("sagsbro.tasks").info("Task id=%s for borger %s", task_id, "0101901234")
    (record,) = lines(captured)
    assert record["message"] == f"Task id={task_id} for borger [cpr]"


def test_a_cpr_number_in_a_message_its_arguments_or_a_traceback_never_reaches_the_output(
    captured,
):
    logger = logging.getLogger("sagsbro.test")
    logger.warning("Borger 010190-1234 fandtes ikke")
    logger.warning("Borger %s og %s", "0101901234", {"cpr": "311299 4321"})
    try:
        raise ValueError("ugyldigt CPR-nummer 0101901234")
    except ValueError:
        logger.exception("Opslag fejlede for %s", "010190-1234")
    logger.info("Forespørgsel", extra={"path": "/borgere/0101901234/"})
    output = captured.getvalue()
    assert not CPR_LIKE.search(output), output
    records = lines(captured)
    assert [r["message"] for r in records] == [
        "Borger [cpr] fandtes ikke",
        "Borger [cpr] og {'cpr': '[cpr]'}",
        "Opslag fejlede for [cpr]",
        "Forespørgsel",
    ]
    assert "ValueError: ugyldigt CPR-nummer [cpr]" in records[2]["exception"]
    assert records[3]["path"] == "/borgere/[cpr]/"


def test_each_record_is_one_json_object_per_line(captured):
    logging.getLogger("sagsbro.test").warning("første linje\nanden linje")
    (record,) = lines(captured)
    assert record["level"] == "WARNING"
    assert record["logger"] == "sagsbro.test"
    assert record["message"] == "første linje\nanden linje"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", record["time"])


def test_a_request_is_logged_with_its_id_user_status_and_path_without_query(captured, side_a):
    client = Client()
    client.force_login(side_a.caseworker)
    response = client.get("/?cpr=0101901234&q=navn", HTTP_X_REQUEST_ID="lb-4711.a")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-4711.a"
    (record,) = [r for r in lines(captured) if r["logger"] == "sagsbro.requests"]
    assert record["request_id"] == "lb-4711.a"
    assert record["user_id"] == side_a.caseworker.pk
    assert record["method"] == "GET"
    assert record["path"] == "/"
    assert record["status"] == 200
    assert record["duration_ms"] >= 0
    assert "cpr" not in json.dumps(record) and "navn" not in json.dumps(record)


def test_every_record_logged_during_a_request_carries_its_id(captured, db):
    response = Client().get("/sager/0101901234/", HTTP_X_REQUEST_ID="abc-123")
    assert response.status_code in (302, 404)
    records = lines(captured)
    assert records and all(r["request_id"] == "abc-123" for r in records)
    assert not CPR_LIKE.search(captured.getvalue())


def test_an_unusable_request_id_is_replaced(captured, db):
    response = Client().get("/login/", HTTP_X_REQUEST_ID="<script>" + "x" * 200)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    (record,) = lines(captured)
    assert record["request_id"] == response["X-Request-ID"]
    assert "user_id" not in record


def test_a_request_id_is_never_cpr_like(captured, db):
    """A caller's id with a CPR number in it is replaced; a new id never looks like one, so
    scrubbing the logs never breaks an id."""
    response = Client().get("/login/", HTTP_X_REQUEST_ID="borger-0101901234")
    assert "0101901234" not in response["X-Request-ID"]
    ids = {new_request_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(scrub(request_id) == request_id for request_id in ids)


def test_successful_probes_are_not_logged(captured, db):
    Client().get("/healthz/")
    assert lines(captured) == []


def test_production_writes_json_lines_without_cpr_numbers():
    """Production's logging configuration end to end: Django's own request logger (a 404
    for a URL with a CPR number in it), the request log and an application logger, on the
    process's standard error."""
    script = (
        "import django, logging; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/sager/0101901234/', secure=True)\n"
        "logging.getLogger('sagsbro.x').warning('borger %s', '010190-1234')\n"
    )
    result = run_production(
        "-c",
        script,
        DATABASE_URL=POSTGRES,
        SAGSBRO_SECRET_KEY=SECRET,
        SAGSBRO_ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert {r["logger"] for r in records} >= {"sagsbro.requests", "sagsbro.x"}
    (request,) = [r for r in records if r["logger"] == "sagsbro.requests"]
    assert request["path"] == "/sager/[cpr]/"
    assert request["status"] == 302
    assert not CPR_LIKE.search(result.stderr), result.stderr
