"""The tenant-isolation matrix: every API endpoint, walked as every role of another
organisation (and anonymously), gives away nothing and changes nothing.

The endpoints are found from the URL configuration, so a new endpoint is in the matrix the
day it is added; one without an access rule, or a tenant endpoint this test does not know how
to point at another organisation's data, fails the test until someone decides its rule.
"""

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.models import Advice, Case, CaseEvent, CaseNote, Consent
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import (
    AssessmentCost,
    ConsultationSlot,
    PriceIndex,
    Referral,
    Specialty,
)
from sagsbro.clinical.services import assessment as clinical_assessment
from sagsbro.clinical.services import certificate as clinical_certificate
from sagsbro.clinical.services.booking import create_place, create_slot
from sagsbro.clinical.services.referrals import create_referral
from sagsbro.clinical.testing import (
    book_consultation,
    deliver_complete_certificate,
    hold_consultation_at_booked_time,
)
from sagsbro.conftest import api_client, assigned_case, make_case
from sagsbro.core.api import AccessRule
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.meetings import services as meeting_services
from sagsbro.meetings.models import (
    Attendee,
    Booking,
    FollowUp,
    Indstilling,
    MeetingDay,
    MeetingSeries,
)
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.organisations.models import (
    AgreementDeadlineRule,
    Citizen,
    CollaborationAgreement,
    TreatmentRelation,
)

