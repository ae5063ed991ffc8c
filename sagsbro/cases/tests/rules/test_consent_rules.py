from datetime import date

import pytest

from sagsbro.cases.rules.consent import (
    ACTIONS,
    SCOPE_LABELS,
    WRITTEN_CONSENT_REQUIRED,
    Action,
    ConsentMissing,
    ConsentRecord,
    ConsentScope,
    covering_consent,
    require_consent,
    require_consent_for_action,
)

GIVEN = date(2025, 3, 10)
ALL_SCOPES = list(ConsentScope)
ACTION_FOR_SCOPE = {
    ConsentScope.CONTACT_GP: "contact_gp",
    ConsentScope.OBTAIN_RECORDS: "obtain_records",
    ConsentScope.COORDINATOR_TALKS_TO_CITIZEN: "talk_to_citizen",
    ConsentScope.SAME_PERSON_ASSESSMENT: "assign_same_person_as_specialist",
}


def written(
    scope: ConsentScope, withdrawn_on: date | None = None, valid_until: date | None = None
) -> ConsentRecord:
    return ConsentRecord(
        scope=scope,
        given_on=GIVEN,
        written=True,
        withdrawn_on=withdrawn_on,
        valid_until=valid_until,
    )


# --- allowed -----------------------------------------------------------------


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_allowed_on_the_day_it_is_given(scope: ConsentScope) -> None:
    record = written(scope)
    assert covering_consent([record], scope, GIVEN) is record
    assert require_consent([record], scope, GIVEN) is record


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_allowed_after_it_is_given(scope: ConsentScope) -> None:
    record = written(scope)
    assert require_consent([record], scope, date(2026, 1, 1)) is record


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_allowed_the_day_before_withdrawal(scope: ConsentScope) -> None:
    record = written(scope, withdrawn_on=date(2025, 4, 1))
    assert require_consent([record], scope, date(2025, 3, 31)) is record


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_allowed_on_the_last_valid_day(scope: ConsentScope) -> None:
    record = written(scope, valid_until=date(2025, 6, 30))
    assert require_consent([record], scope, date(2025, 6, 30)) is record


@pytest.mark.parametrize(
    "scope", [ConsentScope.COORDINATOR_TALKS_TO_CITIZEN, ConsentScope.SAME_PERSON_ASSESSMENT]
)
def test_oral_consent_is_enough_where_writing_is_not_required(scope: ConsentScope) -> None:
    record = ConsentRecord(scope=scope, given_on=GIVEN, written=False)
    assert require_consent([record], scope, GIVEN) is record


def test_written_is_required_for_gp_contact_and_records() -> None:
    assert (
        frozenset({ConsentScope.CONTACT_GP, ConsentScope.OBTAIN_RECORDS})
        == WRITTEN_CONSENT_REQUIRED
    )


def test_most_recently_given_covering_record_is_returned() -> None:
    older = written(ConsentScope.CONTACT_GP)
    newer = ConsentRecord(ConsentScope.CONTACT_GP, date(2025, 5, 1), True)
    assert require_consent([newer, older], ConsentScope.CONTACT_GP, date(2025, 6, 1)) is newer
    assert require_consent([older, newer], ConsentScope.CONTACT_GP, date(2025, 4, 1)) is older


def test_a_new_consent_after_withdrawal_covers() -> None:
    withdrawn = written(ConsentScope.CONTACT_GP, withdrawn_on=date(2025, 4, 1))
    renewed = ConsentRecord(ConsentScope.CONTACT_GP, date(2025, 5, 1), True)
    records = [withdrawn, renewed]
    assert covering_consent(records, ConsentScope.CONTACT_GP, date(2025, 4, 15)) is None
    assert require_consent(records, ConsentScope.CONTACT_GP, date(2025, 5, 1)) is renewed


def test_records_can_be_any_iterable() -> None:
    record = written(ConsentScope.OBTAIN_RECORDS)
    assert require_consent(iter([record]), ConsentScope.OBTAIN_RECORDS, GIVEN) is record


# --- blocked -----------------------------------------------------------------


def assert_blocked(records: list[ConsentRecord], scope: ConsentScope, on: date) -> None:
    assert covering_consent(records, scope, on) is None
    with pytest.raises(ConsentMissing) as excinfo:
        require_consent(records, scope, on)
    assert excinfo.value.scope is scope
    assert excinfo.value.code == "consent_missing"
    assert "BEK §" in excinfo.value.message
    assert str(excinfo.value) == excinfo.value.message


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_blocked_without_any_record(scope: ConsentScope) -> None:
    assert_blocked([], scope, GIVEN)


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_blocked_before_it_is_given(scope: ConsentScope) -> None:
    assert_blocked([written(scope)], scope, date(2025, 3, 9))


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_blocked_on_the_day_of_withdrawal(scope: ConsentScope) -> None:
    assert_blocked([written(scope, withdrawn_on=date(2025, 4, 1))], scope, date(2025, 4, 1))


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_blocked_after_withdrawal(scope: ConsentScope) -> None:
    assert_blocked([written(scope, withdrawn_on=date(2025, 4, 1))], scope, date(2025, 9, 1))


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_blocked_when_expired(scope: ConsentScope) -> None:
    assert_blocked([written(scope, valid_until=date(2025, 6, 30))], scope, date(2025, 7, 1))


