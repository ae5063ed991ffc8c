"""The referral's receipt follows its case's.

``Referral.received_at`` orders the secretariat's intake list (and the API's referral list,
by its index). It is the case's receipt, kept on the referral for that order: set when the
LÆ 271 is sent, and renewed with the case's whenever the case is received anew — a returned
referral that the municipality sends again with the missing information is received then
(BEK § 21, stk. 2; ``cases.services.sending.resend_case``), and its 30 days (BEK § 23) run
from that day. The cases app knows nothing of referrals; it calls
:func:`follow_case_receipt` through the change listeners of `cases.services.transitions`
(registered in `ClinicalConfig.ready`), inside the transaction of the change.
"""

from __future__ import annotations

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.transitions import CaseChange, on_case_change
from sagsbro.clinical.models import Referral

__all__ = ["follow_case_receipt", "register_referral_receipt"]


def follow_case_receipt(change: CaseChange) -> None:
    """Give the case's referral the case's receipt when they differ (one UPDATE, no read)."""
    case = change.case
    if case.subtype != Subtype.KLINISK_FUNKTION or case.received_at is None:
        return
    Referral.objects.filter(case_id=case.pk).exclude(received_at=case.received_at).update(
        received_at=case.received_at
    )


def register_referral_receipt() -> None:
    on_case_change(follow_case_receipt)