PK = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def api_endpoints():
    """(path pattern, view class, {http method: action}) for every route under /api/v1/."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                path = (prefix + str(entry.pattern)).replace("^", "").replace("$", "")
                if not path.startswith("api/v1/"):
                    continue
                view = entry.callback
                cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
                actions = getattr(view, "actions", None)
                if actions is None:
                    actions = {
                        m: m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)
                    }
                found.append((path, cls, dict(actions)))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_api_endpoint_declares_an_access_rule(db):
    endpoints = api_endpoints()
    assert len(endpoints) > 20
    undeclared = [
        path
        for path, cls, _ in endpoints
        if getattr(cls, "access_rule", None)
        not in (AccessRule.PUBLIC, AccessRule.REFERENCE, AccessRule.SELF, AccessRule.TENANT)
    ]
    assert undeclared == []


@pytest.fixture
def victim(side_a, side_b):
    """Side A's data, touched by every kind of object the API exposes."""
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    meeting_services.record_screening(
        side_a.coordinator,
        team,
        text="Screening: belyst",
        medically_clarified=True,
        treatment_exhausted=False,
    )
    case_services.add_note(
        side_a.caseworker,
        team,
        text="Ring gerne tirsdag",
        contact_preference="contact_first",
        contact_times="Tirsdag 9-11",
    )
    clinical = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    book_consultation(side_a.secretariat, clinical)
    hold_consultation_at_booked_time(side_a.specialist, clinical)
    deliver_complete_certificate(side_a.specialist, clinical)
    draft = make_case(side_a, Subtype.LOEBENDE_SAG)
    case_services.register_treatment_relation(
        side_a.secretariat, side_a.citizen, side_a.coordinator_2, "treating"
    )
    agreement = CollaborationAgreement.objects.create(
        region=side_a.region, municipality=side_a.municipality, valid_from=datetime.date(2026, 1, 1)
    )
    AgreementDeadlineRule.objects.create(
        agreement=agreement,
        subtype="loebende_sag",
        kind="written_answer",
        count=10,
        unit="working_days",
        source="Procedure Løbende sag",
    )
    # A meeting day of side A's municipality with the team case on its agenda (meetings).
    meeting_day = MeetingDay.objects.create(
        municipality=side_a.municipality,
        date=team.meeting_date,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="Jobcentret",
    )
    booking = Booking.objects.create(
        meeting=meeting_day, case=team, kind="team_case", booked_by=side_a.caseworker
    )
    # The meeting's indstilling, a follow-up agreed there and a letter in the outbox.
    Indstilling.objects.create(booking=booking, case=team, employment_goal="Hemmeligt mål")
    follow_up = FollowUp.objects.create(
        case=team,
        booking=booking,
        owner=side_a.coordinator,
        text="Kontakter egen læge om knæet",
        due=team.meeting_date,
        created_by=side_a.caseworker,
    )
    outgoing = OutgoingMessage.objects.create(
        case=team,
        recipient_kind="citizen",
        purpose="citizen_conclusion",
        document=team.documents.first(),
        created_by=side_a.caseworker,
    )
    # A referral from the team case's screening, and a slot in the region's calendar (clinical).
    referral = create_referral(
        side_a.caseworker,
        team,
        origin_kind="screening",
        origin_advice=team.advice.get(),
        question="Hemmeligt spørgsmål til klinisk funktion",
        specialty=Specialty.objects.get(code="psykiatri"),
        documents=list(team.documents.all()),
    )
    place = create_place(side_a.secretariat, name="Klinik A", address="Vej 1")
    slot = create_slot(
        side_a.secretariat,
        specialist=side_a.specialist,
        place=place,
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    # What the region paid for the clinical assessment (clinical, BEK § 18).
    cost = AssessmentCost.objects.create(
        case=clinical,
        region=side_a.region,
        kind="own",
        amount="14000.00",
        incurred_on=datetime.date(2026, 1, 5),
        recorded_by=side_a.secretariat,
    )
    # A clinical case under assessment: its note, an investigation and a draft certificate.
    assessed = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    book_consultation(side_a.secretariat, assessed)
    hold_consultation_at_booked_time(side_a.specialist, assessed)
    clinical_assessment.save_consultation_note(
        side_a.specialist, assessed, note="Hemmeligt konsultationsnotat"
    )
    clinical_assessment.order_investigation(
        side_a.specialist,
        assessed,
        kind="imaging",
        description="Hemmelig undersøgelse",
        citizen_consented=True,
    )
    clinical_certificate.create_certificate(
        side_a.specialist, assessed, health="Hemmelige helbredsforhold"
    )
    return {
        "assessed_case": assessed,
        "assessment_cost": cost,
        "referral": referral,
        "slot": slot,
        "booking": booking,
        "follow_up": follow_up,
        "outgoing_message": outgoing,
        "meeting_day": meeting_day,
        "agreement": agreement,
        "case": team,
        "draft": draft,
        "document": team.documents.first(),
        "shared_document": DocumentShare.objects.get(recipient=side_a.gp).document,
        "consent": Consent.objects.filter(citizen=side_a.citizen).first(),
        "citizen": side_a.citizen,
        "audit": AuditEntry.objects.filter(user=side_a.caseworker).first(),
    }


# Which of side A's objects a tenant endpoint's {pk} points at, by view.
TARGETS = {
    "CaseViewSet": "case",
    "CitizenViewSet": "citizen",
    "ConsentViewSet": "consent",
    "DocumentViewSet": "shared_document",
    # "Åbn alle dokumenter": the case's documents as one PDF (cases/api/case_file_views.py).
    "CombinedCaseFileView": "case",
    "AuditEntryViewSet": "audit",
    "TreatmentRelationViewSet": None,
    "AgreementViewSet": "agreement",
    # The ressourceforløb follow-up (meetings): a case's dates; the caller's due cases.
    "ForloebFollowUpViewSet": "case",
    "DueGenforelaeggelseViewSet": None,
    # Meeting days and booking (meetings).
    "MeetingSeriesViewSet": None,
    "MeetingDayViewSet": "meeting_day",
    "CaseBookingViewSet": "case",
    # Holding the day, the indstilling, follow-ups and the letters after it (meetings).
    "MeetingDayHoldingViewSet": "meeting_day",
    "BookingIndstillingViewSet": "booking",
    "FollowUpViewSet": "follow_up",
    "CaseConclusionViewSet": "case",
    "OutgoingMessageViewSet": "outgoing_message",
    # The consultation, investigations, record requests and certificates (clinical).
    "ClinicalAssessmentViewSet": "assessed_case",
    # Referrals and the consultation calendar (clinical).
    "ReferralViewSet": "referral",
    "ConsultationSlotViewSet": "slot",
    # The price of assessments (clinical): costs, and the region's average (no {pk}). The
    # price index is one national table, reference data (AccessRule.REFERENCE), not here.
    "AssessmentCostViewSet": "assessment_cost",
    "PriceAverageViewSet": None,
}

# What a refused probe's DENIED entry names as the object asked for, by view.
DENIED_OBJECT_TYPES = {
    "CaseViewSet": "case",
    "CitizenViewSet": "citizen",
    "ConsentViewSet": "consent",
    "DocumentViewSet": "document",
    "CombinedCaseFileView": "case",
    "AuditEntryViewSet": "audit_entry",
    "AgreementViewSet": "agreement",
    "ForloebFollowUpViewSet": "case",
    "MeetingDayViewSet": "meeting_day",
    "CaseBookingViewSet": "case",
    "MeetingDayHoldingViewSet": "meeting_day",
    "BookingIndstillingViewSet": "booking",
    "FollowUpViewSet": "follow_up",
    "CaseConclusionViewSet": "case",
    "OutgoingMessageViewSet": "outgoing_message",
    "ClinicalAssessmentViewSet": "case",
    "ReferralViewSet": "referral",
    "ConsultationSlotViewSet": "consultation_slot",
    "AssessmentCostViewSet": "assessment_cost",
}

# Bodies for POSTs to list endpoints, pointing at side A's objects.
CREATE_BODIES = {
    "MeetingSeriesViewSet": lambda v: {
        "municipality": v["meeting_day"].municipality_id,
        "weekday": 1,
        "first_date": "2027-03-01",
        "last_date": "2027-04-30",
        "start_time": "09:00",
        "end_time": "12:00",
        "place": "Andetsteds",
    },
    "MeetingDayViewSet": lambda v: {
        "municipality": v["meeting_day"].municipality_id,
        "date": "2027-03-03",
        "start_time": "09:00",
        "end_time": "12:00",
        "place": "Andetsteds",
    },
    "CaseViewSet": lambda v: {"subtype": "loebende_sag", "citizen": v["citizen"].pk},
    "AssessmentCostViewSet": lambda v: {
        "case": v["assessment_cost"].case_id,
        "kind": "bought",
        "amount": "999.00",
        "incurred_on": "2026-01-06",
    },
    "ReferralViewSet": lambda v: {
        "origin_case": v["case"].pk,
        "origin_kind": "screening",
        "origin_advice": v["case"].advice.get().pk,
        "question": "Spørgsmål",
        "specialty": "psykiatri",
        "documents": [d.pk for d in v["case"].documents.all()],
    },
    "ConsultationSlotViewSet": lambda v: {
        "specialist": v["slot"].specialist_id,
        "place": v["slot"].place_id,
        "starts_at": "2027-03-01T09:00:00+01:00",
    },
    "ConsentViewSet": lambda v: {
        "citizen": v["citizen"].pk,
        "scope": "contact_gp",
        "given_on": "2026-01-05",
        "written": True,
    },
    "DocumentViewSet": lambda v: {"case": v["case"].pk, "category": "other"},
    "TreatmentRelationViewSet": lambda v: {
        "citizen": v["citizen"].pk,
        "doctor": v["case"].coordinator_id,
        "kind": "treating",
    },
    "AgreementViewSet": lambda v: {
        "municipality": v["agreement"].municipality_id,
        "rules": [
            {
                "subtype": "loebende_sag",
                "kind": "written_answer",
                "count": 5,
                "unit": "working_days",
                "source": "Ændret af en anden region",
            }
        ],
    },
}


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (
            Case,
            CaseEvent,
            CaseNote,
            Advice,
            Consent,
            Document,
            DocumentShare,
            Citizen,
            TreatmentRelation,
            CollaborationAgreement,
            AgreementDeadlineRule,
            MeetingSeries,
            MeetingDay,
            Booking,
            AssessmentCost,
            PriceIndex,
        )
    } | {
        "bookings": list(Booking.objects.order_by("pk").values_list("meeting_id", "state")),
        # The day's coordinator, state and team, and the screening per booking (meetings).
        "days": list(MeetingDay.objects.order_by("pk").values_list("state", "coordinator_id")),
        "attendees": list(Attendee.objects.order_by("pk").values_list("meeting_id", "name")),
        "screenings": list(Booking.objects.order_by("pk").values_list("screening", flat=True)),
        "meeting_dates": list(Case.objects.order_by("pk").values_list("meeting_date", flat=True)),
        # The indstilling, the follow-ups and the outbox (meetings, messaging).
        "indstillinger": list(
            Indstilling.objects.order_by("pk").values_list("version", "finalised_at")
        ),
        "follow_ups": list(FollowUp.objects.order_by("pk").values_list("owner_id", "done_at")),
        "outbox": list(OutgoingMessage.objects.order_by("pk").values_list("state", flat=True)),
        # Referrals and the calendar's bookings (clinical).
        "referrals": Referral.objects.count(),
        "slots": list(ConsultationSlot.objects.order_by("pk").values_list("case_id", flat=True)),
        "states": list(Case.objects.order_by("pk").values_list("state", flat=True)),
        "withdrawn": list(Consent.objects.values_list("withdrawn_on", flat=True)),
        # A document withdrawn, replaced or opened by the other side (documents).
        "documents": list(
            Document.objects.order_by("pk").values_list(
                "withdrawn_at", "replaced_by_id", "opened_by_other_side_at"
            )
        ),
        "agreements": list(
            CollaborationAgreement.objects.order_by("pk").values_list("valid_from", "valid_to")
        ),
    }


