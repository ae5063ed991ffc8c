"""Collaboration agreements' deadlines (BEK § 20) and the price agreed for a specialist
certificate (BEK § 18, stk. 1): the deadline rules are the cases domain's, so the write that
checks them lives here; organisations keeps the agreement models and reads."""

import datetime
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal, cast

from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.rules import deadlines as deadline_rules
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.rules import DEFAULT_PAGE_BUDGET
from sagsbro.organisations.models import (
    AgreementDeadlineRule,
    CollaborationAgreement,
    Municipality,
    User,
)
from sagsbro.organisations.roles import Role
from sagsbro.organisations.services import agreement_in_force, pending_agreement

# The pages a case's documents may fill before the Dokumenter tab warns: at least one page,
# and no more than a case file anyone would read through.
PAGE_BUDGET_MIN = 1
PAGE_BUDGET_MAX = 2000
PAGE_BUDGET_MESSAGE = f"Angiv en sidegrænse mellem {PAGE_BUDGET_MIN} og {PAGE_BUDGET_MAX} sider."

# The agreed price of a specialist certificate (BEK § 18, stk. 1): over 0 kr., at most the
# amount a single cost may have (clinical.rules.prices.MAX_COST), in øre.
CERTIFICATE_PRICE_MAX = Decimal("1000000.00")
CERTIFICATE_PRICE_MESSAGE = "Angiv prisen som et beløb over 0 kr. og højst 1.000.000 kr."


class _Keep(enum.Enum):
    KEEP = "keep"


#: Leave the agreed price as the version it is based on has it.
KEEP: Final = _Keep.KEEP


def check_certificate_price(value: object) -> Decimal | None:
    """The agreed price as entered: empty for none agreed (the § 18 stk. 2 cap applies), else
    an amount over 0 kr. and at most 1,000,000 kr. with at most two decimals."""
    if value is None or value == "":
        return None
    price: Decimal | None = None
    if isinstance(value, Decimal):
        price = value
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            price = Decimal(str(value).strip())
        except InvalidOperation:
            price = None
    if (
        price is None
        or not price.is_finite()
        or not Decimal(0) < price <= CERTIFICATE_PRICE_MAX
        or price != price.quantize(Decimal("0.01"))
    ):
        raise ServiceError(
            "invalid_certificate_price",
            CERTIFICATE_PRICE_MESSAGE,
            fields={"certificate_price": [CERTIFICATE_PRICE_MESSAGE]},
        )
    return price


@transaction.atomic
def save_agreement(
    user: User,
    municipality: Municipality | None,
    *,
    # As entered: check_agreement_rules refuses what is not a valid rule.
    rules: Iterable[Mapping[str, Any]],
    expected_cases_per_year: int | None = None,
    notice_months: int | None = None,
    page_budget: int | None = None,
    certificate_price: object | Literal[_Keep.KEEP] = KEEP,
    municipality_requests_status: bool | None = None,
    channel: str = "api",
) -> CollaborationAgreement:
    """The region's administrator sets the agreement's deadlines with a municipality (BEK § 20).

    A change never reaches a case already received: the deadlines of a case come from the
    agreement version in force on the day the region received it. So a change is a new version
    that takes effect the next day, and the version in force ends today; while that new version
    has not taken effect, further changes edit it in place. Without any rule for a subtype, the
    executive order's deadlines apply (§§ 21-23).

    ``certificate_price`` is the price agreed for a specialist certificate (BEK § 18, stk. 1),
    ``None`` (or empty) for none agreed, when the average cap of § 18 stk. 2 applies; left
    out, the version keeps the price it is based on. Like the deadlines, it governs from the
    new version's first day.

    ``municipality_requests_status``: the municipality may obtain hospital records, status
    certificates and a psychologist's status on klinisk funktion's behalf (BEK § 3 stk. 2);
    left out (None), as the version it is based on.
    """
    if user.role != Role.ADMINISTRATOR or not user.region_id:
        raise PermissionRefused(
            "role_not_allowed", "Kun regionens administrator kan ændre samarbejdsaftaler."
        )
    if municipality is None or municipality.region_id != user.region_id:
        raise ServiceError("not_found", "Kommunen findes ikke i din region.", status=404)
    inputs = [
        deadline_rules.AgreementRuleInput(
            subtype=str(r.get("subtype", "")),
            kind=str(r.get("kind", "")),
            # Unchecked input: check_agreement_rules refuses a count that is not an int.
            count=cast(int, r.get("count")),
            unit=str(r.get("unit", "")),
            source=str(r.get("source", "")),
        )
        for r in rules
    ]
    try:
        deadline_rules.check_agreement_rules(inputs)
    except deadline_rules.AgreementRuleInvalid as exc:
        raise ServiceError(exc.code, exc.message, fields={"rules": [exc.message]}) from exc
    for name, value in (
        ("expected_cases_per_year", expected_cases_per_year),
        ("notice_months", notice_months),
    ):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            message = "Angiv et helt tal, der ikke er negativt."
            raise ServiceError("invalid_number", message, fields={name: [message]})
    if page_budget is not None and (
        isinstance(page_budget, bool)
        or not isinstance(page_budget, int)
        or not PAGE_BUDGET_MIN <= page_budget <= PAGE_BUDGET_MAX
    ):
        raise ServiceError(
            "invalid_page_budget",
            PAGE_BUDGET_MESSAGE,
            fields={"page_budget": [PAGE_BUDGET_MESSAGE]},
        )

    price = KEEP if certificate_price is KEEP else check_certificate_price(certificate_price)

    # One change at a time per municipality.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    current = agreement_in_force(municipality, today)
    version = pending_agreement(municipality, today)
    created = version is None
    if version is None:
        base = current
        version = CollaborationAgreement(
            region_id=municipality.region_id,
            municipality=municipality,
            valid_from=tomorrow,
            valid_to=None,
            expected_cases_per_year=base.expected_cases_per_year if base else 0,
            notice_months=base.notice_months if base else 9,
            page_budget=base.page_budget if base else DEFAULT_PAGE_BUDGET,
            certificate_price=base.certificate_price if base else None,
            municipality_requests_status=base.municipality_requests_status if base else False,
        )
        if current is not None and (current.valid_to is None or current.valid_to > today):
            current.valid_to = today
            current.save(update_fields=["valid_to"])
    if expected_cases_per_year is not None:
        version.expected_cases_per_year = expected_cases_per_year
    if notice_months is not None:
        version.notice_months = notice_months
    if page_budget is not None:
        version.page_budget = page_budget
    if price is not KEEP:
        version.certificate_price = price
    if municipality_requests_status is not None:
        version.municipality_requests_status = bool(municipality_requests_status)
    version.save()
    version.deadline_rules.all().delete()
    AgreementDeadlineRule.objects.bulk_create(
        [
            AgreementDeadlineRule(
                agreement=version,
                subtype=r.subtype,
                kind=r.kind,
                count=r.count,
                unit=r.unit,
                source=r.source.strip(),
            )
            for r in inputs
        ]
    )
    record(
        user,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        Subject("agreement", version.pk, None, None),
        detail=f"samarbejdsaftale {municipality.code} fra {version.valid_from.isoformat()}: "
        f"{len(inputs)} frister, sidegrænse {version.page_budget}, "
        f"attestpris {version.certificate_price or 'ingen'}, "
        f"kommunen rekvirerer status {'ja' if version.municipality_requests_status else 'nej'}",
        channel=channel,
    )
    return version
