"""Completeness of the specialist certificate LÆ 275 (BEK § 14).

* § 14, stk. 1: the certificate holds 1) the citizen's functional capacity and health,
  2) the citizen's and the doctor's view of what health means for the functional
  capacity, and 3) "evt." other factors for work or education (optional by the text).
* § 14, stk. 2: when more assessment is needed, the certificate says which, with price and
  time frame.
* § 14, stk. 3-4: after further assessments, and always when several assessments of the
  same person were made, one overall assessment of the possibilities for work or
  education.

:func:`certificate_problems` lists every missing piece with a Danish message, so a form
can show them all at once; :func:`check_certificate` raises them together before signing.

This module has no Django dependency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "MAX_FURTHER_PRICE",
    "CertificateContent",
    "CertificateSections",
    "CertificateIncomplete",
    "Problem",
    "certificate_problems",
    "check_certificate",
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


#: The name the certificate service uses for the same structure.
CertificateSections = CertificateContent


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


def overall_required(earlier_assessments: int) -> bool:
    """Whether the certificate must be the overall assessment (BEK § 14, stk. 3-4).

    ``earlier_assessments`` counts the assessments of the same person already made in the
    matter (earlier signed certificates and further specialist assessments). With one or
    more, this certificate is the second or later, so it gives the overall assessment.
    """
    if earlier_assessments < 0:
        raise ValueError("earlier_assessments cannot be negative")
    return earlier_assessments >= 1


def certificate_problems(
    content: CertificateContent, earlier_assessments: int = 0
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

    if overall_required(earlier_assessments) and not content.is_overall:
        problems.append(
            Problem(
                "is_overall",
                "overall_required",
                "Der er foretaget flere vurderinger af borgeren, så attesten skal indeholde "
                "en samlet vurdering (BEK § 14, stk. 3-4).",
            )
        )
    if (content.is_overall or overall_required(earlier_assessments)) and not (
        content.overall_assessment.strip()
    ):
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
    content: CertificateContent, *, earlier_assessments: int = 0
) -> dict[str, str]:
    """:func:`certificate_problems` as field name -> Danish message; empty when complete.

    Each field has at most one problem, so nothing is lost.
    """
    return {p.field: p.message for p in certificate_problems(content, earlier_assessments)}


def check_certificate(content: CertificateContent, earlier_assessments: int = 0) -> None:
    """Raise :class:`CertificateIncomplete` unless ``content`` is complete (BEK § 14)."""
    problems = certificate_problems(content, earlier_assessments)
    if problems:
        raise CertificateIncomplete(problems)