def secrets_of(side, victim):
    return [
        side.citizen.name,
        side.citizen.cpr,
        victim["case"].reference,
        victim["draft"].reference,
        "Screening: belyst",
        "Ring gerne tirsdag",
        "Hemmeligt mål",
        "Kontakter egen læge om knæet",
        "Hemmeligt konsultationsnotat",
        "Hemmelig undersøgelse",
        "Hemmelige helbredsforhold",
        "Hemmeligt spørgsmål til klinisk funktion",
    ]


def test_other_organisations_get_nothing_from_any_endpoint(side_a, side_b, national_admin, victim):
    endpoints = api_endpoints()
    tenant = [(p, c, a) for p, c, a in endpoints if c.access_rule == AccessRule.TENANT]
    unknown = sorted({c.__name__ for _, c, _ in tenant} - set(TARGETS))
    assert unknown == [], f"add these views to the isolation matrix: {unknown}"

    before = snapshot()
    secrets = secrets_of(side_a, victim)
    checked = 0
    # The national administrator (no region, no municipality) probes as well: it keeps the
    # national price index and sees no citizen data.
    for user in [None, *side_b.users(), national_admin]:
        client = api_client(user)
        for path, cls, actions in tenant:
            target = TARGETS[cls.__name__]
            target_id = str(victim[target].pk) if target else "0"
            url = "/" + PK.sub(target_id, path)
            for method in actions:
                if method == "post" and "(?P" not in path:
                    body = CREATE_BODIES.get(cls.__name__, lambda v: {})(victim)
                else:
                    body = {}
                mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
                response = getattr(client, method)(url, body)
                who = getattr(user, "username", "anonym")
                new = list(AuditEntry.objects.filter(id__gt=mark or 0))
                checked += 1
                assert response.status_code in (200, 201, 400, 401, 403, 404, 405), (
                    who,
                    method,
                    url,
                    response.status_code,
                )
                content = (
                    b"".join(response)
                    if hasattr(response, "streaming_content")
                    else (response.content)
                )
                text = content.decode(errors="replace")
                for secret in secrets:
                    assert secret not in text, (who, method, url)
                if response.status_code in (200, 201) and method == "get" and "(?P" in path:
                    pytest.fail(f"{who} read {url}")
                refused = response.status_code in (403, 404) and "(?P" in path
                if user is not None and refused:
                    # Exactly one entry: DENIED, by the prober, naming the object asked for.
                    assert [
                        (e.action, e.user_id, e.object_type, e.object_id, e.channel) for e in new
                    ] == [
                        (
                            AuditEntry.Action.DENIED,
                            user.pk,
                            DENIED_OBJECT_TYPES[cls.__name__],
                            target_id,
                            "api",
                        )
                    ], (who, method, url)
                else:
                    # Anonymous probes and lists filtered to nothing are no refusals.
                    assert [e for e in new if e.action == AuditEntry.Action.DENIED] == [], (
                        who,
                        method,
                        url,
                    )
                    if user is None:
                        assert new == [], (method, url)
    assert checked > 200
    assert snapshot() == before


