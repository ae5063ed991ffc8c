import pytest

from sagsbro.cases.rules.conflict import (
    RELATION_LABELS,
    ConflictOfInterest,
    DoctorRef,
    RelationKind,
    SamePersonWithoutConsent,
    TreatmentRelation,
    find_conflict,
    has_been_coordinator,
    require_assessor_allowed,
    require_no_conflict,
    same_person,
)

DR_A = DoctorRef(authorisation_id="0A1B2", user_id=1)
DR_A_OTHER_ACCOUNT = DoctorRef(authorisation_id="0A1B2", user_id=2)
DR_B = DoctorRef(authorisation_id="9Z8Y7", user_id=3)


# --- same_person ---------------------------------------------------------------


def test_same_person_via_authorisation_id_across_user_ids() -> None:
    assert same_person(DR_A, DR_A_OTHER_ACCOUNT)


def test_authorisation_id_ignores_case_and_whitespace() -> None:
    assert same_person(DR_A, DoctorRef(authorisation_id=" 0a1b2 ", user_id=None))


def test_different_authorisation_ids_are_different_people() -> None:
    assert not same_person(DR_A, DR_B)


def test_falls_back_to_user_id_when_an_authorisation_id_is_missing() -> None:
    assert same_person(DoctorRef(None, 7), DoctorRef("0A1B2", 7))
    assert not same_person(DoctorRef(None, 7), DoctorRef("0A1B2", 8))


def test_same_user_id_is_the_same_person_even_if_authorisation_ids_disagree() -> None:
    assert same_person(DoctorRef("0A1B2", 7), DoctorRef("9Z8Y7", 7))


def test_no_identifiers_is_never_the_same_person() -> None:
    assert not same_person(DoctorRef(None, None), DoctorRef(None, None))
    assert not same_person(DoctorRef("", None), DoctorRef("  ", None))


# --- BEK § 12, stk. 2 ----------------------------------------------------------


@pytest.mark.parametrize("kind", list(RelationKind))
def test_each_relation_kind_blocks(kind: RelationKind) -> None:
    relation = TreatmentRelation(doctor=DR_A, kind=kind)
    assert find_conflict(DR_A, [relation]) is relation
    with pytest.raises(ConflictOfInterest) as excinfo:
        require_no_conflict(DR_A, [relation])
    assert excinfo.value.kind is kind
    assert excinfo.value.code == "conflict_of_interest"
    assert excinfo.value.message == (
        "Sundhedskoordinatoren er eller har været borgerens praktiserende læge eller "
        "behandlende læge og kan derfor ikke rådgive i sagen (BEK § 12, stk. 2)."
    )
    assert str(excinfo.value) == excinfo.value.message


@pytest.mark.parametrize("kind", list(RelationKind))
def test_relation_on_another_account_of_the_same_doctor_blocks(kind: RelationKind) -> None:
    relations = [TreatmentRelation(doctor=DR_A_OTHER_ACCOUNT, kind=kind)]
    with pytest.raises(ConflictOfInterest):
        require_no_conflict(DR_A, relations)


def test_unrelated_doctor_is_allowed() -> None:
    relations = [TreatmentRelation(DR_B, kind) for kind in RelationKind]
    assert find_conflict(DR_A, relations) is None
    require_no_conflict(DR_A, relations)


def test_no_relations_is_allowed() -> None:
    assert find_conflict(DR_A, []) is None
    require_no_conflict(DR_A, iter([]))


def test_first_matching_relation_is_reported() -> None:
    relations = [
        TreatmentRelation(DR_B, RelationKind.CURRENT_GP),
        TreatmentRelation(DR_A, RelationKind.FORMER_TREATING),
        TreatmentRelation(DR_A, RelationKind.FORMER_GP),
    ]
    with pytest.raises(ConflictOfInterest) as excinfo:
        require_no_conflict(DR_A, relations)
    assert excinfo.value.kind is RelationKind.FORMER_TREATING


def test_message_contains_no_identifiers() -> None:
    with pytest.raises(ConflictOfInterest) as excinfo:
        require_no_conflict(DR_A, [TreatmentRelation(DR_A, RelationKind.CURRENT_GP)])
    assert "0A1B2" not in str(excinfo.value)


def test_every_relation_kind_has_a_label() -> None:
    assert set(RELATION_LABELS) == set(RelationKind)


# --- BEK § 13, stk. 3 ----------------------------------------------------------


def test_other_doctor_may_assess_without_agreement() -> None:
    require_assessor_allowed(DR_B, [DR_A], citizen_agreed=False)


def test_any_doctor_may_assess_when_there_is_no_coordinator() -> None:
    require_assessor_allowed(DR_A, [], citizen_agreed=False)


def test_coordinator_may_assess_when_citizen_agrees() -> None:
    require_assessor_allowed(DR_A, [DR_A], citizen_agreed=True)
    require_assessor_allowed(DR_A_OTHER_ACCOUNT, [DR_B, DR_A], citizen_agreed=True)


def test_coordinator_may_not_assess_without_agreement() -> None:
    with pytest.raises(SamePersonWithoutConsent) as excinfo:
        require_assessor_allowed(DR_A, [DR_A], citizen_agreed=False)
    assert excinfo.value.code == "same_person_without_consent"
    assert "BEK § 13, stk. 3" in excinfo.value.message
    assert "på denne sag" in excinfo.value.message


def test_coordinator_on_another_account_may_not_assess_without_agreement() -> None:
    with pytest.raises(SamePersonWithoutConsent):
        require_assessor_allowed(DR_A_OTHER_ACCOUNT, [DR_A], citizen_agreed=False)


def test_an_earlier_coordinator_counts_as_well_as_the_current_one() -> None:
    """§ 13 stk. 3 "has been health coordinator": every coordinator of the case, not only the
    last one."""
    assert has_been_coordinator(DR_A, [DR_B, DR_A])
    assert not has_been_coordinator(DR_A, [DR_B])
    with pytest.raises(SamePersonWithoutConsent):
        require_assessor_allowed(DR_A, [DR_B, DR_A], citizen_agreed=False)
