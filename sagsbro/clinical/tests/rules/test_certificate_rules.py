"""Completeness of the LÆ 275 (BEK § 14; obligations O-24, O-25, O-26) and delivery without
a GP (BEK § 15 stk. 2; O-28)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from sagsbro.clinical.rules.certificate import (
    FIRST_ASSESSMENT,
    NO_GP_REASON_MAX,
    CertificateContent,
    CertificateIncomplete,
    OverallBasis,
    certificate_problems,
    check_certificate,
    no_gp_refusal,
    overall_reason,
    overall_required,
    problems_by_field,
)

FOLLOW_UP = OverallBasis(follows_certificate=True)
SECOND = OverallBasis(delivered_before=1)

COMPLETE = CertificateContent(
    functional_capacity="Kan gå 500 m, løfte 5 kg.",
    health="Kroniske lændesmerter.",
    citizen_view="Borgeren vurderer ikke at kunne arbejde mere end 10 timer.",
    doctor_view="Lægen vurderer 15 timer ugentligt som realistisk.",
)


def _fields(
    content: CertificateContent, basis: OverallBasis = FIRST_ASSESSMENT
) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in certificate_problems(content, basis)]


def test_complete_certificate_passes() -> None:
    assert certificate_problems(COMPLETE) == []
    check_certificate(COMPLETE)


def test_empty_certificate_lists_all_stk_1_sections() -> None:
    # O-24: the four texts of § 14, stk. 1, nr. 1-2; nr. 3 ("evt. andre forhold") is optional.
    assert _fields(CertificateContent()) == [
        ("functional_capacity", "required"),
        ("health", "required"),
        ("citizen_view", "required"),
        ("doctor_view", "required"),
    ]
    with pytest.raises(CertificateIncomplete) as incomplete:
        check_certificate(CertificateContent(health="   "))
    assert len(incomplete.value.problems) == 4
    assert "§ 14, stk. 1" in incomplete.value.message


def test_further_assessment_needs_which_price_and_time_frame() -> None:
    # O-25, § 14, stk. 2.
    needed = replace(COMPLETE, further_assessment_needed=True)
    assert _fields(needed) == [
        ("further_assessment", "required"),
        ("further_price", "required"),
        ("further_time_frame", "required"),
    ]
    full = replace(
        needed,
        further_assessment="Psykiatrisk speciallægevurdering",
        further_price=Decimal("8500.00"),
        further_time_frame="6 uger",
    )
    assert _fields(full) == []


@pytest.mark.parametrize(
    "price", [Decimal("0"), Decimal("-1.00"), Decimal("1000000.01"), Decimal("10.005")]
)
def test_further_price_must_be_sensible(price: Decimal) -> None:
    content = replace(
        COMPLETE,
        further_assessment_needed=True,
        further_assessment="Neurologisk vurdering",
        further_price=price,
        further_time_frame="4 uger",
    )
    assert _fields(content) == [("further_price", "invalid")]


def test_price_without_the_need_is_inconsistent() -> None:
    content = replace(COMPLETE, further_price=Decimal("1000.00"))
    assert _fields(content) == [("further_assessment_needed", "inconsistent")]


def test_overall_assessment_after_further_or_several_assessments() -> None:
    # O-26, § 14 stk. 3: the referral asks for the further assessments of an earlier
    # certificate; stk. 4: the citizen already has a delivered certificate.
    assert not overall_required(FIRST_ASSESSMENT)
    assert overall_required(FOLLOW_UP)
    assert overall_required(SECOND)
    assert overall_required(OverallBasis(delivered_before=3))
    for basis in (FOLLOW_UP, SECOND):
        assert _fields(COMPLETE, basis) == [
            ("is_overall", "overall_required"),
            ("overall_assessment", "required"),
        ]
    overall = replace(COMPLETE, is_overall=True, overall_assessment="Samlet: 15 timer.")
    assert _fields(overall, OverallBasis(follows_certificate=True, delivered_before=2)) == []
    # Marked as overall without the text is incomplete even as the first certificate.
    assert _fields(replace(COMPLETE, is_overall=True)) == [("overall_assessment", "required")]
    with pytest.raises(ValueError):
        overall_required(OverallBasis(delivered_before=-1))


def test_the_message_names_the_paragraph_that_applies() -> None:
    assert overall_reason(FIRST_ASSESSMENT) is None
    follow_up = overall_reason(FOLLOW_UP)
    assert follow_up is not None and "BEK § 14, stk. 3" in follow_up
    second = overall_reason(SECOND)
    assert second is not None and "BEK § 14, stk. 4" in second
    # Both: the municipality's request (stk. 3) is named.
    both = overall_reason(OverallBasis(follows_certificate=True, delivered_before=1))
    assert both == follow_up
    [problem] = [p for p in certificate_problems(COMPLETE, SECOND) if p.field == "is_overall"]
    assert problem.message == second


def test_delivery_without_a_gp_needs_a_short_reason() -> None:
    # O-28, § 15 stk. 2: with a GP nothing is asked; without one, a reason is.
    assert no_gp_refusal(has_gp=True, reason="") is None
    missing = no_gp_refusal(has_gp=False, reason="  ")
    assert missing is not None and "BEK § 15, stk. 2" in missing
    assert "sygesikringsgruppe 2" in missing
    assert no_gp_refusal(has_gp=False, reason="Sygesikringsgruppe 2.") is None
    assert no_gp_refusal(has_gp=False, reason="x" * NO_GP_REASON_MAX) is None
    assert no_gp_refusal(has_gp=False, reason="x" * (NO_GP_REASON_MAX + 1)) == (
        f"Begrundelsen må højst være {NO_GP_REASON_MAX} tegn."
    )


def test_problems_by_field() -> None:
    assert problems_by_field(COMPLETE, FIRST_ASSESSMENT) == {}
    problems = problems_by_field(replace(COMPLETE, health=""), SECOND)
    assert sorted(problems) == ["health", "is_overall", "overall_assessment"]
    assert "§ 14, stk. 1" in problems["health"]
