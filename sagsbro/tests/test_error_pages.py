"""The demo runs like production: no debug pages, Danish error pages in the design system,
static files from WhiteNoise."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template import loader
from django.test import Client, RequestFactory
from django.views.defaults import permission_denied

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case
from sagsbro.settings import demo

DEBUG_PAGE_MARKS = ("URLconf", "Traceback", "Page not found", "DEBUG = True", "Request Method")
DESIGN_SYSTEM = "dkfds/css/dkfds.min.css"


@pytest.fixture
def demo_settings(settings):
    """What the demo settings decide about errors and static files."""
    settings.DEBUG = demo.DEBUG
    settings.WHITENOISE_USE_FINDERS = demo.WHITENOISE_USE_FINDERS
    return settings


def assert_danish_error_page(response, status, heading):
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="da"' in page
    assert DESIGN_SYSTEM in page
    assert f"<h1>{heading}</h1>" in page
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in page, mark


def test_the_demo_settings_have_no_debug_pages():
    assert demo.DEBUG is False
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in demo.MIDDLEWARE
    assert demo.SAGSBRO_SHOW_DEMO_LOGINS is True


@pytest.mark.django_db
def test_an_unknown_url_shows_the_danish_404_page(demo_settings):
    response = Client().get("/findes/ikke/")
    assert_danish_error_page(response, 404, "Siden findes ikke")
    assert "/api/" not in response.content.decode()  # nothing of the URL configuration


def test_a_case_the_user_may_not_see_shows_the_danish_404_page(demo_settings, side_a, side_b):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client = Client()
    client.force_login(side_b.caseworker)
    response = client.get(f"/sager/{case.pk}/")
    assert_danish_error_page(response, 404, "Siden findes ikke")
    assert side_b.caseworker.get_full_name() in response.content.decode()  # the page header
    assert side_a.citizen.name not in response.content.decode()


@pytest.mark.django_db
def test_a_failed_csrf_check_shows_the_danish_page(demo_settings):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert_danish_error_page(response, 403, "Formularen kunne ikke sendes")
    assert "CSRF" not in response.content.decode()


@pytest.mark.django_db
def test_a_refusal_shows_the_danish_403_page(demo_settings):
    request = RequestFactory().get("/")
    request.user = None  # type: ignore[assignment]  # a refusal before authentication
    response = permission_denied(request, PermissionDenied())
    assert_danish_error_page(response, 403, "Du har ikke adgang")


@pytest.mark.django_db
def test_a_bad_request_shows_the_danish_400_page(demo_settings):
    response = Client().get("/login/", headers={"host": "ukendt.example"})
    assert_danish_error_page(response, 400, "Forespørgslen kunne ikke behandles")


def test_a_server_error_shows_the_danish_500_page(demo_settings, side_a, monkeypatch):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)

    def crash(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr("sagsbro.cases.web.case_page.cases_for_page", crash)
    client = Client(raise_request_exception=False)
    client.force_login(side_a.caseworker)
    response = client.get(f"/sager/{case.pk}/")
    assert_danish_error_page(response, 500, "Der opstod en fejl")
    assert "something broke" not in response.content.decode()


def test_the_500_page_renders_without_request_or_database():
    """No db fixture: any database query here would fail the test."""
    page = loader.get_template("500.html").render()
    assert "<h1>Der opstod en fejl</h1>" in page
    assert DESIGN_SYSTEM in page
    assert "Log af" not in page


@pytest.mark.django_db
def test_the_demo_serves_the_design_system_without_debug(demo_settings):
    """WhiteNoise serves the static files (runserver does not when DEBUG is off)."""
    client = Client()  # a new client loads the middleware with the demo's settings
    for path in ("/static/dkfds/css/dkfds.min.css", "/static/sagsbro/app.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content)  # type: ignore[attr-defined]