@pytest.mark.parametrize("scope", sorted(WRITTEN_CONSENT_REQUIRED))
def test_blocked_with_oral_consent_where_written_is_required(scope: ConsentScope) -> None:
    assert_blocked([ConsentRecord(scope=scope, given_on=GIVEN, written=False)], scope, GIVEN)


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_blocked_with_the_wrong_scope(scope: ConsentScope) -> None:
    others = [written(other) for other in ALL_SCOPES if other is not scope]
    assert_blocked(others, scope, GIVEN)


def test_contact_gp_message() -> None:
    with pytest.raises(ConsentMissing) as excinfo:
        require_consent([], ConsentScope.CONTACT_GP, GIVEN)
    assert excinfo.value.message == (
        "Borgerens skriftlige samtykke til at kontakte den praktiserende læge mangler "
        "eller er tilbagekaldt (BEK § 5, stk. 2)."
    )


@pytest.mark.parametrize(
    ("scope", "section"),
    [
        (ConsentScope.CONTACT_GP, "§ 5, stk. 2"),
        (ConsentScope.OBTAIN_RECORDS, "§ 15, stk. 1"),
        (ConsentScope.COORDINATOR_TALKS_TO_CITIZEN, "§ 11, stk. 5"),
        (ConsentScope.SAME_PERSON_ASSESSMENT, "§ 13, stk. 3"),
    ],
)
def test_messages_cite_the_section(scope: ConsentScope, section: str) -> None:
    assert section in ConsentMissing(scope).message


# --- record validation and labels ---------------------------------------------


def test_withdrawal_before_given_is_rejected() -> None:
    with pytest.raises(ValueError):
        written(ConsentScope.CONTACT_GP, withdrawn_on=date(2025, 3, 9))


def test_expiry_before_given_is_rejected() -> None:
    with pytest.raises(ValueError):
        written(ConsentScope.CONTACT_GP, valid_until=date(2025, 3, 9))


def test_every_scope_has_a_danish_label() -> None:
    assert set(SCOPE_LABELS) == set(ConsentScope)
    assert all(label.strip() for label in SCOPE_LABELS.values())


def test_scope_values() -> None:
    assert [s.value for s in ConsentScope] == [
        "contact_gp",
        "obtain_records",
        "coordinator_talks_to_citizen",
        "same_person_assessment",
    ]


# --- actions -----------------------------------------------------------------


def test_actions() -> None:
    assert set(ACTIONS) == set(ACTION_FOR_SCOPE.values())
    for scope, key in ACTION_FOR_SCOPE.items():
        action = ACTIONS[key]
        assert isinstance(action, Action)
        assert action.key == key
        assert action.requires is scope
        assert action.label.strip()


@pytest.mark.parametrize(("scope", "action_key"), ACTION_FOR_SCOPE.items())
def test_action_allowed_with_consent(scope: ConsentScope, action_key: str) -> None:
    record = written(scope)
    assert require_consent_for_action(action_key, [record], GIVEN) is record


@pytest.mark.parametrize(("scope", "action_key"), ACTION_FOR_SCOPE.items())
def test_action_blocked_without_consent(scope: ConsentScope, action_key: str) -> None:
    others = [written(other) for other in ALL_SCOPES if other is not scope]
    with pytest.raises(ConsentMissing) as excinfo:
        require_consent_for_action(action_key, others, GIVEN)
    assert excinfo.value.scope is scope


def test_action_contact_gp_blocked_with_oral_consent() -> None:
    oral = ConsentRecord(ConsentScope.CONTACT_GP, GIVEN, written=False)
    with pytest.raises(ConsentMissing):
        require_consent_for_action("contact_gp", [oral], GIVEN)


def test_unknown_action() -> None:
    with pytest.raises(KeyError):
        require_consent_for_action("delete_everything", [], GIVEN)


def test_actions_mapping_is_read_only() -> None:
    with pytest.raises(TypeError):
        ACTIONS["x"] = ACTIONS["contact_gp"]  # type: ignore[index]


# --- a consent and a refusal -----------------------------------------------------


def _answer(*, refused: bool, given_on: date = GIVEN, registered: int) -> ConsentRecord:
    return ConsentRecord(
        scope=ConsentScope.SAME_PERSON_ASSESSMENT,
        given_on=given_on,
        written=True,
        refused=refused,
        registered=registered,
    )


def test_a_consent_registered_after_a_refusal_the_same_day_covers() -> None:
    """The citizen first said no, then yes, on the same day: the yes is the answer."""
    no, yes = _answer(refused=True, registered=1), _answer(refused=False, registered=2)
    assert covering_consent([no, yes], ConsentScope.SAME_PERSON_ASSESSMENT, GIVEN) == yes


def test_a_refusal_registered_after_a_consent_the_same_day_stands() -> None:
    yes, no = _answer(refused=False, registered=1), _answer(refused=True, registered=2)
    assert covering_consent([yes, no], ConsentScope.SAME_PERSON_ASSESSMENT, GIVEN) is None


def test_the_day_given_orders_before_the_registration() -> None:
    """A refusal given on a later day stands even if registered before the consent (which
    was registered late for an earlier day)."""
    later_no = _answer(refused=True, given_on=date(2025, 3, 11), registered=1)
    earlier_yes = _answer(refused=False, registered=2)
    day = date(2025, 3, 12)
    assert (
        covering_consent([later_no, earlier_yes], ConsentScope.SAME_PERSON_ASSESSMENT, day) is None
    )
