"""The deadline calculator page (/fristberegner/): same results as the calendar API and the
cases' deadlines, Danish dates and errors, HTMX fragments and plain GET without JavaScript."""

import datetime
import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from sagsbro.workdays.services import configured_calendar

URL = "/fristberegner/"
RESULT_DATE = re.compile(r'data-result-date="(\d{4}-\d\d-\d\d)"')
HTMX = {"HX-Request": "true"}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def result_date(html):
    found = RESULT_DATE.findall(html)
    return datetime.date.fromisoformat(found[0]) if found else None


def calculate(client, start, count, unit="arbejdsdage", **headers):
    query = {"startdato": start.strftime("%d.%m.%Y"), "antal": str(count), "enhed": unit}
    return client.get(URL, query, headers=headers)


def skipped_section(html):
    """The text of the list of skipped closed days."""
    part = html.split("Lukkedage, der er sprunget over", 1)[1]
    return part.split("</ul>", 1)[0] if "<ul" in part.split("</div>", 1)[0] else ""


# --- access -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"


@pytest.mark.parametrize(
    "role",
    [
        "caseworker",
        "team_member",
        "secretariat",
        "coordinator",
        "specialist",
        "municipal_admin",
        "regional_admin",
    ],
)
def test_every_staff_role_may_use_it(side_a, role):
    response = client_for(getattr(side_a, role)).get(URL)
    assert response.status_code == 200
    assert "<h1>Fristberegner</h1>" in response.content.decode()


def test_a_gp_is_turned_away_in_danish(side_a):
    response = client_for(side_a.gp).get(URL, follow=True)
    assert response.redirect_chain[0][0] == "/"
    assert "Fristberegneren er for medarbejdere i kommuner og regioner." in (
        response.content.decode()
    )


def test_the_header_links_to_the_calculator(side_a):
    worklist = client_for(side_a.caseworker).get("/").content.decode()
    assert f'<a href="{URL}" class="nav-link"><span>Fristberegner</span></a>' in worklist
    page = client_for(side_a.caseworker).get(URL).content.decode()
    assert f'href="{URL}" class="nav-link" aria-current="page"' in page


# --- the first visit ----------------------------------------------------------------------


def test_the_empty_page_has_the_form_and_this_years_closed_days(side_a):
    response = client_for(side_a.secretariat).get(URL)
    html = response.content.decode()
    assert '<label class="form-label" for="id_startdato">Startdato</label>' in html
    assert '<label class="form-label" for="id_antal">Antal</label>' in html
    assert '<legend class="form-label">Enhed</legend>' in html
    for label in ("Arbejdsdage (hverdage)", "Kalenderdage", "Uger", "Måneder"):
        assert label in html
    assert 'value="arbejdsdage" class="form-radio" checked' in html
    assert ">Beregn frist</button>" in html
    assert result_date(html) is None
    assert "Fristen kunne ikke beregnes" not in html
    year = datetime.date.today().year
    assert f"Helligdage og lukkedage i {year}" in html
    assert "Nytårsdag" in html
    assert "<script>" not in html and "style=" not in html
    assert "Content-Security-Policy" in response.headers


