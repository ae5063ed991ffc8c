"""The server-rendered pages: log-in, worklist per role, case page, actions and static files."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case, CaseNote
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.web.worklist import DeadlineBadge
from sagsbro.conftest import assigned_case, make_case, sent_case
from sagsbro.organisations.roles import Role

STATIC_REFERENCE = re.compile(r'(?:href|src)="/static/([^"#?]+)')


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def audit_count(user, action):
    return AuditEntry.objects.filter(user=user, action=action).count()


# --- log-in and static files ----------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_renders_danish_with_the_dkfds_stylesheet(client):
    response = client.get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da"' in html
    assert '<link rel="stylesheet" href="/static/dkfds/css/dkfds.min.css">' in html
    assert "Gå til hovedindhold" in html
    assert 'id="main-content"' in html
    assert "Log ind" in html
    # The test settings do not show the demo users.
    assert "Demobrugere" not in html


def test_login_page_lists_demo_users_only_in_the_demo(client, side_a, settings):
    settings.SAGSBRO_SHOW_DEMO_LOGINS = True
    html = client.get("/login/").content.decode()
    assert "Demobrugere" in html
    assert "demo1234" in html
    assert side_a.caseworker.username in html
    assert "Sagsbehandler" in html
    assert side_a.municipality.name in html
    assert "De øvrige logger ind" not in html  # all of them fit


def test_login_page_lists_a_bounded_number_of_demo_users(client, side_a, settings, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sagsbro.organisations.web import views

    settings.SAGSBRO_SHOW_DEMO_LOGINS = True
    monkeypatch.setattr(views, "DEMO_USERS_SHOWN", 3)
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/login/").content.decode()
    assert html.count('class="function-link demo-login-fill"') == 3
    assert "Viser 3 af" in html
    assert len(captured.captured_queries) <= 3


def test_login_with_wrong_password_shows_an_error_summary(client, side_a):
    response = client.post("/login/", {"username": side_a.caseworker.username, "password": "x"})
    assert response.status_code == 200
    assert 'data-module="error-summary"' in response.content.decode()


def test_login_and_logout(client, side_a):
    response = client.post(
        "/login/", {"username": side_a.caseworker.username, "password": "test-password-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_worklist_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_every_static_file_that_the_pages_reference_is_found(side_a):
    make_case(side_a, Subtype.REHABILITERINGSTEAM)
    html = client_for(side_a.caseworker).get("/").content.decode()
    referenced = set(STATIC_REFERENCE.findall(html))
    assert {
        "dkfds/css/dkfds.min.css",
        "dkfds/js/dkfds.min.js",
        "htmx/htmx.min.js",
        "sagsbro/app.js",
        "sagsbro/app.css",
        "dkfds/img/all-svg-icons.svg",
    } <= referenced
    for path in referenced:
        assert finders.find(path) is not None, path


def test_fonts_and_images_the_stylesheet_needs_are_served_from_the_package():
    stylesheet = finders.find("dkfds/css/dkfds.min.css")
    assert isinstance(stylesheet, str)
    css = open(stylesheet, encoding="utf-8").read()
    relative = set(re.findall(r"url\(\.\./((?:fonts|img)/[^)?#]+)\)", css))
    assert any(p.endswith(".woff2") for p in relative)
    for path in relative:
        assert finders.find(f"dkfds/{path}") is not None, path


def test_htmx_is_version_2():
    htmx_path = finders.find("htmx/htmx.min.js")
    assert isinstance(htmx_path, str)
    htmx = open(htmx_path, encoding="utf-8").read()
    assert re.search(r'version:\s*"2\.', htmx)


def test_pages_carry_no_inline_script_or_style(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    client = client_for(side_a.caseworker)
    for url in ("/", f"/sager/{case.pk}/", "/login/"):
        response = client.get(url)
        html = response.content.decode()
        assert "Content-Security-Policy" in response.headers
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "<style" not in html, url
        assert ' style="' not in html, url
        assert " onclick=" not in html, url


# --- worklist -------------------------------------------------------------------------------


def test_caseworker_sees_own_municipality_only_and_what_awaits_them(side_a, side_b):
    own = make_case(side_a, Subtype.LOEBENDE_SAG)
    returned = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    case_services.return_for_information(side_a.coordinator, returned, "Mangler LÆ 265")
    other = make_case(side_b, Subtype.LOEBENDE_SAG)

    response = client_for(side_a.caseworker).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert own.reference in html
    assert returned.reference in html
    assert other.reference not in html
    assert side_b.citizen.name not in html
    assert "Afventer dig" in html
    assert "Send sagen igen med de manglende oplysninger" in html
    # Name and role of the person logged in, and the organisation.
    assert "Anna Caseworker" in html
    assert "Sagsbehandler" in html
    assert side_a.municipality.name in html
    # Masked CPR only.
    assert "010180-XXXX" in html
    assert side_a.citizen.cpr not in html
    assert "010180-1234" not in html


def test_team_member_sees_the_municipality_cases(side_a, side_b):
    own = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    other = make_case(side_b, Subtype.REHABILITERINGSTEAM)
    html = client_for(side_a.team_member).get("/").content.decode()
    assert own.reference in html
    assert other.reference not in html


def test_secretariat_sees_inbox_workload_and_contact_wishes(side_a, side_b):
    inbox = sent_case(side_a, Subtype.LOEBENDE_SAG)
    assigned = assigned_case(side_a, Subtype.LOEBENDE_SAG, contact_preference="contact_first")
    CaseNote.objects.create(
        case=inbox,
        author=side_a.caseworker,
        text="Ring gerne",
        contact_preference="contact_first",
        contact_times="man–ons kl. 9–12",
    )
    draft = make_case(side_a, Subtype.LOEBENDE_SAG)
    other = sent_case(side_b, Subtype.LOEBENDE_SAG)

    html = client_for(side_a.secretariat).get("/").content.decode()
    assert 'Nye sager til fordeling <span class="count">(1)</span>' in html
    assert inbox.reference in html
    assert assigned.reference in html
    assert draft.reference not in html
    assert other.reference not in html
    assert "Sundhedskoordinatorernes sager" in html
    workload = html.split('id="workload-heading"')[1].split("</table>")[0]
    assert 'Anna Coordinator</td><td class="text-right">1</td>' in workload.replace("\n", "")
    assert 'Anna Coordinator2</td><td class="text-right">0</td>' in workload.replace("\n", "")
    contact = html.split('id="contact-heading"')[1].split("</section>")[0]
    assert inbox.reference in contact
    assert assigned.reference in contact
    assert "man–ons kl. 9–12" in contact


def test_coordinator_sees_own_cases_with_the_question_first(side_a, side_b):
    mine = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    colleague = case_services.assign_coordinator(
        side_a.secretariat, sent_case(side_a, Subtype.LOEBENDE_SAG), side_a.coordinator_2
    )
    other = assigned_case(side_b, Subtype.LOEBENDE_SAG)

    html = client_for(side_a.coordinator).get("/").content.decode()
    assert mine.reference in html
    assert colleague.reference not in html
    assert other.reference not in html
    assert "Mine sager" in html
    header = html.split("<thead>", 2)[1]
    assert header.index("Spørgsmål") < header.index("Sag</th>")
    assert "Kan borgeren fortsætte i ressourceforløbet?" in html


def test_gp_and_administrator_get_no_case_list(side_a, national_admin):
    assigned_case(side_a, Subtype.LOEBENDE_SAG)
    for user in (side_a.gp, side_a.municipal_admin, national_admin):
        response = client_for(user).get("/")
        assert response.status_code == 200
        assert "SB-" not in response.content.decode()


def test_worklist_filters_by_state_and_subtype(side_a):
    draft = make_case(side_a, Subtype.LOEBENDE_SAG)
    team = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    sent = sent_case(side_a, Subtype.LOEBENDE_SAG)
    client = client_for(side_a.caseworker)

    def table(url):
        html = client.get(url).content.decode()
        return html.split('id="case-results"')[1]

    by_state = table("/?status=sent")
    assert sent.reference in by_state
    assert draft.reference not in by_state
    by_subtype = table("/?undertype=rehabiliteringsteam")
    assert team.reference in by_subtype
    assert draft.reference not in by_subtype
    # Unknown values fall back to the defaults instead of failing.
    fallback = table("/?status=nonsense&undertype=x&sortering=y&side=0")
    assert draft.reference in fallback and team.reference in fallback


def test_htmx_filter_request_gets_the_table_fragment_only(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    client = client_for(side_a.caseworker)
    response = client.get("/?status=draft", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert case.reference in html
    assert "<html" not in html
    assert "Afventer dig" not in html
    assert 'class="table case-table' in html
    assert "HX-Request" in response.headers["Vary"]
    # A history restore gets the whole page.
    restore = client.get(
        "/?status=draft", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()


def test_worklist_audits_every_case_shown_once(side_a, side_b):
    cases = [make_case(side_a, Subtype.LOEBENDE_SAG) for _ in range(3)]
    returned = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    case_services.return_for_information(side_a.coordinator, returned, "Mangler oplysninger")
    make_case(side_b, Subtype.LOEBENDE_SAG)
    client_for(side_a.caseworker).get("/")
    entries = AuditEntry.objects.filter(user=side_a.caseworker, action="list")
    # The returned case is both in "Afventer dig" and in the table: one entry.
    # A list entry always names its case, so the ids sort (None would fail the comparison).
    assert sorted(entries.values_list("case_id", flat=True)) == sorted(  # type: ignore[type-var]
        [c.pk for c in cases] + [returned.pk]
    )
    assert set(entries.values_list("channel", flat=True)) == {"web"}


def _worklist_queries(user, url="/"):
    client = client_for(user)
    client.get(url)  # warm up the session and the calendar cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _returned(side):
    case = assigned_case(side, Subtype.LOEBENDE_SAG)
    return case_services.return_for_information(side.coordinator, case, "Mangler oplysninger")


def _make_cases(side, count):
    for index in range(count):
        if index % 3 == 0:
            _returned(side)
        elif index % 3 == 1:
            assigned_case(side, Subtype.LOEBENDE_SAG, contact_preference="contact_first")
        else:
            sent_case(side, Subtype.REHABILITERINGSTEAM)


@pytest.mark.parametrize("role", ["caseworker", "secretariat", "coordinator"])
def test_worklist_queries_do_not_grow_with_the_number_of_cases(side_a, role):
    user = getattr(side_a, role)
    _make_cases(side_a, 3)
    # Sorted by the next deadline, a page reads the cases with and without one apart.
    urls = ["/", "/?status=alle&sortering=moede", "/?status=alle&sortering=frist"]
    with_three = [_worklist_queries(user, url) for url in urls]
    _make_cases(side_a, 27)
    assert Case.objects.visible_to(user).count() >= (10 if role == "coordinator" else 30)
    assert [_worklist_queries(user, url) for url in urls] == with_three


# --- deadline badges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "level", "text"),
    [
        (-3, "overdue", "Overskredet med 3 hverdage"),
        (-1, "overdue", "Overskredet med 1 hverdag"),
        (0, "today", "Frist i dag"),
        (1, "soon", "Frist om 1 hverdag"),
        (2, "soon", "Frist om 2 hverdage"),
        (3, "", ""),
    ],
)
def test_deadline_badge_levels(days_left, level, text):
    badge = DeadlineBadge(due=datetime.date(2026, 3, 2), days_left=days_left)
    assert badge.level == level
    assert badge.text == text


def test_worklist_shows_an_overdue_badge(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    case.deadlines.update(due=timezone.localdate() - datetime.timedelta(days=10))
    html = client_for(side_a.coordinator).get("/").content.decode()
    assert 'class="badge badge-error">Overskredet med' in html


# --- case page ------------------------------------------------------------------------------


def test_case_page_shows_overview_and_writes_one_read_entry(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client = client_for(side_a.caseworker)
    before = audit_count(side_a.caseworker, "read")
    response = client.get(f"/sager/{case.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert audit_count(side_a.caseworker, "read") == before + 1
    entry = AuditEntry.objects.filter(user=side_a.caseworker, action="read").last()
    assert entry is not None
    assert (entry.case_id, entry.channel) == (case.pk, "web")
    assert "Løbende sag" in html
    assert side_a.citizen.name in html
    assert "010180-XXXX" in html
    assert side_a.citizen.cpr not in html
    assert "BEK § 22" in html  # the deadline's source
    assert 'aria-current="page"><span>Overblik' in html
    assert "Anna Coordinator" in html


@pytest.mark.parametrize("tab", ["dokumenter", "sundhedskoordinator", "historik", "noter"])
def test_every_tab_renders_and_is_audited_once(side_a, tab):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client = client_for(side_a.coordinator)
    before = audit_count(side_a.coordinator, "read")
    response = client.get(f"/sager/{case.pk}/{tab}/")
    assert response.status_code == 200
    assert audit_count(side_a.coordinator, "read") == before + 1
    assert 'aria-current="page"><span>' in response.content.decode()


def test_history_tab_shows_every_event_with_actor(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    html = client_for(side_a.caseworker).get(f"/sager/{case.pk}/historik/").content.decode()
    for event in case.events.all():
        assert event.label in html
    assert "Anna Secretariat" in html


def test_documents_tab_lists_documents(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    html = client_for(side_a.caseworker).get(f"/sager/{case.pk}/dokumenter/").content.decode()
    assert "Nye helbredsoplysninger" in html
    assert "/api/v1/documents/" in html


def test_case_page_is_404_for_other_organisations_and_gps(side_a, side_b):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    draft = make_case(side_a, Subtype.LOEBENDE_SAG)
    for user in (side_b.caseworker, side_b.secretariat, side_b.coordinator, side_a.gp):
        assert client_for(user).get(f"/sager/{case.pk}/").status_code == 404, user
    assert client_for(side_a.coordinator_2).get(f"/sager/{case.pk}/").status_code == 404
    assert client_for(side_a.secretariat).get(f"/sager/{draft.pk}/").status_code == 404
    assert client_for(side_a.caseworker).get(f"/sager/{case.pk}/ukendt/").status_code == 404
    assert not AuditEntry.objects.filter(user=side_b.caseworker, action="read").exists()


def test_case_page_shows_the_actions_the_role_may_take(side_a):
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    secretariat = client_for(side_a.secretariat).get(f"/sager/{case.pk}/").content.decode()
    assert "Tildel sundhedskoordinator" in secretariat
    assert f"/sager/{case.pk}/handling/assign/" in secretariat
    caseworker = client_for(side_a.caseworker).get(f"/sager/{case.pk}/").content.decode()
    assert "Tildel sundhedskoordinator" not in caseworker
    assert "Træk sagen tilbage" in caseworker


# --- actions --------------------------------------------------------------------------------


def test_send_action_moves_the_case_through_the_service(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    client = client_for(side_a.caseworker)
    assert client.get(f"/sager/{case.pk}/handling/send/").status_code == 200
    response = client.post(f"/sager/{case.pk}/handling/send/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "sent"
    assert case.events.filter(kind="send").exists()
    assert AuditEntry.objects.filter(case_id=case.pk, action="transition", channel="web").exists()


def test_service_refusal_is_shown_in_an_error_summary(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    response = client_for(side_a.caseworker).post(f"/sager/{case.pk}/handling/send/")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-module="error-summary"' in html
    assert "Sagsresumé med det konkrete spørgsmål" in html
    case.refresh_from_db()
    assert case.state == "draft"


def test_form_errors_are_danish_and_linked(side_a):
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    response = client_for(side_a.secretariat).post(
        f"/sager/{case.pk}/handling/return_for_information/", {"reason": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_reason"' in html
    assert "Angiv en begrundelse." in html


def test_assign_and_answer_through_the_pages(side_a):
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    secretariat = client_for(side_a.secretariat)
    form = secretariat.get(f"/sager/{case.pk}/handling/assign/").content.decode()
    assert "Anna Coordinator" in form
    response = secretariat.post(
        f"/sager/{case.pk}/handling/assign/", {"assignee": side_a.coordinator.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.coordinator == side_a.coordinator

    coordinator = client_for(side_a.coordinator)
    response = coordinator.post(
        f"/sager/{case.pk}/handling/answer/",
        {"text": "Borgeren kan fortsætte.", "recommendations": ["continue_plan"]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "answered"
    assert case.advice.get().recommendations == ["continue_plan"]


def test_action_not_allowed_now_redirects_with_a_message(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    client = client_for(side_a.caseworker)
    response = client.post(f"/sager/{case.pk}/handling/close/", follow=True)
    assert "kan ikke udføres på sagen nu" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "draft"
    assert client.get(f"/sager/{case.pk}/handling/nonsense/").status_code == 404


def test_actions_are_404_for_other_organisations(side_a, side_b):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    response = client_for(side_b.caseworker).post(f"/sager/{case.pk}/handling/send/")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == "draft"


def test_add_note_through_the_page(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client = client_for(side_a.caseworker)
    response = client.post(
        f"/sager/{case.pk}/noter/ny/",
        {"text": "Ring venligst", "contact_preference": "contact_first", "contact_times": "9-12"},
    )
    assert response.status_code == 302
    note = case.notes.get()
    assert (note.text, note.contact_times) == ("Ring venligst", "9-12")
    empty = client.post(f"/sager/{case.pk}/noter/ny/", {"text": ""})
    assert empty.status_code == 400
    assert "Skriv en note." in empty.content.decode()


def test_role_labels_in_header_come_from_the_role_choices(side_a):
    html = client_for(side_a.coordinator).get("/").content.decode()
    assert Role.COORDINATOR.label in html
    assert side_a.region.klinisk_funktion_name in html
