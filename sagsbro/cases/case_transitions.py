"""The cases app's transitions in the registry (``cases/registry.py``): for each rule in
``rules/workflow.py`` its service, its form, its serializer and the one call from their
validated input to the service that the page and the API share. Registered from
``CasesConfig.ready``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sagsbro.cases import services
from sagsbro.cases.api import serializers as s
from sagsbro.cases.models import Case
from sagsbro.cases.registry import register
from sagsbro.cases.rules.workflow import TRANSITIONS
from sagsbro.cases.web import forms as f
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

Data = Mapping[str, Any]


def _person(pk: int, role: Role) -> User | None:
    """The chosen person if they have the role; None lets the service refuse with its reason."""
    return User.objects.filter(pk=pk, role=role).first()


def _send(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.send_case(user, case, channel, confirm_late=bool(data.get("confirm_late")))


def _assign(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.assign_coordinator(
        user, case, _person(data["assignee"], Role.COORDINATOR), channel
    )


def _assign_specialist(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.assign_specialist(
        user, case, _person(data["assignee"], Role.CLINICAL_SPECIALIST), channel
    )


def _reassign(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.reassign_coordinator(
        user, case, _person(data["assignee"], services.assignee_role(case)), channel
    )


def _record_contact_time(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.record_contact_appointment(user, case, data["at"], data["how"], channel)


def _return_for_information(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.return_for_information(user, case, data["reason"], channel)


def _resend(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.resend_case(user, case, data.get("comment", ""), channel)


def _withdraw(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.withdraw_case(user, case, data["reason"], channel)


def _discard_draft(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.discard_draft(user, case, channel)


def _answer(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.answer_in_writing(
        user,
        case,
        text=data["text"],
        recommendations=data.get("recommendations", []),
        confirm_wording=bool(data.get("confirm_wording", False)),
        channel=channel,
    )


def _close(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.close_case(user, case, channel)


def register_case_transitions() -> None:
    """Register every transition of the cases app (once, from ``CasesConfig.ready``)."""
    register(
        TRANSITIONS["send"],
        service=services.send_case,
        form_class=f.SendForm,
        serializer_class=s.SendSerializer,
        call=_send,
        intro="Sagen sendes elektronisk til regionens udpegede postkasse (BEK § 24).",
    )
    register(
        TRANSITIONS["assign"],
        service=services.assign_coordinator,
        form_class=f.AssignForm,
        serializer_class=s.AssignSerializer,
        call=_assign,
        intro=(
            "En sundhedskoordinator må ikke rådgive i en sag, hvor vedkommende er eller har været"
            " borgerens læge eller behandler (BEK § 12, stk. 2)."
        ),
    )
    register(
        TRANSITIONS["assign_specialist"],
        service=services.assign_specialist,
        form_class=f.AssignForm,
        serializer_class=s.AssignSerializer,
        call=_assign_specialist,
        intro=(
            "Samme person kan kun være sundhedskoordinator og foretage vurderingen, hvis borgeren"
            " har givet samtykke (BEK § 13, stk. 3)."
        ),
    )
    register(
        TRANSITIONS["reassign"],
        service=services.reassign_coordinator,
        form_class=f.AssignForm,
        serializer_class=s.AssignSerializer,
        call=_reassign,
        intro=(
            "Sagen flyttes til en anden. Den nye må ikke være eller have været borgerens læge "
            "eller behandler (BEK § 12, stk. 2). Den tidligere får besked om, at sagen er "
            "flyttet."
        ),
    )
    register(
        TRANSITIONS["record_contact_time"],
        service=services.record_contact_appointment,
        form_class=f.ContactAppointmentForm,
        serializer_class=s.ContactAppointmentSerializer,
        call=_record_contact_time,
        intro=(
            "Registrér det tidspunkt, der er aftalt med sagsbehandleren. Sagen forsvinder "
            "derefter fra listen over sager, der ønsker telefonisk eller virtuel kontakt."
        ),
    )
    register(
        TRANSITIONS["return_for_information"],
        service=services.return_for_information,
        form_class=f.ReasonForm,
        serializer_class=s.ReasonSerializer,
        call=_return_for_information,
        intro="Sagen sendes tilbage til kommunen. Skriv, hvilke oplysninger der mangler.",
    )
    register(
        TRANSITIONS["resend"],
        service=services.resend_case,
        form_class=f.CommentForm,
        serializer_class=s.CommentSerializer,
        call=_resend,
        intro="Sagen sendes igen til regionen med de nye oplysninger.",
    )
    register(
        TRANSITIONS["withdraw"],
        service=services.withdraw_case,
        form_class=f.ReasonForm,
        serializer_class=s.ReasonSerializer,
        call=_withdraw,
        intro="Sagen trækkes tilbage og lukkes. Regionen får besked.",
        danger=True,
    )
    register(
        TRANSITIONS["discard_draft"],
        service=services.discard_draft,
        form_class=f.ConfirmForm,
        serializer_class=s.EmptySerializer,
        call=_discard_draft,
        intro="Kladden slettes. Det kan ikke fortrydes.",
        danger=True,
    )
    register(
        TRANSITIONS["answer"],
        service=services.answer_in_writing,
        form_class=f.WrittenAnswerForm,
        serializer_class=s.WrittenAnswerSerializer,
        call=_answer,
        intro=(
            "Svaret rådgiver ikke om, hvilken ydelse borgeren er berettiget til (BEK § 11, stk. 4)."
        ),
    )
    register(
        TRANSITIONS["close"],
        service=services.close_case,
        form_class=f.ConfirmForm,
        serializer_class=s.EmptySerializer,
        call=_close,
        intro="Sagen afsluttes, fordi svaret er modtaget.",
    )
