"""The meetings app's transitions in the cases transition registry (``cases/registry.py``):
for each rule in ``cases/rules/workflow.py`` its service, its form, its serializer and the one
call from their validated input to the service that the page and the API share. Registered
from ``MeetingsConfig.ready``; the API endpoints (``/api/v1/cases/{id}/postpone/`` …) and the
case page's actions are made from these entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sagsbro.cases.api.serializers import EmptySerializer
from sagsbro.cases.models import Case
from sagsbro.cases.registry import register
from sagsbro.cases.rules.workflow import TRANSITIONS
from sagsbro.core.forms import ConfirmForm
from sagsbro.meetings import services
from sagsbro.meetings.api import serializers as s
from sagsbro.meetings.web import confirmations as c
from sagsbro.meetings.web import forms as f
from sagsbro.organisations.models import User

Data = Mapping[str, Any]


def _postpone(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.postpone_meeting(
        user, case, data["meeting_date"], data.get("reason", ""), channel
    )


def _screen(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.record_screening(
        user,
        case,
        text=data["text"],
        medically_clarified=data["medically_clarified"],
        treatment_exhausted=data.get("treatment_exhausted"),
        channel=channel,
    )


def _hold_meeting(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.hold_meeting(user, case, channel)


def _send_indstilling(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.send_indstilling(user, case, channel)


def _reopen_as_genforelaeggelse(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.reopen_as_genforelaeggelse(user, case, data["meeting_date"], channel)


def register_meeting_transitions() -> None:
    """Register the meetings app's transitions (once, from ``MeetingsConfig.ready``)."""
    register(
        TRANSITIONS["postpone"],
        service=services.postpone_meeting,
        form_class=f.MeetingDateForm,
        serializer_class=s.MeetingDateSerializer,
        call=_postpone,
        confirmation=c.postponed,
        intro="Fristerne beregnes igen ud fra den nye mødedato (BEK § 21).",
    )
    register(
        TRANSITIONS["screen"],
        service=services.record_screening,
        form_class=f.ScreeningForm,
        serializer_class=s.ScreeningSerializer,
        call=_screen,
        confirmation=c.screened,
        intro=(
            "Tilbagemeldingen går til sagsbehandleren. Sundhedskoordinatoren undersøger, "
            "behandler og diagnosticerer ikke (BEK § 12, stk. 1)."
        ),
    )
    register(
        TRANSITIONS["hold_meeting"],
        service=services.hold_meeting,
        form_class=ConfirmForm,
        serializer_class=EmptySerializer,
        call=_hold_meeting,
        confirmation=c.meeting_held,
        intro="Registrér, at rehabiliteringsteamets møde er holdt.",
    )
    register(
        TRANSITIONS["send_indstilling"],
        service=services.send_indstilling,
        form_class=ConfirmForm,
        serializer_class=EmptySerializer,
        call=_send_indstilling,
        confirmation=c.indstilling_sent,
        intro="Indstillingen sendes til borgeren og til borgerens egen læge.",
    )
    register(
        TRANSITIONS["reopen_as_genforelaeggelse"],
        service=services.reopen_as_genforelaeggelse,
        form_class=f.ReopenForm,
        serializer_class=s.MeetingDateSerializer,
        call=_reopen_as_genforelaeggelse,
        confirmation=c.reopened,
        intro=(
            "Der oprettes en genforelæggelsessag med sagens dokumenter. Den skal oprettes senest "
            "5 hverdage før mødet."
        ),
    )