def test_within_a_region_only_the_assigned_people_see_a_case(side_a, victim):
    case = victim["case"]
    url = f"/api/v1/cases/{case.pk}/"
    assert api_client(side_a.coordinator).get(url).status_code == 200
    assert api_client(side_a.secretariat).get(url).status_code == 200
    assert api_client(side_a.coordinator_2).get(url).status_code == 404
    assert api_client(side_a.specialist).get(url).status_code == 404
    assert api_client(side_a.gp).get(url).status_code == 404
    assert api_client(side_a.municipal_admin).get(url).status_code == 404
    # The region does not see the municipality's drafts.
    draft_url = f"/api/v1/cases/{victim['draft'].pk}/"
    assert api_client(side_a.secretariat).get(draft_url).status_code == 404
    assert api_client(side_a.caseworker).get(draft_url).status_code == 200


def test_a_gp_sees_only_what_was_sent_to_them(side_a, victim):
    client = api_client(side_a.gp)
    documents = client.get("/api/v1/documents/").json()["results"]
    assert [d["id"] for d in documents] == [victim["shared_document"].pk]
    assert documents[0]["category"] == "lae_275"
    assert client.get(f"/api/v1/documents/{victim['document'].pk}/").status_code == 404
    clinical = victim["shared_document"].case
    detail = client.get(f"/api/v1/cases/{clinical.pk}/")
    assert detail.status_code == 200
    assert "question" not in detail.json()
    for part in ("events", "notes", "advice", "deadlines"):
        assert client.get(f"/api/v1/cases/{clinical.pk}/{part}/").status_code == 404


