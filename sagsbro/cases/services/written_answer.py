"""The coordinator's written answer (BEK § 10, § 11) and its draft."""

from collections.abc import Collection
from typing import Any

from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.models import Advice, AnswerDraft, Case
from sagsbro.cases.rules import advice as advice_rules
from sagsbro.cases.rules.advice import assert_no_benefit_advice
from sagsbro.cases.rules.workflow import Transition
from sagsbro.cases.services import written_answer_pdf
from sagsbro.cases.services.assignment import assignee_act
from sagsbro.cases.services.common import require_text
from sagsbro.cases.services.transitions import begin, finish, target_of
from sagsbro.core.errors import ConfirmationRequired, PermissionRefused, ServiceError
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


def _answer_checks(
    user: User,
    case: Case,
    *,
    text: str,
    recommendations: Collection[str],
    transition_name: str = "answer",
) -> tuple[Case, Transition]:
    """What a written answer and its draft both need: the transition, the assignee and
    recommendations that do not contradict each other (BEK § 11 stk. 2)."""
    case, transition = begin(user, case, transition_name)
    if case.coordinator_id != user.pk:
        raise PermissionRefused("not_assignee", "Kun den tildelte sundhedskoordinator kan svare.")
    try:
        advice_rules.require_consistent(recommendations)
    except advice_rules.ContradictoryRecommendations as exc:
        raise ServiceError(
            exc.code, exc.message, fields={"recommendations": [exc.message]}
        ) from exc
    return case, transition


@assignee_act
@transaction.atomic
def answer_in_writing(
    user: User,
    case: Case,
    /,
    *,
    text: str,
    recommendations: Collection[str],
    confirm_wording: bool = False,
    channel: str = "api",
    **extra: Any,
) -> Case:
    """The coordinator's written answer (BEK § 11 stk. 2 and 6). No benefit advice (§ 11 stk. 4):
    the free text is free, but wording that names a benefit decision needs ``confirm_wording``
    after the warning. A draft of the answer is replaced by the answer."""
    assert_no_benefit_advice(extra.keys())
    if extra:
        raise ServiceError("unknown_field", "Svaret indeholder ukendte felter.")
    require_text(text, "text", "Skriv det skriftlige svar.")
    # Subtype, state and role first, so refusals agree with the transition table; then the
    # assignee; nothing is written before both pass.
    case, transition = _answer_checks(user, case, text=text, recommendations=recommendations)
    wording = advice_rules.find_benefit_wording(text)
    if wording and not confirm_wording:
        raise ConfirmationRequired(
            "benefit_wording",
            advice_rules.benefit_wording_message(wording),
            warning={"phrases": [w.phrase for w in wording], "source": "BEK § 11, stk. 4"},
            confirm_field="confirm_wording",
        )
    from_state = case.state
    case.state = target_of(transition)
    finish(
        user,
        case,
        transition,
        from_state,
        channel,
        data={"benefit_wording_confirmed": [w.phrase for w in wording]} if wording else None,
    )
    advice = Advice.objects.create(
        case=case,
        author=user,
        kind=Advice.Kind.WRITTEN_ANSWER,
        text=text,
        recommendations=[str(r) for r in recommendations],
    )
    AnswerDraft.objects.filter(case=case).delete()
    # The answer is filed on the case as a PDF by a task queued in this same transaction.
    written_answer_pdf.enqueue_written_answer_pdf(advice)
    return case


@assignee_act
@transaction.atomic
def save_answer_draft(
    user: User, case: Case, *, text: str, recommendations: Collection[str], channel: str = "api"
) -> AnswerDraft:
    """Save the written answer as a draft: editable, previewable, not yet given. Nothing the
    municipality sees changes (no state change, no PDF, no deadline met, no case event)."""
    require_text(text, "text", "Skriv det skriftlige svar.")
    case, _ = _answer_checks(user, case, text=text, recommendations=recommendations)
    draft, created = AnswerDraft.objects.update_or_create(
        case=case,
        defaults={
            "author": user,
            "text": text,
            "recommendations": [str(r) for r in recommendations],
        },
    )
    record(
        user,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        Subject("answer_draft", draft.pk, case.pk, case.citizen_id),
        channel=channel,
    )
    return draft


def answer_draft_for(user: User, case: Case) -> AnswerDraft | None:
    """The case's answer draft, for its assigned coordinator only (None otherwise)."""
    if user.role != Role.COORDINATOR or case.coordinator_id != user.pk:
        return None
    return AnswerDraft.objects.filter(case=case).first()
