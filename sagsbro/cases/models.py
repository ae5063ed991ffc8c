"""Cases, their history, notes between the parties, consents and deadlines.

Workflow logic lives in `rules/` (plain Python) and `services/` (the only writers).
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models

from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.deadlines import DeadlineKind, DeadlineState
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import (
    CONTACT_PREFERENCE_LABELS,
    PURPOSE_LABELS,
    SUBTYPE_LABELS,
    ContactPreference,
)
from sagsbro.cases.rules.workflow import OPEN_STATES, STATE_LABELS, State
from sagsbro.organisations.models import Citizen, Municipality, Region, User
from sagsbro.organisations.roles import Role

# The open states, sorted: the condition of the partial indexes on open cases and of every
# query for them (the same list, so PostgreSQL sees the query implies the index's predicate).
OPEN_STATE_VALUES = sorted(str(state) for state in OPEN_STATES)
OPEN_CASE = models.Q(state__in=OPEN_STATE_VALUES)

# A deadline still to be met (the worklist's next deadline, the API's `due_before`).
UNFULFILLED_DEADLINE = models.Q(fulfilled_on__isnull=True, due__isnull=False)


def _choices(labels: Mapping[Any, str]) -> list[tuple[str, str]]:
    return [(str(k), v) for k, v in labels.items()]


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User | AnonymousUser) -> "CaseQuerySet":
        """The one place that decides which cases a user may know of (tenancy)."""
        if not user.is_authenticated:
            return self.none()
        role = user.role
        if role in (Role.CASEWORKER, Role.TEAM_MEMBER):
            return self.filter(municipality_id=user.municipality_id)
        # Drafts belong to the municipality until they are sent.
        sent = self.exclude(state=State.DRAFT).exclude(received_at__isnull=True)
        if role == Role.SECRETARIAT:
            return sent.filter(region_id=user.region_id)
        if role == Role.COORDINATOR:
            return sent.filter(region_id=user.region_id, coordinator=user)
        if role == Role.CLINICAL_SPECIALIST:
            return sent.filter(region_id=user.region_id, specialist=user)
        if role == Role.GENERAL_PRACTITIONER:
            return self.filter(documents__shares__recipient=user).distinct()
        return self.none()

    def open(self) -> "CaseQuerySet":
        """Cases not closed or withdrawn, as a positive state set (the partial indexes'
        condition, so the database reads only the cases in flight)."""
        return self.filter(state__in=OPEN_STATE_VALUES)


class Case(models.Model):
    reference = models.CharField("sagsnummer", max_length=20, unique=True)
    subtype = models.CharField("undertype", max_length=40, choices=_choices(SUBTYPE_LABELS))
    purpose = models.CharField(
        "formål", max_length=40, choices=_choices(PURPOSE_LABELS), blank=True
    )
    state = models.CharField(
        "status", max_length=30, choices=_choices(STATE_LABELS), default=State.DRAFT
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cases")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cases")
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="cases")
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_as_caseworker"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_as_coordinator",
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_as_specialist",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Sagsresumé med spørgsmål: health text; never logged.
    question = models.TextField("sagsresumé og spørgsmål", blank=True)
    meeting_date = models.DateField("mødedato", null=True, blank=True)
    urgent = models.BooleanField("hastesag (BEK § 21, stk. 3)", default=False)
    contact_preference = models.CharField(
        "ønske om svar", max_length=20, choices=_choices(CONTACT_PREFERENCE_LABELS), blank=True
    )
    contact_times = models.CharField("sagsbehandlers kontakttider", max_length=200, blank=True)
    employment_offer = models.TextField("konkret beskæftigelsestilbud", blank=True)
    citizen_statement = models.TextField("borgerens beskrivelse", blank=True)
    citizen_informed_of_right = models.BooleanField(
        "borgeren er orienteret om retten til sundhedskoordinator", default=False
    )
    latest_job = models.TextField("seneste job", blank=True)
    received_at = models.DateTimeField("modtaget i regionen", null=True, blank=True)
    # §24: deadlines bind only when the case came through the region's designated inbox.
    received_in_designated_inbox = models.BooleanField(default=True)
    appointment_date = models.DateField("konsultationsdato", null=True, blank=True)
    consultation_date = models.DateField("konsultation afholdt", null=True, blank=True)
    late_appointment_notified_at = models.DateTimeField(null=True, blank=True)
    # The caseworker's acceptance of the late appointment, before the citizen is invited (EVAL
    # table 8, step 2.2): the notice alone does not let the secretariat invite.
    late_appointment_accepted_at = models.DateTimeField(null=True, blank=True)
    late_appointment_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    # Not stored: set on the rows the worklist shows (`cases/web/worklist.py`) — the next step
    # waiting on the municipality, the notes asking for contact (prefetched `to_attr`), and the
    # contact times the latest of them asks for.
    next_step: str
    contact_notes: list["CaseNote"]
    wanted_contact_times: str

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "sag"
        verbose_name_plural = "sager"
        indexes = [
            # The worklist's counts per state (and subtype) per organisation, read from the
            # index alone: the municipality's cases, and the cases sent to the region.
            models.Index(
                fields=["municipality", "state", "subtype"], name="case_municipality_state"
            ),
            models.Index(
                fields=["region", "state", "subtype"],
                condition=models.Q(received_at__isnull=False),
                name="case_sent_region_state",
            ),
            models.Index(fields=["region", "state"]),
            models.Index(fields=["coordinator", "state"]),
            models.Index(fields=["meeting_date"]),
            # Newest first per organisation: the worklist's "Senest oprettet" over every
            # state, read a page at a time (keyset pagination, core/pagination.py).
            models.Index(
                fields=["municipality", "-created_at", "-id"], name="case_municipality_newest"
            ),
            models.Index(fields=["region", "-created_at", "-id"], name="case_region_newest"),
            # The open cases only (the work in flight, not ten years of history), by meeting
            # date: each role's default worklist and its boxes read these.
            models.Index(
                fields=["region", "meeting_date", "id"],
                condition=OPEN_CASE,
                name="case_open_region_meeting",
            ),
            models.Index(
                fields=["municipality", "meeting_date", "id"],
                condition=OPEN_CASE,
                name="case_open_municip_meeting",
            ),
            models.Index(
                fields=["coordinator", "meeting_date", "id"],
                condition=OPEN_CASE,
                name="case_open_coord_meeting",
            ),
            models.Index(
                fields=["specialist", "meeting_date", "id"],
                condition=OPEN_CASE,
                name="case_open_special_meeting",
            ),
        ]
        constraints = [
            # A repeated or simultaneous "reopen" makes one genforelæggelse per earlier case
            # (a withdrawn or discarded one does not count).
            models.UniqueConstraint(
                fields=["parent"],
                condition=models.Q(subtype=Subtype.GENFORELAEGGELSE)
                & ~models.Q(state=State.WITHDRAWN),
                name="case_one_genforelaeggelse_per_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def subtype_enum(self) -> Subtype:
        return Subtype(self.subtype)

    @property
    def state_enum(self) -> State:
        return State(self.state)


class CaseEvent(models.Model):
    """One step in the case's history: who did what, when. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("hændelse", max_length=40)
    label = models.CharField("beskrivelse", max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    comment = models.TextField("bemærkning", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # The events of one kind, newest first: "Flyttet fra dig" reads the recent
            # reassignments, the contact box the latest agreed contact time of a case.
            models.Index(fields=["kind", "-at"], name="caseevent_kind_at"),
            models.Index(fields=["case", "kind", "-at"], name="caseevent_case_kind_at"),
        ]


class CaseNote(models.Model):
    """Note fra kommune til samarbejdspartner (and the region's replies)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("note")
    contact_preference = models.CharField(
        "ønske om svar", max_length=20, choices=_choices(CONTACT_PREFERENCE_LABELS), blank=True
    )
    contact_times = models.CharField("kontakttider", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The few notes asking for contact before an answer, per case, newest first (the
            # secretariat's "Ønsker telefonisk eller virtuel kontakt").
            models.Index(
                fields=["case", "-created_at", "-id"],
                condition=models.Q(contact_preference=ContactPreference.CONTACT_FIRST),
                name="casenote_contact_first",
            ),
        ]


class Advice(models.Model):
    """The coordinator's screening feedback or written answer.

    Deliberately no field for benefits: the coordinator never advises on them (§11 stk. 4)."""

    class Kind(models.TextChoices):
        SCREENING = "screening", "Screeningstilbagemelding"
        WRITTEN_ANSWER = "written_answer", "Skriftligt svar"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="advice")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField("rådgivning")
    recommendations = models.JSONField("anbefalinger", default=list, blank=True)
    medically_clarified = models.BooleanField("lægefagligt tilstrækkeligt belyst", null=True)
    treatment_exhausted = models.BooleanField("behandlingsmuligheder udtømt", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class AnswerDraft(models.Model):
    """The coordinator's written answer while it is being written (one per case). Seen only by
    the region's side of the case: no state change, no PDF, no deadline met until the answer
    is given (services.answer_in_writing turns it into Advice and deletes it)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="answer_draft")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("rådgivning", blank=True)
    recommendations = models.JSONField("anbefalinger", default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class Consent(models.Model):
    """Samtykke: the citizen's consent, with scope and dates (BEK § 5 stk. 2, § 11 stk. 5)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(
        "omfang", max_length=40, choices=[(s.value, s.value) for s in ConsentScope]
    )
    given_on = models.DateField("givet den")
    written = models.BooleanField("skriftligt", default=True)
    # The citizen said no (recorded on given_on); covers nothing but states the citizen's
    # position (procedure Løbende sag; BEK § 5 stk. 2).
    refused = models.BooleanField("borgeren har ikke givet samtykke", default=False)
    valid_until = models.DateField("gyldigt til", null=True, blank=True)
    withdrawn_on = models.DateField("tilbagekaldt den", null=True, blank=True)
    # An agreement given for one case only: the citizen's agreement that the coordinator also
    # assesses in klinisk funktion (BEK § 13 stk. 3) is given for that referral, not in general.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="case_consents"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["given_on", "id"]


class Deadline(models.Model):
    """A deadline of one case, recomputed from its rule whenever an anchor date changes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=40, choices=[(k.value, k.value) for k in DeadlineKind])
    label = models.CharField(max_length=200)
    due = models.DateField(null=True)
    source = models.CharField(max_length=150)
    state = models.CharField(
        max_length=10, choices=[(s.value, s.value) for s in DeadlineState], default="open"
    )
    fulfilled_on = models.DateField(null=True)
    # False when §24 is not met (not sent to the designated inbox).
    binding = models.BooleanField(default=True)
    # Another due date agreed in the concrete case (BEK § 22 and § 23, 2nd sentence); when
    # set, it replaces the computed due date at every recomputation.
    agreed_due = models.DateField("aftalt frist", null=True, blank=True)
    agreed_reason = models.TextField("begrundelse for aftalt frist", blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="deadline_unique_kind"),
        ]
        indexes = [
            models.Index(fields=["state", "due"]),
            # The deadlines still to be met, by case (a case's next deadline) and by due
            # date (cases with a deadline before a date): a small part of all deadlines.
            models.Index(
                fields=["case", "due", "id"],
                condition=UNFULFILLED_DEADLINE,
                name="deadline_unfulfilled_case",
            ),
            models.Index(
                fields=["due", "case"],
                condition=UNFULFILLED_DEADLINE,
                name="deadline_unfulfilled_due",
            ),
        ]
