"""The price services (BEK § 18): recording a cost, keeping the national price index and the
running average per region and year, each access-checked, audited and refusing bad input
unchanged."""

import datetime
from decimal import Decimal

import pytest

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import AssessmentCost, PriceIndex
from sagsbro.clinical.rules.prices import Level
from sagsbro.clinical.services import prices
from sagsbro.conftest import assigned_case
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.models import Document
from sagsbro.organisations.access import citizens_visible_to
from sagsbro.organisations.models import CollaborationAgreement

D = Decimal


def _cost(side, case, amount, day, kind="own"):
    return prices.record_cost(side.secretariat, case, kind=kind, amount=D(amount), incurred_on=day)


def test_secretariat_records_a_cost_audited(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    cost = prices.record_cost(
        side_a.secretariat,
        case,
        kind="bought",
        amount="3750.00",
        incurred_on=datetime.date(2025, 7, 1),
        description="Attest fra privatpraktiserende speciallæge",
    )
    cost.refresh_from_db()
    assert (cost.case_id, cost.region_id, cost.kind, cost.amount) == (
        case.pk,
        side_a.region.pk,
        "bought",
        D("3750.00"),
    )
    assert cost.recorded_by == side_a.secretariat
    entry = AuditEntry.objects.get(object_type="assessment_cost")
    assert (entry.action, entry.user, entry.case_id, entry.citizen_id) == (
        AuditEntry.Action.CREATE,
        side_a.secretariat,
        case.pk,
        case.citizen_id,
    )
    # The free-text description may hold health details; it stays out of the log.
    assert "speciallæge" not in entry.detail


def test_only_the_regions_secretariat_records_costs(side_a, side_b):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    for user in (
        side_a.caseworker,
        side_a.specialist,
        side_a.regional_admin,
        side_b.regional_admin,
    ):
        with pytest.raises(PermissionRefused):
            prices.record_cost(
                user, case, kind="own", amount="100.00", incurred_on=datetime.date(2025, 1, 2)
            )
    # Another region's secretariat is told the case does not exist.
    with pytest.raises(ServiceError) as refused:
        _cost(side_b, case, "100.00", datetime.date(2025, 1, 2))
    assert refused.value.status == 404
    # A case that is not a klinisk-funktion case takes no cost.
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    with pytest.raises(ServiceError) as not_clinical:
        _cost(side_a, team, "100.00", datetime.date(2025, 1, 2))
    assert not_clinical.value.code == "not_found"
    assert not AssessmentCost.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "tusind"}, "amount"),
        ({"incurred_on": datetime.date.today() + datetime.timedelta(days=1)}, "incurred_on"),
        ({"kind": "gift"}, "kind"),
        ({"description": "x" * 251}, "description"),
    ],
)
def test_bad_cost_is_refused_in_danish_and_changes_nothing(side_a, kwargs, field):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    values = {"kind": "own", "amount": "100.00", "incurred_on": datetime.date(2025, 1, 2)}
    with pytest.raises(ServiceError) as refused:
        prices.record_cost(side_a.secretariat, case, **(values | kwargs))
    assert list(refused.value.fields) == [field]
    assert not AssessmentCost.objects.exists()
    assert not AuditEntry.objects.filter(object_type="assessment_cost").exists()


