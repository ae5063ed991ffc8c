"""Documents a case of a given subtype does not take as an upload, whoever adds them.

* BEK § 14 and § 15, stk. 2: in a klinisk-funktion case the LÆ 275 is the specialist's
  structured certificate, checked against § 14 when it is signed and filed on the case only
  at delivery, together with the GP's copy. An LÆ 275 uploaded as a file would skip both: its
  content is never checked, and every party of the case would see it before delivery. So no
  one uploads one to a klinisk-funktion case; earlier specialist certificates the municipality
  sends along are carried over with the referral, not uploaded.

* BEK § 1 stk. 5 and § 3 stk. 2: the municipality obtains a psychologist's assessment only as
  a specialist certificate from klinisk funktion (a referral), and a psychologist's status
  only where its collaboration agreement with the region says it may. So the municipality
  adds a "status fra psykolog" only under such an agreement in force; klinisk funktion may
  always add one it obtained itself.

Which side may add a category at all is ``documents.rules.UPLOADING_SIDES``.

This module has no Django dependency.
"""

from __future__ import annotations

from collections.abc import Mapping

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.documents.rules import Category, Side

__all__ = ["NOT_UPLOADED", "agreement_upload_refusal", "subtype_upload_refusal"]

_LAE_275_FROM_CERTIFICATE = (
    "Speciallægeattesten (LÆ 275) i en sag fra klinisk funktion kan ikke vedhæftes som fil. "
    "Speciallægen skriver og underskriver den under fanen Vurdering, og den lægges på sagen, "
    "når den leveres (BEK § 14 og § 15, stk. 2)."
)

#: Per subtype, the categories no one uploads, with the Danish reason.
NOT_UPLOADED: Mapping[Subtype, Mapping[Category, str]] = {
    Subtype.KLINISK_FUNKTION: {Category.LAE_275: _LAE_275_FROM_CERTIFICATE},
}


def subtype_upload_refusal(subtype: Subtype, category: str) -> str | None:
    """The Danish reason a document of ``category`` is not uploaded to a case of ``subtype``,
    or None when the subtype takes it (who may add it is another rule)."""
    try:
        known = Category(category)
    except ValueError:
        return None  # an unknown category is refused as such where it is added
    return NOT_UPLOADED.get(subtype, {}).get(known)


_PSYCHOLOGIST_STATUS_WITHOUT_AGREEMENT = (
    "Kommunen kan kun rekvirere status fra psykolog, når samarbejdsaftalen med regionen giver "
    "mulighed for det (BEK § 3, stk. 2). En vurdering fra psykolog rekvireres som "
    "speciallægeattest fra klinisk funktion: opret en henvisning (BEK § 1, stk. 5)."
)


def agreement_upload_refusal(
    side: Side, category: str, *, municipality_requests_status: bool
) -> str | None:
    """The Danish reason ``side`` may not add ``category`` under the collaboration agreement in
    force (``municipality_requests_status``: the agreement lets the municipality obtain status
    on klinisk funktion's behalf, BEK § 3 stk. 2), or None."""
    if (
        category == Category.PSYCHOLOGIST_STATUS
        and side == Side.MUNICIPALITY
        and not municipality_requests_status
    ):
        return _PSYCHOLOGIST_STATUS_WITHOUT_AGREEMENT
    return None
