"""The clinical app's transitions in the cases transition registry (``cases/registry.py``):
for each rule in ``cases/rules/workflow.py`` its service, its form, its serializer and the one
call from their validated input to the service that the page and the API share. Registered
from ``ClinicalConfig.ready``; the API endpoints (``/api/v1/cases/{id}/invite/`` …) and the
case page's actions are made from these entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sagsbro.cases.api.serializers import EmptySerializer
from sagsbro.cases.models import Case
from sagsbro.cases.registry import register
from sagsbro.cases.rules.workflow import TRANSITIONS
from sagsbro.clinical import services
from sagsbro.clinical.api import serializers as s
from sagsbro.clinical.web import confirmations as c
from sagsbro.clinical.web import forms as f
from sagsbro.core.forms import ConfirmForm
from sagsbro.organisations.models import User

Data = Mapping[str, Any]


def _notify_late_appointment(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.notify_late_appointment(user, case, data["appointment_date"], channel)


def _invite(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.invite_citizen(user, case, data["appointment_date"], channel)


def _hold_consultation(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.hold_consultation(user, case, data.get("consultation_date"), channel)


def _deliver_certificate(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.deliver_certificate(user, case, channel)


def register_clinical_transitions() -> None:
    """Register the clinical app's transitions (once, from ``ClinicalConfig.ready``)."""
    register(
        TRANSITIONS["notify_late_appointment"],
        service=services.notify_late_appointment,
        form_class=f.AppointmentForm,
        serializer_class=s.AppointmentSerializer,
        call=_notify_late_appointment,
        confirmation=c.late_notice,
        intro=(
            "Sagsbehandleren skal orienteres, før borgeren indkaldes, når tiden ligger mere end "
            "14 dage efter, at anmodningen kom."
        ),
    )
    register(
        TRANSITIONS["invite"],
        service=services.invite_citizen,
        form_class=f.AppointmentForm,
        serializer_class=s.AppointmentSerializer,
        call=_invite,
        confirmation=c.invited,
        intro="Sagsbehandleren får en kopi af indkaldelsen.",
    )
    register(
        TRANSITIONS["hold_consultation"],
        service=services.hold_consultation,
        form_class=f.ConsultationForm,
        serializer_class=s.ConsultationSerializer,
        call=_hold_consultation,
        confirmation=c.consultation_held,
    )
    register(
        TRANSITIONS["deliver_certificate"],
        service=services.deliver_certificate,
        form_class=ConfirmForm,
        serializer_class=EmptySerializer,
        call=_deliver_certificate,
        confirmation=c.certificate_delivered,
        intro=(
            "Speciallægeattesten (LÆ 275) sendes til kommunen og samtidig i kopi til borgerens "
            "egen læge (BEK § 15, stk. 2)."
        ),
    )
