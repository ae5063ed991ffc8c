"""Every web page, walked as every role of another organisation and anonymously, shows none
of a citizen's data and changes nothing. Pages are found from the URL configuration, so a new
page is covered the day it is added; a URL parameter this test cannot fill fails it."""

import datetime
import re

from django.urls import URLPattern, URLResolver, get_resolver

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case, CaseEvent, CaseNote, Consent
from sagsbro.cases.registry import transitions
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case
from sagsbro.documents.models import Document
from sagsbro.meetings.models import Attendee, Booking, MeetingDay, MeetingSeries

# Pages open to anyone: they show no citizen data.
PUBLIC = {"login/", "logout/"}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def page_patterns():
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns, "")
    return [p for p in found if not p.startswith(("api/", "static/", "media/"))]


def fill(pattern, values):
    """The URLs of ``pattern``: one per value of a parameter with several (a list)."""
    names = [m.group("name") for m in PARAMETER.finditer(pattern)]
    for name in names:
        assert name in values, f"teach the page-isolation test the URL parameter <{name}>"
    several = next((n for n in names if isinstance(values[n], list)), None)
    if several is not None:
        return [url for v in values[several] for url in fill(pattern, {**values, several: v})]
    return ["/" + PARAMETER.sub(lambda match: str(values[match.group("name")]), pattern)]


def snapshot():
    return (
        list(Case.objects.order_by("pk").values_list("state", "meeting_date", "question")),
        list(Booking.objects.order_by("pk").values_list("meeting_id", "state")),
        MeetingDay.objects.count(),
        # The day's state and coordinator, its team and the screenings (meetings).
        list(MeetingDay.objects.order_by("pk").values_list("state", "coordinator_id")),
        list(Attendee.objects.order_by("pk").values_list("meeting_id", "name")),
        list(Booking.objects.order_by("pk").values_list("screening", flat=True)),
        MeetingSeries.objects.count(),
        CaseEvent.objects.count(),
        CaseNote.objects.count(),
        Document.objects.count(),
        # Withdrawn, replaced, or opened by the other side (a probe must change none).
        list(
            Document.objects.order_by("pk").values_list(
                "withdrawn_at", "replaced_by_id", "opened_by_other_side_at"
            )
        ),
        Consent.objects.count(),
    )


def test_pages_are_restricted(side_a, side_b, national_admin, client):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    case_services.add_note(side_a.caseworker, case, text="Hemmelig note om helbred")
    consent = Consent.objects.filter(citizen=case.citizen).first()
    assert consent is not None
    # A meeting day of side A with a team case on its agenda (meetings).
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    day = MeetingDay.objects.create(
        municipality=side_a.municipality,
        date=team.meeting_date,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="Jobcentret",
    )
    booking = Booking.objects.create(
        meeting=day, case=team, kind="team_case", booked_by=side_a.caseworker
    )
    values = {
        "pk": case.pk,
        "tab": "overblik",
        # Every registered transition's action page.
        "name": transitions.names(),
        "document_pk": case.documents.first().pk,
        "consent_pk": consent.pk,
        "kind": "written_answer",
        "advice_pk": 1,
        "day_pk": day.pk,
        "booking_pk": booking.pk,
        # A letter in the outbox (meetings, messaging): none of side A's is reachable.
        "message_pk": 1,
        # The consultation calendar's slots and the specialists (clinical): the region's own.
        "slot_pk": 1,
        "specialist_pk": side_a.specialist.pk,
        # An investigation, record request or certificate of the case (clinical), reached only
        # through the case.
        "item": 1,
    }
    secrets = [
        side_a.citizen.name,
        side_a.citizen.cpr,
        case.reference,
        case.question,
        team.reference,
        "Hemmelig note om helbred",
    ]
    patterns = page_patterns()
    assert len(patterns) >= 5
    before = snapshot()
    checked = 0
    # The national administrator (no region, no municipality) keeps the national price index
    # and sees no citizen data.
    for user in [None, *side_b.users(), side_a.coordinator_2, side_a.gp, national_admin]:
        client.logout()
        if user is not None:
            client.force_login(user)
        for pattern in patterns:
            if pattern in PUBLIC:
                continue
            for url, method in [(u, m) for u in fill(pattern, values) for m in ("get", "post")]:
                mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
                response = getattr(client, method)(url)
                checked += 1
                who = getattr(user, "username", "anonym")
                new = list(AuditEntry.objects.filter(id__gt=mark or 0))
                if user is None:
                    assert response.status_code in (302, 403, 404, 405), (who, method, url)
                    if response.status_code == 302:
                        assert response["Location"].startswith("/login/"), (who, url)
                    assert new == [], (method, url)
                    continue
                if response.status_code in (403, 404) and pattern.startswith("sager/<int:pk>/"):
                    # A refused probe of the case leaves exactly one entry: DENIED, by the
                    # prober, naming the case asked for.
                    assert [
                        (e.action, e.user_id, e.object_type, e.object_id, e.case_id, e.channel)
                        for e in new
                    ] == [
                        (AuditEntry.Action.DENIED, user.pk, "case", str(case.pk), case.pk, "web")
                    ], (
                        who,
                        method,
                        url,
                    )
                else:
                    assert [e for e in new if e.action == AuditEntry.Action.DENIED] == [], (
                        who,
                        method,
                        url,
                    )
                assert response.status_code in (200, 302, 400, 403, 404, 405), (
                    who,
                    method,
                    url,
                    response.status_code,
                )
                text = response.content.decode(errors="replace")
                for secret in secrets:
                    assert secret not in text, (who, method, url, secret)
    assert checked > 50
    assert snapshot() == before
    # No read of side A's case was recorded for anyone but side A.
    assert (
        not AuditEntry.objects.filter(case_id=case.pk, action="read")
        .exclude(user__in=[side_a.caseworker, side_a.secretariat, side_a.coordinator])
        .exists()
    )
