"""Completeness of the specialist certificate LÆ 275 (BEK § 14).

* § 14, stk. 1: the certificate holds 1) the citizen's functional capacity and health,
  2) the citizen's and the doctor's view of what health means for the functional
  capacity, and 3) "evt." other factors for work or education (optional by the text).
* § 14, stk. 2: when more assessment is needed, the certificate says which, with price and
  time frame.
* § 14, stk. 3: when the municipality asks for the further assessments an earlier
  certificate described (its referral follows that certificate), this certificate gives one
  overall assessment of the possibilities for work or education on their basis.
* § 14, stk. 4: always one overall assessment when several assessments of the same person
  were made to clarify the same possibilities: klinisk funktion already delivered a
  certificate in the same matter.
* § 15, stk. 2: the citizen's GP gets a copy at delivery; a citizen with no GP registered is
  delivered to only with the reason stated (:func:`no_gp_refusal`).

:func:`certificate_problems` lists every missing piece with a Danish message, so a form
can show them all at once (the signing service refuses with them, by field);
:func:`check_certificate` raises them together.

This module has no Django dependency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "MAX_FURTHER_PRICE",
    "NO_GP_REASON_MAX",
    "CertificateContent",
    "CertificateIncomplete",
    "FIRST_ASSESSMENT",
    "OverallBasis",
    "Problem",
    "certificate_problems",
    "check_certificate",
    "no_gp_refusal",
    "overall_reason",
    "overall_required",
    "problems_by_field",
]

#: A price above this for a further assessment is taken as a typing error.
MAX_FURTHER_PRICE = Decimal("1000000.00")


@dataclass(frozen=True)
class CertificateContent:
    """The structured text of one LÆ 275 (the fields of the certificate model)."""

    functional_capacity: str = ""
    health: str = ""
    citizen_view: str = ""
    doctor_view: str = ""
    other_factors: str = ""
    further_assessment_needed: bool = False
    further_assessment: str = ""
    further_price: Decimal | None = None
    further_time_frame: str = ""
    is_overall: bool = False
    overall_assessment: str = ""


@dataclass(frozen=True)
class Problem:
    """One missing or inconsistent part; ``field`` names the certificate field."""

    field: str
    code: str
    message: str


class CertificateIncomplete(Exception):
    """The certificate cannot be signed; ``problems`` lists every reason."""

    code = "certificate_incomplete"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        self.message = "Attesten er ikke udfyldt: " + " ".join(p.message for p in problems)
        super().__init__(self.message)


# (field, Danish message) of the texts § 14, stk. 1 requires.
_REQUIRED_TEXTS: tuple[tuple[str, str], ...] = (
    ("functional_capacity", "Beskriv borgerens funktionsevne (BEK § 14, stk. 1, nr. 1)."),
    ("health", "Beskriv borgerens helbredsforhold (BEK § 14, stk. 1, nr. 1)."),
    (
        "citizen_view",
        "Angiv borgerens vurdering af helbredsforholdenes betydning for funktionsevnen "
        "(BEK § 14, stk. 1, nr. 2).",
    ),
    (
        "doctor_view",
        "Angiv lægens vurdering af helbredsforholdenes betydning for funktionsevnen "
        "(BEK § 14, stk. 1, nr. 2).",
    ),
)


@dataclass(frozen=True)
class OverallBasis:
    """What decides whether the certificate must give one overall assessment (BEK § 14,
    stk. 3-4), as the service finds it."""

    #: The case's referral asks for the further assessments an earlier certificate described
    #: (the referral's ``follows_certificate``): § 14, stk. 3.
    follows_certificate: bool = False
    #: Certificates klinisk funktion already delivered in the same matter (on a referral from
    #: the same originating case or one it continues, in the region): with one or more,
    #: several assessments of the same person were made (§ 14, stk. 4).
    delivered_before: int = 0


#: No referral for further assessments and no certificate delivered before.
FIRST_ASSESSMENT = OverallBasis()

_STK_3 = (
    "Kommunen har anmodet om de yderligere vurderinger fra en tidligere speciallægeattest, så "
    "attesten skal indeholde en samlet vurdering af borgerens muligheder for arbejde og "
    "uddannelse på baggrund af de yderligere vurderinger (BEK § 14, stk. 3)."
)
_STK_4 = (
    "Borgeren har allerede fået en speciallægeattest fra klinisk funktion, så der er foretaget "
    "flere vurderinger af samme person, og attesten skal indeholde en samlet vurdering "
    "(BEK § 14, stk. 4)."
)


def overall_reason(basis: OverallBasis) -> str | None:
    """The Danish reason the certificate must be the overall assessment, naming the
    paragraph that applies (stk. 3 before stk. 4); None when neither does."""
    if basis.delivered_before < 0:
        raise ValueError("delivered_before cannot be negative")
    if basis.follows_certificate:
        return _STK_3
    if basis.delivered_before >= 1:
        return _STK_4
    return None


def overall_required(basis: OverallBasis) -> bool:
    """Whether the certificate must be the overall assessment (BEK § 14, stk. 3-4)."""
    return overall_reason(basis) is not None


def certificate_problems(
    content: CertificateContent, basis: OverallBasis = FIRST_ASSESSMENT
) -> list[Problem]:
    """Everything that keeps ``content`` from being a complete LÆ 275 (BEK § 14)."""
    problems: list[Problem] = []
    for field, message in _REQUIRED_TEXTS:
        if not getattr(content, field).strip():
            problems.append(Problem(field, "required", message))

    if content.further_assessment_needed:
        if not content.further_assessment.strip():
            problems.append(
                Problem(
                    "further_assessment",
                    "required",
                    "Beskriv, hvilke yderligere vurderinger der skal foretages (BEK § 14, stk. 2).",
                )
            )
        price = content.further_price
        if price is None:
            problems.append(
                Problem(
                    "further_price",
                    "required",
                    "Angiv prisen for den yderligere vurdering (BEK § 14, stk. 2).",
                )
            )
        elif price <= 0 or price > MAX_FURTHER_PRICE:
            problems.append(
                Problem(
                    "further_price",
                    "invalid",
                    "Prisen for den yderligere vurdering skal være over 0 kr. og højst "
                    "1.000.000 kr.",
                )
            )
        elif price != price.quantize(Decimal("0.01")):
            problems.append(
                Problem("further_price", "invalid", "Prisen kan højst have to decimaler.")
            )
        if not content.further_time_frame.strip():
            problems.append(
                Problem(
                    "further_time_frame",
                    "required",
                    "Angiv tidsrammen for den yderligere vurdering (BEK § 14, stk. 2).",
                )
            )
    elif (
        content.further_assessment.strip()
        or content.further_price is not None
        or content.further_time_frame.strip()
    ):
        # A price without the statement that more is needed would be read as a request.
        problems.append(
            Problem(
                "further_assessment_needed",
                "inconsistent",
                "Markér, at der er behov for yderligere vurdering, eller fjern beskrivelse, "
                "pris og tidsramme.",
            )
        )

    reason = overall_reason(basis)
    if reason is not None and not content.is_overall:
        problems.append(Problem("is_overall", "overall_required", reason))
    if (content.is_overall or reason is not None) and not (content.overall_assessment.strip()):
        problems.append(
            Problem(
                "overall_assessment",
                "required",
                "Skriv den samlede vurdering af borgerens muligheder for arbejde eller "
                "uddannelse (BEK § 14, stk. 3-4).",
            )
        )
    return problems


def problems_by_field(
    content: CertificateContent, basis: OverallBasis = FIRST_ASSESSMENT
) -> dict[str, str]:
    """:func:`certificate_problems` as field name -> Danish message; empty when complete.

    Each field has at most one problem, so nothing is lost.
    """
    return {p.field: p.message for p in certificate_problems(content, basis)}


def check_certificate(content: CertificateContent, basis: OverallBasis = FIRST_ASSESSMENT) -> None:
    """Raise :class:`CertificateIncomplete` unless ``content`` is complete (BEK § 14)."""
    problems = certificate_problems(content, basis)
    if problems:
        raise CertificateIncomplete(problems)


# --- delivery without a GP (BEK § 15, stk. 2) ------------------------------------------------

#: The longest reason for delivering without a GP's copy (a short statement, not health text).
NO_GP_REASON_MAX = 200


def no_gp_refusal(*, has_gp: bool, reason: str) -> str | None:
    """Why delivery is refused for want of a GP's copy, or None (BEK § 15, stk. 2).

    The GP gets a copy when the municipality gets the certificate. With no GP registered for
    the citizen the copy cannot be sent; delivery then goes ahead only with the reason stated
    (e.g. the citizen is in sygesikringsgruppe 2 and has no GP), so the omission is recorded.
    """
    if has_gp:
        return None
    text = reason.strip()
    if not text:
        return (
            "Borgeren har ingen egen læge registreret, så kopien efter BEK § 15, stk. 2 kan "
            "ikke sendes. Registrér borgerens læge, eller angiv hvorfor attesten leveres uden "
            "kopi (fx borgeren er i sygesikringsgruppe 2 og har ingen egen læge)."
        )
    if len(text) > NO_GP_REASON_MAX:
        return f"Begrundelsen må højst være {NO_GP_REASON_MAX} tegn."
    return None