def test_the_national_administrator_keeps_the_one_national_index(side_a, side_b, national_admin):
    """BEK § 18, stk. 2: one national price development, so one table, kept nationally."""
    row = prices.set_price_index(national_admin, 2025, "128.00")
    assert (row.year, row.index, row.set_by) == (2025, D("128.00"), national_admin)
    again = prices.set_price_index(national_admin, 2025, D("128.40"))
    assert again.pk == row.pk
    assert list(PriceIndex.objects.values_list("year", "index")) == [(2025, D("128.40"))]
    assert prices.index_table() == {2025: D("128.40")}
    # Every region's secretariat and administrator and every municipality's administrator
    # read the same rows; people without price work read none.
    for user in (
        national_admin,
        side_a.secretariat,
        side_a.regional_admin,
        side_b.secretariat,
        side_b.regional_admin,
        side_a.municipal_admin,
        side_b.municipal_admin,
    ):
        assert prices.may_read_index(user), user
        assert list(prices.index_rows_visible_to(user)) == [row]
    for user in (side_a.caseworker, side_a.specialist, side_a.coordinator, side_a.gp):
        assert not prices.may_read_index(user)
        assert not prices.index_rows_visible_to(user).exists()
    assert list(
        AuditEntry.objects.filter(object_type="price_index")
        .order_by("id")
        .values_list("action", "object_id", "user", "case_id", "citizen_id")
    ) == [
        ("create", str(row.pk), national_admin.pk, None, None),
        ("update", str(row.pk), national_admin.pk, None, None),
    ]
    # No region sets the figure its own average is held against, nor anyone else.
    for user in (
        side_a.regional_admin,
        side_b.regional_admin,
        side_a.secretariat,
        side_a.municipal_admin,
        side_a.caseworker,
        side_a.gp,
    ):
        with pytest.raises(PermissionRefused) as refused:
            prices.set_price_index(user, 2025, "99.00")
        assert refused.value.code == "role_not_allowed"
    assert PriceIndex.objects.get().index == D("128.40")
    # An inactive national administrator keeps nothing.
    national_admin.is_active = False
    assert not prices.may_set_index(national_admin)
    national_admin.is_active = True
    for year, index, field in [
        (2011, "101.00", "index"),
        (2010, "99.00", "year"),
        (2026, "0", "index"),
        ("2026", "130.00", "year"),
    ]:
        with pytest.raises(ServiceError) as invalid:
            prices.set_price_index(national_admin, year, index)
        assert list(invalid.value.fields) == [field]
    assert PriceIndex.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="price_index").count() == 2


def test_the_national_administrator_sees_no_region_and_no_citizen(side_a, national_admin):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    _cost(side_a, case, "16000.00", datetime.date(2025, 2, 3))
    assert not prices.may_see_prices(national_admin)
    assert not prices.may_record_costs(national_admin)
    with pytest.raises(PermissionRefused):
        prices.price_figures(national_admin)
    with pytest.raises(PermissionRefused):
        prices.price_overview(national_admin)
    assert not prices.costs_visible_to(national_admin).exists()
    assert not prices.cost_cases_visible_to(national_admin).exists()
    assert not Case.objects.visible_to(national_admin).exists()
    assert not citizens_visible_to(national_admin).exists()
    assert not Document.objects.visible_to(national_admin).exists()
    # A regional or municipal administrator is no national administrator.
    for user in (side_a.regional_admin, side_a.municipal_admin):
        assert not prices.is_national_administrator(user)


def test_every_region_averages_with_the_national_index(side_a, side_b, national_admin):
    case_a = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    case_b = assigned_case(side_b, Subtype.KLINISK_FUNKTION)
    _cost(side_a, case_a, "16000.00", datetime.date(2025, 2, 3))
    _cost(side_b, case_b, "16000.00", datetime.date(2025, 2, 3))
    for side in (side_a, side_b):
        (figure,) = prices.price_figures(side.secretariat)
        assert (figure.level, figure.missing_years) == (Level.INDEX_MISSING, (2025,))
    prices.set_price_index(national_admin, 2025, "125.00")
    # 16,000 / 1.25 = 12,800 in 2011 prices, in both regions alike.
    for side in (side_a, side_b):
        (figure,) = prices.price_figures(side.secretariat)
        assert (figure.region_id, figure.average_2011) == (side.region.pk, D("12800.00"))


def test_running_average_per_region_and_year(side_a, side_b, national_admin):
    prices.set_price_index(national_admin, 2024, "125.00")
    prices.set_price_index(national_admin, 2025, "128.00")
    one, two, three = (assigned_case(side_a, Subtype.KLINISK_FUNKTION) for _ in range(3))
    _cost(side_a, one, "15000.00", datetime.date(2024, 2, 5))  # 2011: 12,000
    _cost(side_a, two, "14000.00", datetime.date(2024, 12, 10))  # 2011: 11,200
    _cost(side_a, two, "2560.00", datetime.date(2025, 1, 15), "bought")  # 2011: 2,000
    _cost(side_a, three, "19200.00", datetime.date(2025, 3, 3))  # 2011: 15,000
    figures = prices.price_figures(side_a.secretariat)
    # 2024: cases one and two, (12,000 + 13,200) / 2 = 12,600 = exactly 90 % of 14,000.
    # 2025: case three alone, 15,000 = 107.1 % of 14,000.
    assert [
        (f.year, f.cases, f.average_2011, f.average_year_prices, f.percent_of_cap, f.level)
        for f in figures
    ] == [
        (2024, 2, D("12600.00"), D("15750.00"), D("90.0"), Level.WARNING),
        (2025, 1, D("15000.00"), D("19200.00"), D("107.1"), Level.OVER),
    ]
    assert prices.price_figures(side_a.regional_admin) == figures
    # Region B has recorded nothing; it never sees region A's figures.
    assert prices.price_figures(side_b.secretariat) == []
    for user in (side_a.caseworker, side_a.specialist, side_a.municipal_admin):
        with pytest.raises(PermissionRefused):
            prices.price_figures(user)


