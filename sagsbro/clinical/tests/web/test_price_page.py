"""The price page (BEK § 18): the average with its warning, recording a cost in Danish number
format, the national administrator's index form and the regions' read-only national index;
refusals change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import AssessmentCost, PriceIndex
from sagsbro.clinical.services import prices
from sagsbro.conftest import assigned_case
from sagsbro.core.forms import parse_amount
from sagsbro.organisations.models import CollaborationAgreement

URL = "/klinisk/priser/"


def _cost_form(case, **overrides):
    return {
        "form": "cost",
        "cost-reference": case.reference,
        "cost-kind": "own",
        "cost-amount": "14.000,00",
        "cost-incurred_on": "03.02.2025",
        "cost-description": "",
    } | overrides


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("14.000,00", Decimal("14000.00")),
        ("14000,5", Decimal("14000.5")),
        ("14 000", Decimal("14000")),
        ("14000.50", Decimal("14000.50")),
        ("14.000", Decimal("14000")),
        ("128,40", Decimal("128.40")),
        ("abc", None),
        ("Infinity", None),
    ],
)
def test_parse_amount(text, value):
    assert parse_amount(text) == value


def test_secretariat_records_a_cost_and_sees_the_warning(side_a, national_admin, client):
    prices.set_price_index(national_admin, 2025, "128.00")
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    client.force_login(side_a.secretariat)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Der er ikke registreret udgifter endnu." in page.content.decode()

    response = client.post(URL, _cost_form(case, **{"cost-amount": "16.640,00"}))
    assert response.status_code == 302
    cost = AssessmentCost.objects.get()
    assert (cost.amount, cost.incurred_on) == (Decimal("16640.00"), datetime.date(2025, 2, 3))

    text = client.get(URL).content.decode()
    # 16,640 / 1.28 = 13,000 in 2011 prices = 92.9 % of the cap: a warning.
    assert "Gennemsnitsprisen for 2025 nærmer sig loftet" in text
    assert "16.640,00 kr. pr. sag mod et loft på 17.920,00 kr." in text
    assert case.reference in text
    assert AuditEntry.objects.filter(
        action="list", user=side_a.secretariat, case_id=case.pk, channel="web"
    ).exists()
    # The secretariat has no index form.
    assert 'name="form" value="index"' not in text


def test_bad_cost_shows_danish_errors_and_saves_nothing(side_a, side_b, client):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    client.force_login(side_a.secretariat)
    response = client.post(URL, _cost_form(case, **{"cost-amount": "mange"}))
    assert response.status_code == 400
    assert "Angiv beløbet som et tal, fx 14.000,00." in response.content.decode()
    response = client.post(URL, _cost_form(case, **{"cost-reference": "KF-FINDES-IKKE"}))
    assert response.status_code == 400
    assert "Vælg en sag i klinisk funktion i din region." in response.content.decode()
    # Region B's secretariat cannot put a cost on region A's case.
    client.force_login(side_b.secretariat)
    response = client.post(URL, _cost_form(case))
    assert response.status_code == 400
    assert not AssessmentCost.objects.exists()


def test_the_national_administrator_keeps_the_index(side_a, national_admin, client):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    prices.record_cost(
        side_a.secretariat,
        case,
        kind="own",
        amount="16000.00",
        incurred_on=datetime.date(2025, 2, 3),
    )
    client.force_login(national_admin)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="form" value="index"' in text
    assert 'name="form" value="cost"' not in text
    assert "Prisindekset er nationalt: det samme indeks gælder for alle regioners" in text
    assert 'href="/klinisk/priser/"' in text  # the "Priser" link
    # No region's figures and no case.
    assert "Gennemsnitspris pr. sag mod loftet" not in text
    assert case.reference not in text
    response = client.post(URL, {"form": "index", "index-year": "2025", "index-index": "128,40"})
    assert response.status_code == 302
    assert list(PriceIndex.objects.values_list("year", "index", "set_by")) == [
        (2025, Decimal("128.40"), national_admin.pk)
    ]
    # 14,000 x 1.284 = 17,976.00.
    assert "17.976,00 kr." in client.get(URL).content.decode()
    response = client.post(URL, {"form": "index", "index-year": "2011", "index-index": "99"})
    assert response.status_code == 400
    assert "indekset for 2011 er altid 100,00" in response.content.decode()
    assert not AuditEntry.objects.filter(user=national_admin, case_id__isnull=False).exists()


def test_regions_and_municipalities_read_the_national_index(side_a, side_b, national_admin, client):
    prices.set_price_index(national_admin, 2025, "128.40")
    note = "Prisindekset er nationalt og gælder for alle regioner."
    for user in (
        side_a.secretariat,
        side_a.regional_admin,
        side_b.secretariat,
        side_b.regional_admin,
        side_a.municipal_admin,
    ):
        client.force_login(user)
        page = client.get(URL)
        assert page.status_code == 200, user
        text = page.content.decode()
        # The same national figure for everyone, read-only.
        assert "128,40" in text and "17.976,00 kr." in text, user
        assert note in text, user
        assert 'name="form" value="index"' not in text, user
        # Trying anyway changes nothing.
        response = client.post(URL, {"form": "index", "index-year": "2025", "index-index": "99"})
        assert response.status_code == 403, user
    # The municipality's administrator sees the index only, no region's averages.
    client.force_login(side_a.municipal_admin)
    text = client.get(URL).content.decode()
    assert "Gennemsnitspris pr. sag mod loftet" not in text
    assert PriceIndex.objects.get().index == Decimal("128.40")


def test_the_page_shows_cases_under_an_agreed_price_apart(side_a, national_admin, client):
    CollaborationAgreement.objects.create(
        region=side_a.region,
        municipality=side_a.municipality,
        valid_from=datetime.date(2025, 1, 1),
        certificate_price=Decimal("15000.00"),
    )
    prices.set_price_index(national_admin, 2025, "128.00")
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    client.force_login(side_a.secretariat)
    assert client.post(URL, _cost_form(case)).status_code == 302
    text = client.get(URL).content.decode()
    # 14,000.00 against the agreed 15,000.00 = 93.3 %; the cap table has no case.
    assert "Sager med aftalt pris" in text
    assert side_a.municipality.name in text
    assert "14.000,00 kr.</td>" in text and "15.000,00 kr.</td>" in text
    assert "93,3 %" in text and "Nærmer sig den aftalte pris" in text
    assert "Gennemsnitsprisen for 2025" not in text  # no cap warning
    assert "Alle sager med udgifter hører under en aftalt pris." in text


def test_others_are_refused(side_a, client):
    for user in (side_a.caseworker, side_a.specialist, side_a.coordinator, side_a.gp):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.force_login(side_a.secretariat)
    response = client.post(URL, {"form": "index", "index-year": "2025", "index-index": "128"})
    assert response.status_code == 403
    assert not PriceIndex.objects.exists()
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_page_reads_the_costs_and_the_index_once(side_a, national_admin, client):
    """The region's whole cost history is read once for both the cap average and the agreed
    prices, and the index once for its table and the figures."""
    prices.set_price_index(national_admin, 2025, "128.00")
    for _ in range(3):
        case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
        prices.record_cost(
            side_a.secretariat,
            case,
            kind="own",
            amount="14000.00",
            incurred_on=datetime.date(2025, 2, 3),
        )
    client.force_login(side_a.secretariat)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    history = [q for q in selects if 'FROM "clinical_assessmentcost"' in q and "LIMIT" not in q]
    assert len(history) == 1, history
    assert len([q for q in selects if 'FROM "clinical_priceindex"' in q]) == 1
