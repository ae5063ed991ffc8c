import pytest

from sagsbro.cases.rules.advice import (
    FORBIDDEN_ADVICE_FIELDS,
    RECOMMENDATION_LABELS,
    BenefitAdviceNotAllowed,
    ContradictoryRecommendations,
    LoebendeSagRecommendation,
    assert_no_benefit_advice,
    benefit_wording_message,
    find_benefit_wording,
    find_contradictions,
    is_benefit_field,
    require_consistent,
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


# --- benefit decisions in the free text (BEK § 11, stk. 4) -----------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Det vurderes, at borgeren bør tilkendes førtidspension.", "bør tilkendes førtidspension"),
        ("Borgeren tilkendes førtidspension.", "tilkendes førtidspension"),
        ("Borgeren bør have fleksjob.", "bør have fleksjob"),
        ("Borgeren bør få ressourceforløb.", "bør få ressourceforløb"),
        ("Borgeren bør få et ressourceforløb.", "bør få et ressourceforløb"),
        ("Førtidspension bør tilkendes.", "Førtidspension bør tilkendes"),
        ("Fleksjobbet bevilges.", "Fleksjobbet bevilges"),
        ("Borgeren har ret til sygedagpenge.", "har ret til sygedagpenge"),
        ("Borgeren er berettiget til kontanthjælp.", "er berettiget til kontanthjælp"),
        ("Borgeren skal overgå til førtidspension.", "skal overgå til førtidspension"),
        ("BORGEREN BØR HAVE FLEKSJOB", "BØR HAVE FLEKSJOB"),
        ("Borgeren bør\nhave   fleksjob.", "bør have fleksjob"),
    ],
)
def test_benefit_wording_is_found_and_quoted(text: str, phrase: str) -> None:
    assert [w.phrase for w in find_benefit_wording(text)] == [phrase]
    message = benefit_wording_message(find_benefit_wording(text))
    assert f"»{phrase}«" in message
    assert "BEK § 11, stk. 4" in message


@pytest.mark.parametrize(
    "text",
    [
        "Borgeren kan fortsætte i ressourceforløbet.",
        "Borgeren er i fleksjob og klarer arbejdet.",
        "Borgeren kan fortsætte i jobafklaringsforløb og er fortsat uarbejdsdygtig.",
        "Borgeren bør have fysioterapi og bør opsøge egen læge.",
        "Jeg anbefaler, at borgeren fortsætter i ressourceforløbet med samme indsatser.",
        "Skånehensyn i fleksjobbet: ingen tunge løft.",
        "Borgeren har ret til at se sine journaloplysninger.",
        "",
    ],
)
def test_advice_on_the_citizens_capacity_is_not_benefit_wording(text: str) -> None:
    assert find_benefit_wording(text) == []


def test_several_phrases_are_all_found() -> None:
    found = find_benefit_wording(
        "Borgeren bør have fleksjob. Alternativt tilkendes førtidspension."
    )
    assert [w.phrase for w in found] == ["bør have fleksjob", "tilkendes førtidspension"]
    assert found[0].start < found[1].start


def test_free_text_is_not_refused_by_the_field_rule() -> None:
    """assert_no_benefit_advice looks at field names only: the text itself is free."""
    assert_no_benefit_advice(["text", "recommendations"])


# --- recommendations that contradict each other ----------------------------------------------


R = LoebendeSagRecommendation


@pytest.mark.parametrize(
    ("chosen", "pairs"),
    [
        ([R.RESUME_WORK_FULLY, R.STILL_UNFIT], [(R.STILL_UNFIT, R.RESUME_WORK_FULLY)]),
        (
            [R.RESUME_WORK_PARTLY, R.RESUME_WORK_FULLY],
            [(R.RESUME_WORK_FULLY, R.RESUME_WORK_PARTLY)],
        ),
        (
            ["resume_work_fully", "resume_work_partly", "still_unfit"],
            [(R.STILL_UNFIT, R.RESUME_WORK_FULLY), (R.RESUME_WORK_FULLY, R.RESUME_WORK_PARTLY)],
        ),
    ],
)
def test_contradictions_are_found(chosen: list[str], pairs: list[tuple[R, R]]) -> None:
    assert list(find_contradictions(chosen)) == pairs
    with pytest.raises(ContradictoryRecommendations) as refused:
        require_consistent(chosen)
    for a, b in pairs:
        assert f"»{RECOMMENDATION_LABELS[a]}« og »{RECOMMENDATION_LABELS[b]}«" in (
            refused.value.message
        )
    assert "modsiger hinanden" in refused.value.message
    assert refused.value.code == "contradictory_recommendations"


@pytest.mark.parametrize(
    "chosen",
    [
        [],
        [R.RESUME_WORK_PARTLY, R.STILL_UNFIT],
        [R.CONTINUE_PLAN, R.STILL_UNFIT],
        [R.CONTINUE_PLAN, R.NEW_TEAM_MEETING, R.CLINICAL_ASSESSMENT],
        [R.RESUME_WORK_FULLY, R.GP_VISIT, R.MORE_HEALTH_INFORMATION],
        list(R)[:2],
    ],
)
def test_compatible_recommendations_pass(chosen: list[R]) -> None:
    assert find_contradictions(chosen) == ()
    require_consistent(chosen)
