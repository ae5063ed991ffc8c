"""Completeness of the LÆ 275 (BEK § 14; obligations O-24, O-25, O-26)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from sagsbro.clinical.rules.certificate import (
    CertificateContent,
    CertificateIncomplete,
    certificate_problems,
    check_certificate,
    overall_required,
    problems_by_field,
)

COMPLETE = CertificateContent(
    functional_capacity="Kan gå 500 m, løfte 5 kg.",
    health="Kroniske lændesmerter.",
    citizen_view="Borgeren vurderer ikke at kunne arbejde mere end 10 timer.",
    doctor_view="Lægen vurderer 15 timer ugentligt som realistisk.",
)


def _fields(content: CertificateContent, earlier: int = 0) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in certificate_problems(content, earlier)]


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


def test_overall_assessment_after_several_assessments() -> None:
    # O-26, § 14, stk. 3-4: with one earlier assessment this one must be the overall one.
    assert not overall_required(0)
    assert overall_required(1)
    assert _fields(COMPLETE, earlier=1) == [
        ("is_overall", "overall_required"),
        ("overall_assessment", "required"),
    ]
    overall = replace(COMPLETE, is_overall=True, overall_assessment="Samlet: 15 timer.")
    assert _fields(overall, earlier=2) == []
    # Marked as overall without the text is incomplete even as the first certificate.
    assert _fields(replace(COMPLETE, is_overall=True)) == [("overall_assessment", "required")]
    with pytest.raises(ValueError):
        overall_required(-1)


def test_problems_by_field() -> None:
    assert problems_by_field(COMPLETE, earlier_assessments=0) == {}
    problems = problems_by_field(replace(COMPLETE, health=""), earlier_assessments=1)
    assert sorted(problems) == ["health", "is_overall", "overall_assessment"]
    assert "§ 14, stk. 1" in problems["health"]
