"""The originating case's tab "Klinisk funktion": the referrals made from it (LÆ 271), each
with its klinisk-funktion case and, once delivered, the specialist's certificate (LÆ 275);
the caseworker's link to refer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sagsbro.cases import access as case_access
from sagsbro.cases.models import Case
from sagsbro.cases.tabs import register_case_tab
from sagsbro.clinical.models import Referral
from sagsbro.clinical.services.referrals import (
    NO_RECOMMENDATION,
    ORIGIN_SUBTYPES,
    has_recommendation,
)
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role
from sagsbro.workdays.rules import WorkingDayCalendar

TAB_ORDER = 47


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    # Whether the user may open the klinisk-funktion case itself.
    case_visible: bool
    certificates: list[Document]


def referrals_context(
    case: Case, user: User, today: datetime.date, calendar: WorkingDayCalendar
) -> dict[str, Any]:
    referrals = list(
        Referral.objects.filter(origin_case=case)
        .select_related("case", "specialty", "follows_certificate__case")
        .order_by("created_at", "id")
    )
    ids = [r.case_id for r in referrals]
    visible = set(Case.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    certificates: dict[int, list[Document]] = {}
    for document in Document.objects.visible_to(user).filter(
        case_id__in=ids, category=Category.LAE_275, withdrawn_at__isnull=True
    ):
        certificates.setdefault(document.case_id, []).append(document)
    return {
        "referral_rows": [
            ReferralRow(r, r.case_id in visible, certificates.get(r.case_id, [])) for r in referrals
        ],
        **_refer_offer(case, user),
    }


def _refer_offer(case: Case, user: User) -> dict[str, Any]:
    """The caseworker's link to refer, once the case holds a recommendation to rest on;
    before that, why not yet."""
    if not case_access.owns_case(user, case):
        return {"may_refer": False, "refer_hint": ""}
    if has_recommendation(case):
        return {"may_refer": True, "refer_hint": ""}
    return {"may_refer": False, "refer_hint": NO_RECOMMENDATION}


def _shown(case: Case, user: User) -> bool:
    return case.subtype in ORIGIN_SUBTYPES and user.role != Role.GENERAL_PRACTITIONER


def register_referral_tab() -> None:
    register_case_tab(
        "henvisninger",
        "Klinisk funktion",
        "clinical/tabs/henvisninger.html",
        referrals_context,
        order=TAB_ORDER,
        visible_for=_shown,
    )