def test_cases_under_an_agreed_price_are_averaged_apart(side_a, side_b, national_admin):
    """BEK § 18, stk. 1-2: a case whose municipality had agreed a price when its first cost was
    incurred is measured against that price; the cap average is over the other cases."""
    agreement = CollaborationAgreement.objects.create(
        region=side_a.region,
        municipality=side_a.municipality,
        valid_from=datetime.date(2025, 3, 1),
        valid_to=None,
        certificate_price=D("15000.00"),
    )
    prices.set_price_index(national_admin, 2025, "128.00")
    before, agreed_one, agreed_two = (
        assigned_case(side_a, Subtype.KLINISK_FUNKTION) for _ in range(3)
    )
    _cost(side_a, before, "19200.00", datetime.date(2025, 2, 28))  # before the agreement
    _cost(side_a, agreed_one, "14000.00", datetime.date(2025, 3, 1))  # its first day
    _cost(side_a, agreed_two, "12000.00", datetime.date(2025, 4, 2))
    _cost(side_a, agreed_two, "3000.00", datetime.date(2025, 5, 6), "bought")
    # The cap: the case begun before the agreement alone, 19,200 / 1.28 = 15,000 in 2011
    # prices = 107.1 % of 14,000.
    assert [
        (f.year, f.cases, f.average_2011, f.level) for f in prices.price_figures(side_a.secretariat)
    ] == [(2025, 1, D("15000.00"), Level.OVER)]
    # The agreed price: (14,000 + 12,000 + 3,000) / 2 = 14,500.00 = 96.7 % of 15,000.00.
    (agreed,) = prices.agreed_price_figures(side_a.regional_admin)
    assert (
        agreed.municipality_id,
        agreed.year,
        agreed.cases,
        agreed.average,
        agreed.agreed_price,
        agreed.percent_of_agreed,
        agreed.level,
    ) == (side_a.municipality.pk, 2025, 2, D("14500.00"), D("15000.00"), D("96.7"), Level.WARNING)
    assert prices.municipality_names([agreed]) == {side_a.municipality.pk: side_a.municipality.name}
    # An agreement of another region never moves region A's cases.
    agreement.delete()
    CollaborationAgreement.objects.create(
        region=side_b.region,
        municipality=side_a.municipality,
        valid_from=datetime.date(2025, 1, 1),
        certificate_price=D("15000.00"),
    )
    assert prices.agreed_price_figures(side_a.secretariat) == []
    assert prices.price_figures(side_a.secretariat)[0].cases == 3
    assert prices.agreed_price_figures(side_b.secretariat) == []


def test_the_overview_reads_the_regions_costs_once(
    side_a, national_admin, django_assert_num_queries
):
    """Both kinds of figure from one read of the costs and one of the agreements."""
    CollaborationAgreement.objects.create(
        region=side_a.region,
        municipality=side_a.municipality,
        valid_from=datetime.date(2025, 3, 1),
        certificate_price=D("15000.00"),
    )
    prices.set_price_index(national_admin, 2025, "128.00")
    before, agreed = (assigned_case(side_a, Subtype.KLINISK_FUNKTION) for _ in range(2))
    _cost(side_a, before, "19200.00", datetime.date(2025, 2, 28))
    _cost(side_a, agreed, "14000.00", datetime.date(2025, 3, 1))
    table = prices.index_table()
    # The costs and the agreements: two queries, whatever the number of costs.
    with django_assert_num_queries(2):
        overview = prices.price_overview(side_a.secretariat, table)
    # Without the index at hand it reads the index too.
    with django_assert_num_queries(3):
        assert prices.price_overview(side_a.secretariat) == overview
    assert overview.figures == prices.price_figures(side_a.secretariat)
    assert overview.agreed == prices.agreed_price_figures(side_a.secretariat)
    assert [(f.year, f.cases) for f in overview.figures] == [(2025, 1)]
    assert [(f.year, f.cases) for f in overview.agreed] == [(2025, 1)]
