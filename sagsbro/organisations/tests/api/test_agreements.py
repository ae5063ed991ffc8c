"""Collaboration agreements (samarbejdsaftaler, BEK § 20): the region's administrator reads
and changes them through the pages and the API; a change is a new version that reaches only
cases received after it; without an agreement the executive order's deadlines apply."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case, Deadline
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.agreements import save_agreement
from sagsbro.conftest import api_client, sent_case
from sagsbro.core.errors import ServiceError
from sagsbro.organisations.models import AgreementDeadlineRule, CollaborationAgreement

CPH = ZoneInfo("Europe/Copenhagen")
API = "/api/v1"
TEN_WORKING_DAYS = {
    "subtype": "loebende_sag",
    "kind": "written_answer",
    "count": 10,
    "unit": "working_days",
    "source": "Procedure Løbende sag",
}


def _receive(case, day):
    """Pin the day the region received the case and recompute its deadlines."""
    when = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=CPH)
    Case.objects.filter(pk=case.pk).update(received_at=when, received_in_designated_inbox=True)
    case_services.recompute_deadlines(Case.objects.get(pk=case.pk))
    return Deadline.objects.get(case=case, kind="written_answer")


def _agreements():
    return list(
        CollaborationAgreement.objects.order_by("pk").values_list(
            "municipality_id", "valid_from", "valid_to", "expected_cases_per_year"
        )
    ), list(
        AgreementDeadlineRule.objects.order_by("pk").values_list(
            "agreement_id", "subtype", "kind", "count", "unit", "source"
        )
    )


def _old_agreement(side):
    agreement = CollaborationAgreement.objects.create(
        region=side.region,
        municipality=side.municipality,
        valid_from=datetime.date(2026, 1, 1),
        expected_cases_per_year=420,
    )
    AgreementDeadlineRule.objects.create(agreement=agreement, **TEN_WORKING_DAYS)
    return agreement


def test_without_an_agreement_the_executive_orders_deadline_applies(side_a):
    assert not CollaborationAgreement.objects.exists()
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    written = _receive(case, datetime.date(2026, 3, 25))
    # BEK § 22: 14 days after Wednesday 25 March 2026.
    assert (written.due, written.source) == (datetime.date(2026, 4, 8), "BEK § 22")
    assert case_services.agreement_overrides(case) == {}


def test_a_change_reaches_only_cases_received_afterwards(side_a):
    old = _old_agreement(side_a)
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    before = sent_case(side_a, Subtype.LOEBENDE_SAG)
    written = _receive(before, today)
    assert written.source == "Procedure Løbende sag"
    old_due = written.due

    version = save_agreement(
        side_a.regional_admin,
        side_a.municipality,
        rules=[{**TEN_WORKING_DAYS, "count": 5, "source": "Samarbejdsaftale 2027, pkt. 4"}],
    )
    assert (version.valid_from, version.valid_to, version.expected_cases_per_year) == (
        tomorrow,
        None,
        420,
    )
    old.refresh_from_db()
    assert old.valid_to == today
    assert list(version.deadline_rules.values_list("count", "source")) == [
        (5, "Samarbejdsaftale 2027, pkt. 4")
    ]

    # The case received before keeps its deadline, however often it is recomputed.
    case_services.recompute_deadlines(Case.objects.get(pk=before.pk))
    written = Deadline.objects.get(case=before, kind="written_answer")
    assert (written.due, written.source) == (old_due, "Procedure Løbende sag")
    # A case received from tomorrow gets the new one.
    after = sent_case(side_a, Subtype.LOEBENDE_SAG)
    written = _receive(after, tomorrow)
    assert written.source == "Samarbejdsaftale 2027, pkt. 4"

    entry = AuditEntry.objects.filter(object_type="agreement").last()
    assert entry is not None
    assert (entry.user_id, entry.action, entry.object_id) == (
        side_a.regional_admin.pk,
        "create",
        str(version.pk),
    )
    assert entry.case_id is None and entry.citizen_id is None


def test_changes_on_the_same_day_edit_the_version_not_yet_in_force(side_a):
    _old_agreement(side_a)
    first = save_agreement(side_a.regional_admin, side_a.municipality, rules=[TEN_WORKING_DAYS])
    second = save_agreement(
        side_a.regional_admin, side_a.municipality, rules=[], expected_cases_per_year=500
    )
    assert second.pk == first.pk
    assert CollaborationAgreement.objects.count() == 2
    assert second.deadline_rules.count() == 0
    assert second.expected_cases_per_year == 500
    last_entry = AuditEntry.objects.filter(object_type="agreement").last()
    assert last_entry is not None and last_entry.action == "update"
    # An agreement without deadline rules: cases received under it follow the BEK.
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    written = _receive(case, second.valid_from)
    assert written.source == "BEK § 22"


def test_a_municipality_gets_its_first_agreement(side_a):
    version = save_agreement(side_a.regional_admin, side_a.municipality, rules=[TEN_WORKING_DAYS])
    assert version.valid_from == timezone.localdate() + datetime.timedelta(days=1)
    assert (version.expected_cases_per_year, version.notice_months) == (0, 9)


@pytest.mark.parametrize(
    "rule, code, message",
    [
        ({"kind": "ukendt"}, "unknown_kind", "Linje 1: ukendt frist »ukendt«."),
        ({"subtype": "x"}, "unknown_subtype", "Linje 1: ukendt undertype »x«."),
        ({"unit": "aar"}, "unknown_unit", "Linje 1: ukendt enhed »aar«."),
        (
            {"count": 0},
            "count_out_of_range",
            "Linje 1: antallet skal være mellem 1 og 260 hverdage.",
        ),
        (
            {"count": 13, "unit": "months"},
            "count_out_of_range",
            "Linje 1: antallet skal være mellem 1 og 12 måneder.",
        ),
        (
            {"source": "  "},
            "source_required",
            "Linje 1: angiv kilden til fristen (fx aftalens punkt).",
        ),
    ],
)
def test_bad_rules_are_refused_and_change_nothing(side_a, rule, code, message):
    _old_agreement(side_a)
    before = _agreements()
    with pytest.raises(ServiceError) as refused:
        save_agreement(
            side_a.regional_admin, side_a.municipality, rules=[{**TEN_WORKING_DAYS, **rule}]
        )
    assert (refused.value.code, refused.value.message) == (code, message)
    assert _agreements() == before


def test_a_repeated_rule_is_refused(side_a):
    with pytest.raises(ServiceError) as refused:
        save_agreement(
            side_a.regional_admin, side_a.municipality, rules=[TEN_WORKING_DAYS, TEN_WORKING_DAYS]
        )
    assert refused.value.code == "duplicate_rule"
    assert not CollaborationAgreement.objects.exists()


def test_only_the_regions_administrator_changes_an_agreement(side_a, side_b):
    _old_agreement(side_a)
    before = _agreements()
    for user, status in [
        (side_a.municipal_admin, 403),
        (side_a.secretariat, 403),
        (side_a.caseworker, 403),
        (side_b.regional_admin, 404),
    ]:
        with pytest.raises(ServiceError) as refused:
            save_agreement(user, side_a.municipality, rules=[])
        assert refused.value.status == status, user.username
    assert _agreements() == before


# --- API --------------------------------------------------------------------------------


def test_api_lists_and_changes_the_regions_agreements(side_a, side_b):
    old = _old_agreement(side_a)
    _old_agreement(side_b)
    client = api_client(side_a.regional_admin)
    rows = client.get(f"{API}/agreements/").json()["results"]
    assert [(r["id"], r["municipality"]["name"]) for r in rows] == [(old.pk, "Københavns Kommune")]
    assert rows[0]["rules"] == [TEN_WORKING_DAYS]
    detail = client.get(f"{API}/agreements/{old.pk}/").json()
    assert (detail["valid_from"], detail["valid_to"]) == ("2026-01-01", None)

    response = client.post(
        f"{API}/agreements/",
        {"municipality": side_a.municipality.pk, "rules": [{**TEN_WORKING_DAYS, "count": 7}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert (body["valid_from"], body["rules"][0]["count"]) == (tomorrow.isoformat(), 7)
    assert client.get(f"{API}/agreements/{old.pk}/").json()["valid_to"] == (
        timezone.localdate().isoformat()
    )

    bad = client.post(
        f"{API}/agreements/",
        {"municipality": side_a.municipality.pk, "rules": [{**TEN_WORKING_DAYS, "count": 0}]},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "count_out_of_range"


def test_api_hides_agreements_from_everyone_else(side_a, side_b):
    old = _old_agreement(side_a)
    before = _agreements()
    payload = {"municipality": side_a.municipality.pk, "rules": [TEN_WORKING_DAYS]}
    for user in [*side_b.users(), *[u for u in side_a.users() if u != side_a.regional_admin]]:
        client = api_client(user)
        assert client.get(f"{API}/agreements/").json()["results"] == [], user.username
        assert client.get(f"{API}/agreements/{old.pk}/").status_code == 404, user.username
        response = client.post(f"{API}/agreements/", payload, format="json")
        assert response.status_code in (403, 404), user.username
    assert api_client().get(f"{API}/agreements/").status_code in (401, 403)
    assert _agreements() == before


# --- pages --------------------------------------------------------------------------------


def test_region_admin_sees_a_paginated_list_of_the_regions_municipalities(side_a, client):
    _old_agreement(side_a)
    client.force_login(side_a.regional_admin)
    page = client.get("/samarbejdsaftaler/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Side 1 af 2" in text  # Region Hovedstaden's 29 municipalities, 20 a page
    assert "Albertslund Kommune" in text
    assert "Ingen aftale – bekendtgørelsens frister gælder" in text
    assert "Aarhus" not in text
    second = client.get("/samarbejdsaftaler/?side=2").content.decode()
    assert "Side 2 af 2" in second
    assert "Københavns Kommune" in second and "Fra 01.01.2026" in second
    assert "Samarbejdsaftaler" in client.get("/").content.decode()


def test_region_admin_changes_the_deadlines_through_the_page(side_a, client):
    _old_agreement(side_a)
    client.force_login(side_a.regional_admin)
    url = f"/samarbejdsaftaler/kommune/{side_a.municipality.pk}/"
    page = client.get(url).content.decode()
    assert "Procedure Løbende sag" in page and "10 hverdage" in page
    assert "BEK § 22" in page  # the fallback table

    form = {
        "expected_cases_per_year": "430",
        "notice_months": "9",
        "page_budget": "50",
        "regel-TOTAL_FORMS": "3",
        "regel-INITIAL_FORMS": "1",
        "regel-0-subtype": "loebende_sag",
        "regel-0-kind": "written_answer",
        "regel-0-count": "8",
        "regel-0-unit": "working_days",
        "regel-0-source": "Samarbejdsaftale 2027",
        "regel-1-subtype": "klinisk_funktion",
        "regel-1-kind": "certificate_after_request",
        "regel-1-count": "21",
        "regel-1-unit": "calendar_days",
        "regel-1-source": "Samarbejdsaftale 2027",
        "regel-2-unit": "working_days",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.get(response["Location"]).content.decode()
    assert f"Fristerne gælder for sager, regionen modtager fra {tomorrow:%d.%m.%Y}." in page
    assert f"Ny version fra {tomorrow:%d.%m.%Y}" in page
    version = CollaborationAgreement.objects.get(valid_from=tomorrow)
    assert version.expected_cases_per_year == 430
    assert sorted(version.deadline_rules.values_list("subtype", "count", "unit")) == [
        ("klinisk_funktion", 21, "calendar_days"),
        ("loebende_sag", 8, "working_days"),
    ]

    # Bad input: a Danish error summary, nothing changed.
    before = _agreements()
    bad = client.post(url, {**form, "regel-0-count": "0"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Aftalen blev ikke gemt" in text
    assert "Linje 1: antallet skal være mellem 1 og 260 hverdage." in text
    assert _agreements() == before


def test_pages_are_closed_to_everyone_else(side_a, side_b, client):
    _old_agreement(side_a)
    url = f"/samarbejdsaftaler/kommune/{side_a.municipality.pk}/"
    before = _agreements()
    client.force_login(side_b.regional_admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"expected_cases_per_year": "1"}).status_code == 404
    assert "København" not in client.get("/samarbejdsaftaler/").content.decode()
    for user in (side_a.municipal_admin, side_a.secretariat, side_a.caseworker):
        client.force_login(user)
        assert client.get("/samarbejdsaftaler/").status_code == 403
        assert client.get(url).status_code == 403
        assert "/samarbejdsaftaler/" not in client.get("/").content.decode()
    assert _agreements() == before
