"""The price of assessments over the API (BEK § 18): costs recorded and read by the region's
secretariat, the national index set by the national administrator and read by the regions, the
average with its warning level; structured Danish errors that change nothing; reads audited,
refusals recorded."""

import datetime
from decimal import Decimal

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import AssessmentCost, PriceIndex
from sagsbro.conftest import api_client, assigned_case
from sagsbro.organisations.models import CollaborationAgreement


def _body(case, **overrides):
    return {
        "case": case.pk,
        "kind": "own",
        "amount": "16000.00",
        "incurred_on": "2025-02-03",
        "description": "Vurdering i klinisk funktion",
    } | overrides


def test_record_read_and_average(side_a, national_admin):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    national = api_client(national_admin)
    response = national.post(
        "/api/v1/price-index/", {"year": 2025, "index": "128.00"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["year"], response.json()["index"]) == (2025, "128.00")
    assert "region" not in response.json()
    admin = api_client(side_a.regional_admin)

    secretariat = api_client(side_a.secretariat)
    response = secretariat.post("/api/v1/assessment-costs/", _body(case), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["case"], created["case_reference"], created["amount"], created["kind"]) == (
        case.pk,
        case.reference,
        "16000.00",
        "own",
    )

    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    listed = secretariat.get(f"/api/v1/assessment-costs/?case={case.pk}&year=2025").json()
    assert [row["id"] for row in listed["results"]] == [created["id"]]
    detail = secretariat.get(f"/api/v1/assessment-costs/{created['id']}/")
    assert detail.status_code == 200
    assert list(
        AuditEntry.objects.filter(id__gt=mark).values_list("action", "object_type", "case_id")
    ) == [("list", "assessment_cost", case.pk), ("read", "assessment_cost", case.pk)]

    averages = secretariat.get("/api/v1/price-averages/")
    assert averages.status_code == 200
    # 16,000 / 1.28 = 12,500 in 2011 prices = 89.3 % of 14,000: below the warning level.
    assert averages.json() == [
        {
            "region": side_a.region.pk,
            "year": 2025,
            "cases": 1,
            "total_recorded": "16000.00",
            "level": "ok",
            "level_label": "Under loftet",
            "average_2011": "12500.00",
            "average_year_prices": "16000.00",
            "cap_year_prices": "17920.00",
            "percent_of_cap": "89.3",
            "missing_years": [],
        }
    ]
    assert admin.get("/api/v1/price-averages/").json() == averages.json()
    # The administrator sees the figure, not the cases behind it.
    assert admin.get("/api/v1/assessment-costs/").json()["results"] == []


def test_refusals_are_structured_danish_and_change_nothing(side_a, side_b, national_admin):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    secretariat = api_client(side_a.secretariat)
    for body, field in [
        (_body(case, amount="abc"), "amount"),
        (_body(case, amount="0.00"), "amount"),
        (_body(case, incurred_on="2999-01-01"), "incurred_on"),
        (_body(case, kind="gave"), "kind"),
    ]:
        response = secretariat.post("/api/v1/assessment-costs/", body, format="json")
        assert response.status_code == 400, body
        errors = response.json()
        assert field in errors or field in errors.get("fields", {}), errors
    # A case of another region: 404 without saying whether it exists.
    response = api_client(side_b.secretariat).post(
        "/api/v1/assessment-costs/", _body(case), format="json"
    )
    assert response.status_code == 404
    assert case.reference not in response.content.decode()
    # The caseworker may neither record nor see the average.
    response = api_client(side_a.caseworker).post(
        "/api/v1/assessment-costs/", _body(case), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"
    assert api_client(side_a.caseworker).get("/api/v1/price-averages/").status_code == 403
    assert not AssessmentCost.objects.exists()

    # The index: the secretariat may read but not set it; 2011 is always 100.
    assert api_client(side_a.secretariat).get("/api/v1/price-index/").status_code == 200
    response = secretariat.post("/api/v1/price-index/", {"year": 2025, "index": "128"})
    assert response.status_code == 403
    response = api_client(national_admin).post(
        "/api/v1/price-index/", {"year": 2011, "index": "101.00"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "index": ["Loftet er fastsat i 2011-niveau, så indekset for 2011 er altid 100,00."]
    }
    assert not PriceIndex.objects.exists()


def test_another_regions_cost_is_refused_and_recorded(side_a, side_b):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    response = api_client(side_a.secretariat).post(
        "/api/v1/assessment-costs/", _body(case), format="json"
    )
    cost_id = response.json()["id"]
    response = api_client(side_b.secretariat).get(f"/api/v1/assessment-costs/{cost_id}/")
    assert response.status_code == 404
    denied = AuditEntry.objects.get(action=AuditEntry.Action.DENIED)
    assert (denied.user, denied.object_type, denied.object_id) == (
        side_b.secretariat,
        "assessment_cost",
        str(cost_id),
    )
    assert api_client(side_b.secretariat).get("/api/v1/price-averages/").json() == []
    assert api_client(side_b.secretariat).get("/api/v1/assessment-costs/").json()["results"] == []


def test_the_index_is_national_reference_data(side_a, side_b, national_admin):
    """One national index (BEK § 18, stk. 2): the national administrator sets it; the regions
    and the municipalities' administrators read the same rows and cannot change them; anyone
    else is refused in Danish."""
    national = api_client(national_admin)
    assert (
        national.post("/api/v1/price-index/", {"year": 2025, "index": "128.00"}).status_code == 201
    )
    assert (
        national.post("/api/v1/price-index/", {"year": 2024, "index": "125.50"}).status_code == 201
    )
    expected = [(2024, "125.50"), (2025, "128.00")]
    for user in (
        national_admin,
        side_a.secretariat,
        side_b.secretariat,
        side_a.regional_admin,
        side_b.regional_admin,
        side_a.municipal_admin,
        side_b.municipal_admin,
    ):
        response = api_client(user).get("/api/v1/price-index/")
        assert response.status_code == 200, user
        assert [(row["year"], row["index"]) for row in response.json()] == expected, user
    # Neither a region (bound by the cap) nor a municipality sets the figure.
    for user in (
        side_a.regional_admin,
        side_b.regional_admin,
        side_b.secretariat,
        side_a.municipal_admin,
        side_a.caseworker,
    ):
        response = api_client(user).post("/api/v1/price-index/", {"year": 2025, "index": "99.00"})
        assert response.status_code == 403, user
        body = response.json()
        assert body["code"] == "role_not_allowed"
        assert "national" in body["detail"]
    # People without price work may not list it: a structured refusal in Danish.
    for user in (side_b.caseworker, side_b.specialist, side_a.coordinator, side_a.gp):
        response = api_client(user).get("/api/v1/price-index/")
        assert response.status_code == 403, user
        assert response.json()["code"] == "role_not_allowed"
        assert "prisindekset" in response.json()["detail"]
    assert api_client().get("/api/v1/price-index/").status_code in (401, 403)
    assert list(PriceIndex.objects.values_list("year", "index")) == [
        (2024, Decimal("125.50")),
        (2025, Decimal("128.00")),
    ]
    # The national administrator reads no region's averages or costs.
    assert national.get("/api/v1/price-averages/").status_code == 403
    assert national.get("/api/v1/assessment-costs/").json()["results"] == []


def test_agreed_price_average(side_a, side_b):
    CollaborationAgreement.objects.create(
        region=side_a.region,
        municipality=side_a.municipality,
        valid_from=datetime.date(2025, 1, 1),
        certificate_price=Decimal("15000.00"),
    )
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    secretariat = api_client(side_a.secretariat)
    assert secretariat.post("/api/v1/assessment-costs/", _body(case)).status_code == 201
    # Under the agreed price: left out of the cap average.
    assert secretariat.get("/api/v1/price-averages/").json() == []
    # 16,000.00 against the agreed 15,000.00 = 106.7 %: over.
    assert secretariat.get("/api/v1/price-averages/agreed/").json() == [
        {
            "region": side_a.region.pk,
            "municipality": side_a.municipality.pk,
            "municipality_name": side_a.municipality.name,
            "year": 2025,
            "agreed_price": "15000.00",
            "cases": 1,
            "total_recorded": "16000.00",
            "average": "16000.00",
            "percent_of_agreed": "106.7",
            "level": "over",
            "level_label": "Over den aftalte pris",
        }
    ]
    assert api_client(side_b.secretariat).get("/api/v1/price-averages/agreed/").json() == []
    assert api_client(side_a.caseworker).get("/api/v1/price-averages/agreed/").status_code == 403