# --- results, the same as the API --------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected", "text", "skipped"),
    [
        # Easter 2025: Skærtorsdag, Langfredag and Anden påskedag are not counted.
        (
            datetime.date(2025, 4, 16),
            1,
            datetime.date(2025, 4, 22),
            "tirsdag den 22.04.2025",
            ["Skærtorsdag", "Langfredag", "Anden påskedag"],
        ),
        (
            datetime.date(2025, 4, 22),
            -1,
            datetime.date(2025, 4, 16),
            "onsdag den 16.04.2025",
            ["Skærtorsdag", "Langfredag", "Anden påskedag"],
        ),
        (
            datetime.date(2025, 4, 14),
            10,
            datetime.date(2025, 5, 1),
            "torsdag den 01.05.2025",  # 1 May is a working day
            ["Skærtorsdag", "Langfredag", "Anden påskedag"],
        ),
        # Christmas 2026: 24 and 25 December closed, 26 December is a Saturday.
        (
            datetime.date(2026, 12, 23),
            2,
            datetime.date(2026, 12, 29),
            "tirsdag den 29.12.2026",
            ["Juleaftensdag", "Juledag"],
        ),
        (
            datetime.date(2026, 12, 22),
            5,
            datetime.date(2027, 1, 4),
            "mandag den 04.01.2027",
            ["Juleaftensdag", "Juledag", "Nytårsaftensdag", "Nytårsdag"],
        ),
        (
            datetime.date(2027, 1, 4),
            -5,
            datetime.date(2026, 12, 22),
            "tirsdag den 22.12.2026",
            ["Juleaftensdag", "Juledag", "Nytårsaftensdag", "Nytårsdag"],
        ),
        (
            datetime.date(2027, 1, 8),
            10,
            datetime.date(2027, 1, 22),
            "fredag den 22.01.2027",
            [],
        ),
    ],
)
def test_working_days_match_the_api(side_a, start, days, expected, text, skipped):
    html = calculate(client_for(side_a.caseworker), start, days).content.decode()

    api = APIClient().get(
        "/api/v1/calendar/working-days", {"start": start.isoformat(), "days": days}
    )
    assert api.json() == {"date": expected.isoformat()}
    assert result_date(html) == expected
    assert text in html
    section = skipped_section(html)
    for name in skipped:
        assert name in section
    if not skipped:
        assert "Ingen helligdage eller lukkedage i perioden." in html
    assert "Anden juledag" not in section  # a Saturday in 2026: not a skipped working day
    assert "Påskedag<" not in section  # a Sunday


def test_the_description_says_before_and_after(side_a):
    client = client_for(side_a.caseworker)
    after = calculate(client, datetime.date(2025, 4, 16), 1).content.decode()
    assert "1 arbejdsdag efter onsdag den 16.04.2025:" in after
    before = calculate(client, datetime.date(2025, 4, 22), -10).content.decode()
    assert "10 arbejdsdage før tirsdag den 22.04.2025:" in before


@pytest.mark.parametrize(
    ("start", "count", "unit", "method", "expected", "moved", "skipped"),
    [
        # 14 calendar days land on Juledag 2026 (a Friday): moved to Monday 28 December.
        (
            datetime.date(2026, 12, 11),
            14,
            "kalenderdage",
            "add_calendar_days",
            datetime.date(2026, 12, 28),
            "Fredag den 25.12.2026 er ikke en arbejdsdag, så fristen er flyttet til "
            "næste arbejdsdag.",
            ["Juledag", "Anden juledag"],
        ),
        # One week from 17 December 2026 is Juleaftensdag.
        (
            datetime.date(2026, 12, 17),
            1,
            "uger",
            "add_weeks",
            datetime.date(2026, 12, 28),
            "Torsdag den 24.12.2026 er ikke en arbejdsdag",
            ["Juleaftensdag", "Juledag", "Anden juledag"],
        ),
        # One month before 31 January 2027 is Nytårsaftensdag: moved back.
        (
            datetime.date(2027, 1, 31),
            -1,
            "maaneder",
            "add_months",
            datetime.date(2026, 12, 30),
            "Torsdag den 31.12.2026 er ikke en arbejdsdag, så fristen er flyttet til "
            "forrige arbejdsdag.",
            ["Nytårsaftensdag"],
        ),
        # Over Easter 2025 in calendar days: counted, and the result is a working day.
        (
            datetime.date(2025, 4, 16),
            30,
            "kalenderdage",
            "add_calendar_days",
            datetime.date(2025, 5, 16),
            None,
            [],
        ),
    ],
)
def test_other_units_use_the_calendars_methods(
    side_a, start, count, unit, method, expected, moved, skipped
):
    html = calculate(client_for(side_a.coordinator), start, count, unit).content.decode()
    assert getattr(configured_calendar(), method)(start, count) == expected
    assert result_date(html) == expected
    if moved:
        assert moved in html
    else:
        assert "er ikke en arbejdsdag" not in html
    section = skipped_section(html)
    for name in skipped:
        assert name in section
    assert "Lørdage og søndage tælles aldrig" not in html


