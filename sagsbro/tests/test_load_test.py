"""The load test's workload (benchmarks/load/): its URLs reach the views they name, what it
reads from the pages is on the real pages, its locustfile loads, and its search for the
largest load is bounded. Cheap: no load is generated."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import resolve

from sagsbro.cases.models import CaseNote
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import sent_case

LOAD = Path(__file__).resolve().parents[2] / "benchmarks" / "load"


def _workload():
    spec = importlib.util.spec_from_file_location("load_workload", LOAD / "workload.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


workload = _workload()


@pytest.mark.parametrize("key", sorted(workload.ROUTES))
def test_every_url_of_the_workload_reaches_its_view(key):
    url, view_name = workload.ROUTES[key]
    assert resolve(url).view_name == view_name


def test_the_urls_the_users_build_are_the_checked_ones():
    checked = {url for url, _ in workload.ROUTES.values()}
    built = [
        workload.LOGIN,
        workload.WORKLIST,
        workload.CASE.format(pk=1),
        workload.CASE_TAB.format(pk=1, tab="noter"),
        workload.ADD_NOTE.format(pk=1),
        workload.CREATE_CASE,
        workload.MEETINGS,
        workload.API_CASES,
        workload.API_CASE.format(pk=1),
    ]
    assert set(built) <= checked


def test_the_workload_signs_in_and_works_through_the_real_pages(side_a):
    """What the virtual users read from the pages (CSRF token, case links, tab links, filter
    choices) is there, and the requests they build succeed, CSRF checks included."""
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    client = Client(enforce_csrf_checks=True)
    token = workload.csrf_token(client.get(workload.LOGIN).content.decode())
    assert token
    signed_in = client.post(
        workload.LOGIN,
        {
            "username": side_a.caseworker.username,
            "password": "test-password-1",
            "csrfmiddlewaretoken": token,
        },
    )
    assert signed_in.status_code == 302

    page = client.get(workload.WORKLIST).content.decode()
    assert workload.case_ids(page) == [case.pk]
    assert "alle" in workload.select_options(page, "status")
    assert str(Subtype.LOEBENDE_SAG) in workload.select_options(page, "undertype")
    assert workload.select_options(page, "sortering")
    token = workload.csrf_token(page)
    assert token
    fragment = client.get(f"{workload.WORKLIST}?status=alle", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert workload.case_ids(fragment.content.decode()) == [case.pk]

    case_page = client.get(workload.CASE.format(pk=case.pk)).content.decode()
    tabs = workload.case_tabs(case_page, case.pk)
    assert {"historik", "noter", "dokumenter"} <= set(tabs)
    for tab in tabs:
        assert client.get(workload.CASE_TAB.format(pk=case.pk, tab=tab)).status_code == 200

    written = client.post(workload.ADD_NOTE.format(pk=case.pk), workload.note_form(token, 1))
    assert written.status_code == 302
    assert CaseNote.objects.filter(case=case, author=side_a.caseworker).count() == 1

    assert client.get(workload.CREATE_CASE).status_code == 200
    listed = client.get(workload.API_CASES)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [case.pk]
    assert client.get(workload.API_CASE.format(pk=case.pk)).status_code == 200


def test_the_next_page_link_is_read_as_the_page_writes_it():
    page = (
        '<a class="button button-arrow button-next" href="?status=alle&amp;efter=abc"\n'
        '   hx-get="?status=alle&amp;efter=abc">Næste</a>'
    )
    assert workload.next_page(page) == "?status=alle&efter=abc"
    assert workload.next_page("<p>Ingen flere</p>") is None


def test_the_search_bisects_to_the_largest_count_that_meets_the_target():
    peak, step = 500, 25
    assert workload.next_user_count([], peak, step) == 500
    assert workload.next_user_count([(500, True)], peak, step) is None
    # The estimate from the throughput at the peak comes first, then bisection.
    assert workload.next_user_count([(500, False)], peak, step, estimate=310) == 300
    assert workload.next_user_count([(500, False)], peak, step) == 250
    history = [(500, False), (300, True)]
    assert workload.next_user_count(history, peak, step) == 400
    history += [(400, False)]
    assert workload.next_user_count(history, peak, step) == 350
    history += [(350, True), (375, False)]
    assert workload.next_user_count(history, peak, step) is None
    # Nothing meets it: down to one step, then done.
    history = [(500, False), (250, False), (125, False), (50, False), (25, False)]
    assert workload.next_user_count(history, peak, step) is None


@pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="bench extra not installed")
def test_the_locustfile_loads_with_a_user_class_per_role(tmp_path):
    """locust loads the locustfile (in its own process: locust patches the standard library)
    and finds one user class per role of the accounts it is given."""
    users = tmp_path / "users.json"
    users.write_text(
        json.dumps(
            {
                "password": "x",
                "accounts": {role: [f"{role}.1"] for role in workload.ROLE_WEIGHTS},
            }
        )
    )
    env = {**os.environ, "SAGSBRO_LOAD_USERS": str(users)}
    listed = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(LOAD / "locustfile.py"), "--list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    names = set(listed.stdout.split())
    assert {"Caseworker", "TeamMember", "Secretariat", "Coordinator", "ClinicalSpecialist"} <= names
