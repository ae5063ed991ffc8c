"""Demo data: three municipalities, two regions, a person in every role and a few dozen
cases in every subtype and state. Each app owns its part (`organisations.demo`,
`cases.demo`, `documents.demo`); this app only composes them (and hands cases the meetings and
clinical apps' services for the team meeting's and klinisk funktion's steps), so no app below it
has to know the others' demo data."""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from sagsbro.cases import demo as cases_demo
from sagsbro.cases.models import Case
from sagsbro.clinical import demo as clinical_demo
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical import testing as clinical_testing
from sagsbro.clinical.services import certificate as clinical_certificate
from sagsbro.meetings import demo as meetings_demo
from sagsbro.meetings import services as meetings_services
from sagsbro.organisations import demo as organisations_demo
from sagsbro.organisations.roles import Role
from sagsbro.organisations.services import load_reference_data

PASSWORD = organisations_demo.PASSWORD


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    organisation: str


def _clinical_steps() -> SimpleNamespace:
    """The klinisk funktion steps the cases app's demo takes: the clinical services, and
    inviting as booking (a free time of the case's specialist, booked through the service)."""
    return SimpleNamespace(
        notify_late_appointment=clinical_services.notify_late_appointment,
        accept_late_appointment=clinical_services.accept_late_appointment,
        book_consultation=clinical_testing.book_consultation,
        # Held at its booked time, which the demo lets pass (the service refuses it before).
        hold_consultation=clinical_testing.hold_consultation_at_booked_time,
        create_certificate=clinical_certificate.create_certificate,
        sign_certificate=clinical_certificate.sign_certificate,
        deliver_certificate=clinical_services.deliver_certificate,
    )


def load_demo(today: datetime.date | None = None) -> list[DemoLogin]:
    """Load the demo data once; returns the demo log-ins (empty if already loaded)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if Case.objects.exists():
            return []
        load_reference_data()
        people = organisations_demo.create_people()
        organisations_demo.create_agreements()
        clinical_demo.create_places(people)
        cases_demo.create_cases(
            people,
            today,
            attach=cases_demo.attach,
            meetings=meetings_services,
            clinical=_clinical_steps(),
        )
        meetings_demo.create_meetings(people, today, attach=cases_demo.attach)
        extra_logins = clinical_demo.create_clinical(people, today)
        return [
            DemoLogin(
                username=user.username,
                password=PASSWORD,
                role=Role(user.role).label,
                organisation=user.organisation_name,
            )
            for user in [*organisations_demo.login_order(people), *extra_logins]
        ]
