import pytest

from sagsbro.cases.rules.advice import (
    FORBIDDEN_ADVICE_FIELDS,
    RECOMMENDATION_LABELS,
    BenefitAdviceNotAllowed,
    LoebendeSagRecommendation,
    assert_no_benefit_advice,
    is_benefit_field,
)


def test_recommendation_values() -> None:
    assert [r.value for r in LoebendeSagRecommendation] == [
        "continue_plan",
        "still_unfit",
        "resume_work_fully",
        "resume_work_partly",
        "new_team_meeting",
        "clinical_assessment",
        "gp_visit",
        "more_health_information",
    ]


def test_every_recommendation_has_a_danish_label() -> None:
    assert set(RECOMMENDATION_LABELS) == set(LoebendeSagRecommendation)
    assert all(label.strip() for label in RECOMMENDATION_LABELS.values())
    assert "LÆ 275" in RECOMMENDATION_LABELS[LoebendeSagRecommendation.CLINICAL_ASSESSMENT]


def test_recommendation_is_a_string() -> None:
    assert LoebendeSagRecommendation("gp_visit") is LoebendeSagRecommendation.GP_VISIT
    assert str(LoebendeSagRecommendation.GP_VISIT) == "gp_visit"
    assert isinstance(LoebendeSagRecommendation.GP_VISIT, str)


def test_forbidden_words_include_the_required_ones() -> None:
    assert {"benefit", "ydelse", "recommended_benefit", "entitlement"} <= FORBIDDEN_ADVICE_FIELDS


def test_allowed_fields_pass() -> None:
    assert_no_benefit_advice(
        ["recommendation", "summary", "reasoning", "can_continue_plan", "next_step"]
    )
    assert_no_benefit_advice([])


@pytest.mark.parametrize(
    "field_name",
    [
        "benefit",
        "recommended_benefit",
        "Benefit_Type",
        "entitlement",
        "ENTITLEMENT_NOTE",
        "entitled_to",
        "ydelse",
        "anbefalet_ydelse",
        "Forsørgelsesydelse",
        "forsoergelsesgrundlag",
    ],
)
def test_forbidden_fields_are_rejected(field_name: str) -> None:
    assert is_benefit_field(field_name)
    with pytest.raises(BenefitAdviceNotAllowed) as excinfo:
        assert_no_benefit_advice(["summary", field_name])
    assert excinfo.value.fields == (field_name,)
    assert field_name in excinfo.value.message
    assert "BEK § 11, stk. 4" in excinfo.value.message


def test_error_is_a_value_error_naming_all_offending_fields() -> None:
    with pytest.raises(ValueError) as excinfo:
        assert_no_benefit_advice(["benefit", "summary", "ydelse_type"])
    message = str(excinfo.value)
    assert "benefit" in message
    assert "ydelse_type" in message
    assert "summary" not in message
    assert message.startswith("Felterne ")


def test_accepts_any_iterable() -> None:
    with pytest.raises(BenefitAdviceNotAllowed):
        assert_no_benefit_advice(name for name in ("a", "b", "benefit"))
