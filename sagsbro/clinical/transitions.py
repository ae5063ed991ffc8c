"""The clinical app's transitions in the cases transition registry (``cases/registry.py``):
for each rule in ``cases/rules/workflow.py`` its service, its form, its serializer and the one
call from their validated input to the service that the page and the API share. Registered
from ``ClinicalConfig.ready``; the API endpoints (``/api/v1/cases/{id}/invite/`` …) and the
case page's actions are made from these entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sagsbro.cases.models import Case
from sagsbro.cases.registry import register
from sagsbro.cases.rules.workflow import TRANSITIONS
from sagsbro.clinical import services
from sagsbro.clinical.api import serializers as s
from sagsbro.clinical.api.assessment_serializers import DeliverCertificateSerializer
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.web import confirmations as c
from sagsbro.clinical.web import forms as f
from sagsbro.clinical.web.assessment_forms import DeliverCertificateForm
from sagsbro.organisations.models import User

Data = Mapping[str, Any]


def _notify_late_appointment(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.notify_late_appointment(user, case, data["appointment_date"], channel)


def _accept_late_appointment(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.accept_late_appointment(user, case, data["appointment_date"], channel)


def _invite(user: User, case: Case, data: Data, channel: str) -> Case:
    # The slot by its id (None when there is none): the service checks the transition's rule
    # first, then that it is a free coming time of the case's specialist in the case's region
    # (one message for "no such slot" and "another region's").
    slot = ConsultationSlot.objects.filter(pk=data["slot"]).first()
    return services.invite_citizen(user, case, slot, channel)


def _record_no_show(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.record_no_show(user, case, data.get("comment", ""), channel)


def _hold_consultation(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.hold_consultation(user, case, data.get("consultation_date"), channel)


def _deliver_certificate(user: User, case: Case, data: Data, channel: str) -> Case:
    return services.deliver_certificate(
        user, case, channel, no_gp_reason=data.get("no_gp_reason", "")
    )


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
        TRANSITIONS["accept_late_appointment"],
        service=services.accept_late_appointment,
        form_class=f.AcceptLateAppointmentForm,
        serializer_class=s.AcceptLateAppointmentSerializer,
        call=_accept_late_appointment,
        confirmation=c.late_accepted,
        notice=c.certificate_deadline_warning,
        intro=(
            "Klinisk funktion kan først tilbyde borgeren en tid mere end 14 dage efter, at "
            "anmodningen kom. Borgeren indkaldes først, når du har accepteret tiden."
        ),
    )
    register(
        TRANSITIONS["invite"],
        service=services.invite_citizen,
        form_class=f.InviteForm,
        serializer_class=s.InviteSerializer,
        call=_invite,
        confirmation=c.invited,
        intro=(
            "Borgeren indkaldes til en ledig tid i speciallægens kalender. Indkaldelsen sendes "
            "til borgeren, og sagsbehandleren får en kopi."
        ),
    )
    register(
        TRANSITIONS["record_no_show"],
        service=services.record_no_show,
        form_class=f.NoShowForm,
        serializer_class=s.NoShowSerializer,
        call=_record_no_show,
        confirmation=c.no_show_recorded,
        intro=(
            "Registrér, at borgeren ikke mødte op til den indkaldte tid. Det kan først gøres "
            "fra konsultationstiden. Tiden frigives, sagsbehandleren får besked, og borgeren "
            "kan indkaldes til en ny tid."
        ),
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
        form_class=DeliverCertificateForm,
        serializer_class=DeliverCertificateSerializer,
        call=_deliver_certificate,
        confirmation=c.certificate_delivered,
        intro=(
            "Den underskrevne speciallægeattest (LÆ 275) sendes til kommunen og samtidig i kopi "
            "til borgerens egen læge (BEK § 15, stk. 2). Har borgeren ingen egen læge "
            "registreret, skal du angive hvorfor."
        ),
    )
