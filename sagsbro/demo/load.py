"""Demo data: three municipalities, two regions, a person in every role and a few dozen
cases in every subtype and state. Each app owns its part (`organisations.demo`,
`cases.demo`, `documents.demo`); this app only composes them (and hands cases the meetings and
clinical apps' services for the team meeting's and klinisk funktion's steps), so no app below it
has to know the others' demo data."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sagsbro.cases import demo as cases_demo
from sagsbro.cases.models import Case
from sagsbro.clinical import demo as clinical_demo
from sagsbro.clinical import services as clinical_services
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


def load_demo(today: datetime.date | None = None) -> list[DemoLogin]:
    """Load the demo data once; returns the demo log-ins (empty if already loaded)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if Case.objects.exists():
            return []
        load_reference_data()
        people = organisations_demo.create_people()
        organisations_demo.create_agreements()
        cases_demo.create_cases(
            people,
            today,
            attach=cases_demo.attach,
            meetings=meetings_services,
            clinical=clinical_services,
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