def test_zero_working_days_from_a_holiday_gives_the_next_working_day(side_a):
    html = calculate(client_for(side_a.caseworker), datetime.date(2025, 4, 18), 0).content
    html = html.decode()
    assert result_date(html) == datetime.date(2025, 4, 22)
    assert "Fredag den 18.04.2025 er ikke en arbejdsdag" in html
    assert "Langfredag" in skipped_section(html)


def test_iso_dates_are_accepted_too(side_a):
    response = client_for(side_a.caseworker).get(
        URL, {"startdato": "2025-04-16", "antal": "1", "enhed": "arbejdsdage"}
    )
    assert result_date(response.content.decode()) == datetime.date(2025, 4, 22)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"startdato": "2025/04/16", "antal": "1"}, "Angiv en gyldig dato som dd.mm.åååå."),
        ({"startdato": "31.02.2025", "antal": "1"}, "Angiv en gyldig dato som dd.mm.åååå."),
        (
            {"startdato": "16.04.2025", "antal": "tre"},
            "Antal skal være et helt tal, fx 10 eller -5.",
        ),
        (
            {"startdato": "16.04.2025", "antal": "1,5"},
            "Antal skal være et helt tal, fx 10 eller -5.",
        ),
        ({"startdato": "", "antal": "1"}, "Angiv en startdato."),
        ({"startdato": "16.04.2025", "antal": ""}, "Angiv et antal."),
        ({"startdato": "16.04.2025", "antal": "99999"}, "Antal må højst være 3650."),
        ({"startdato": "16.04.1066", "antal": "1"}, "Vælg en dato mellem år 1900 og 2200."),
        (
            {"startdato": "16.04.2025", "antal": "1", "enhed": "timer"},
            "Vælg arbejdsdage, kalenderdage, uger eller måneder.",
        ),
    ],
)
def test_bad_input_shows_a_danish_error_and_no_result(side_a, query, message):
    query = {"enhed": "arbejdsdage", **query}
    response = client_for(side_a.caseworker).get(URL, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fristen kunne ikke beregnes" in html
    assert message in html
    assert 'class="form-group form-error"' in html
    assert result_date(html) is None
    assert "Resultat</h3>" not in html


def test_the_error_summary_links_to_the_field(side_a):
    html = (
        client_for(side_a.caseworker)
        .get(URL, {"startdato": "i går", "antal": "tre", "enhed": "arbejdsdage"})
        .content.decode()
    )
    assert 'href="#id_startdato">Angiv en gyldig dato som dd.mm.åååå.</a>' in html
    assert 'href="#id_antal">Antal skal være et helt tal, fx 10 eller -5.</a>' in html
    assert 'value="i går"' in html  # what was typed stays in the field


# --- HTMX ---------------------------------------------------------------------------------


def test_htmx_gets_only_the_result_fragment(side_a):
    response = calculate(
        client_for(side_a.caseworker),
        datetime.date(2026, 12, 23),
        2,
        **HTMX,
        **{"HX-Target": "calculator-result"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert result_date(html) == datetime.date(2026, 12, 29)
    assert "tirsdag den 29.12.2026" in html
    assert "<html" not in html and "<form" not in html and "<h1>" not in html
    assert "HX-Request" in response["Vary"]
    assert "HX-Retarget" not in response


def test_htmx_with_errors_swaps_the_form_with_its_errors(side_a):
    response = client_for(side_a.caseworker).get(
        URL,
        {"startdato": "16.04.2025", "antal": "tre", "enhed": "arbejdsdage"},
        headers={**HTMX, "HX-Target": "calculator-result"},
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx responses only
    assert response["HX-Retarget"] == "#calculator"
    assert response["HX-Reswap"] == "innerHTML"
    assert "Antal skal være et helt tal, fx 10 eller -5." in html
    assert 'id="calculator-form"' in html and 'id="calculator-result"' in html
    assert "<html" not in html and "<h1>" not in html
    assert result_date(html) is None


def test_the_forms_work_with_and_without_htmx(side_a):
    html = client_for(side_a.caseworker).get(URL).content.decode()
    form_match = re.search(r'<form id="calculator-form"[^>]*>', html)
    assert form_match is not None
    form = form_match.group(0)
    assert 'method="get"' in form and f'action="{URL}"' in form
    assert f'hx-get="{URL}"' in form and 'hx-target="#calculator-result"' in form
    assert 'id="calculator-result" class="mt-6" aria-live="polite"' in html
    year_form_match = re.search(r'<form id="closed-days-form"[^>]*>', html)
    assert year_form_match is not None
    year_form = year_form_match.group(0)
    assert 'method="get"' in year_form and 'hx-target="#closed-days-result"' in year_form


def test_a_history_restore_gets_the_whole_page(side_a):
    response = calculate(
        client_for(side_a.caseworker),
        datetime.date(2026, 12, 23),
        2,
        **HTMX,
        **{"HX-History-Restore-Request": "true", "HX-Target": "calculator-result"},
    )
    assert "<html" in response.content.decode()


# --- closed days of a year ----------------------------------------------------------------


def test_closed_days_of_a_chosen_year_match_the_api(side_a):
    html = client_for(side_a.caseworker).get(URL, {"aar": "2026"}).content.decode()
    api = APIClient().get("/api/v1/calendar/closed-days", {"year": 2026}).json()
    assert "Helligdage og lukkedage i 2026" in html
    for day in api:
        assert f'<time datetime="{day["date"]}">' in html
        assert f"<td>{day['name']}</td>" in html
    assert "fredag den 03.04.2026" in html  # Langfredag
    assert "fredag den 05.06.2026" in html  # Grundlovsdag, a lukkedag
    assert "lørdag den 26.12.2026" in html  # Anden juledag, in a weekend
    assert "1. maj" not in html


def test_the_year_follows_the_calculation(side_a):
    html = calculate(client_for(side_a.caseworker), datetime.date(2025, 4, 16), 1).content
    assert "Helligdage og lukkedage i 2025" in html.decode()


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("tyve", "Året skal være et helt tal, fx 2027."),
        ("1800", "Året skal være 1900 eller senere."),
    ],
)
def test_a_bad_year_shows_a_danish_error(side_a, year, message):
    html = client_for(side_a.caseworker).get(URL, {"aar": year}).content.decode()
    assert "Lukkedagene kunne ikke vises" in html
    assert message in html
    assert "<caption" not in html


def test_htmx_year_request_gets_only_the_table(side_a):
    response = client_for(side_a.caseworker).get(
        URL, {"aar": "2027"}, headers={**HTMX, "HX-Target": "closed-days-result"}
    )
    html = response.content.decode()
    assert "Helligdage og lukkedage i 2027" in html
    assert "<form" not in html and "<html" not in html
    bad = client_for(side_a.caseworker).get(
        URL, {"aar": "x"}, headers={**HTMX, "HX-Target": "closed-days-result"}
    )
    assert bad["HX-Retarget"] == "#closed-days"
    assert "Året skal være et helt tal, fx 2027." in bad.content.decode()


def test_switching_off_a_closed_day_changes_the_page_like_the_api(side_a, settings):
    settings.SAGSBRO_CLOSED_DAYS = {
        "grundlovsdag": False,
        "christmas_eve": True,
        "new_years_eve": True,
    }
    configured_calendar.cache_clear()
    try:
        html = calculate(
            client_for(side_a.caseworker), datetime.date(2026, 6, 4), 1
        ).content.decode()
        assert result_date(html) == datetime.date(2026, 6, 5)
        assert "Grundlovsdag (5. juni): arbejdsdag" in html
    finally:
        configured_calendar.cache_clear()