def test_consent_registration_for_another_municipality_is_refused(side_a, side_b):
    response = api_client(side_b.caseworker).post(
        "/api/v1/consents/",
        {"citizen": side_a.citizen.pk, "scope": ConsentScope.CONTACT_GP, "given_on": "2026-01-05"},
    )
    assert response.status_code == 400
    assert response.json()["citizen"] == ["Borgeren findes ikke."]
    assert not Consent.objects.exists()


def test_the_price_index_is_reference_data(side_a, national_admin):
    """One national table (BEK § 18, stk. 2): no citizen data, so not a tenant endpoint."""
    rules = {cls.__name__: cls.access_rule for _, cls, _ in api_endpoints()}
    assert rules["PriceIndexViewSet"] == AccessRule.REFERENCE
    assert "PriceIndexViewSet" not in TARGETS
    assert PriceIndex._meta.get_field("year").unique
    assert "region" not in {f.name for f in PriceIndex._meta.get_fields()}


def test_the_national_administrator_sees_no_citizen_data(side_a, national_admin, victim):
    """Neither a region's nor a municipality's: every list is empty, the audit log shows no
    one's entries but the national administrators' (not the GPs', who have no organisation
    either)."""
    client = api_client(side_a.gp)
    assert client.get("/api/v1/documents/").json()["results"]
    assert AuditEntry.objects.filter(user=side_a.gp).exists()
    national = api_client(national_admin)
    for url in (
        "/api/v1/cases/",
        "/api/v1/citizens/",
        "/api/v1/documents/",
        "/api/v1/consents/",
        "/api/v1/referrals/",
        "/api/v1/assessment-costs/",
        "/api/v1/audit-log/",
    ):
        response = national.get(url)
        assert response.status_code == 200, url
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        assert rows == [], url
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    national.post("/api/v1/price-index/", {"year": 2025, "index": "128.00"})
    entries = national.get("/api/v1/audit-log/").json()["results"]
    assert [(e["object_type"], e["case_id"], e["citizen_id"]) for e in entries] == [
        ("price_index", None, None)
    ]
    assert not AuditEntry.objects.filter(id__gt=mark or 0, citizen_id__isnull=False).exists()
