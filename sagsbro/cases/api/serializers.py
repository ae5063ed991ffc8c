import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import Field
from rest_framework.relations import PrimaryKeyRelatedField

from sagsbro.cases.models import Advice, Case, CaseEvent, CaseNote, Consent, Deadline
from sagsbro.cases.rules.advice import RECOMMENDATION_LABELS
from sagsbro.cases.rules.consent import SCOPE_LABELS, ConsentStatus
from sagsbro.cases.rules.deadlines import (
    AGREEMENT_REASON_TOO_LONG,
    MAX_AGREEMENT_REASON_LENGTH,
    DeadlineState,
    deadline_state,
)
from sagsbro.cases.rules.requirements import (
    CONTACT_PREFERENCE_LABELS,
    PURPOSE_LABELS,
    SUBTYPE_LABELS,
)
from sagsbro.cases.rules.workflow import STATE_LABELS
from sagsbro.core.api import BoundedDateField, BoundedDateTimeField
from sagsbro.organisations.access import citizens_visible_to
from sagsbro.organisations.api.serializers import PersonSerializer
from sagsbro.organisations.models import Citizen, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_ERRORS: "dict[str, StrOrPromise]" = {
    "invalid": "Datoen skal skrives som ÅÅÅÅ-MM-DD.",
    "required": "Angiv en dato.",
    "null": "Angiv en dato.",
}


def _choice_errors(what: str) -> "dict[str, StrOrPromise]":
    return {
        "invalid_choice": f"Ukendt {what}: »{{input}}«.",
        "required": f"Angiv {what}.",
        "blank": f"Angiv {what}.",
    }


def _set_queryset(field: Field[Any, Any, Any, Any], queryset: QuerySet[Any]) -> None:
    """Narrow a related field to what the requesting user may see."""
    related = cast(PrimaryKeyRelatedField[Any], field)
    # The stubs type `queryset` as QuerySet | Manager, and mypy reads assigning to an
    # attribute whose type includes a descriptor (Manager) as a descriptor call.
    related.queryset = queryset  # type: ignore[arg-type]


GP_CONTACT_LABELS = {
    ConsentStatus.GIVEN: "Må kontakte egen læge (skriftligt samtykke)",
    ConsentStatus.REFUSED: "Må ikke kontakte egen læge: borgeren har ikke givet samtykke",
    ConsentStatus.MISSING: "Må ikke kontakte egen læge: der er ikke registreret skriftligt "
    "samtykke",
}


# --- the case body, written out --------------------------------------------------------------
# A case read is the API's most frequent answer. DRF's generic path builds the fields of six
# serializers (the case, the citizen, three people, the deadlines) on every read; the
# functions below write the same body directly from the rows already read. The serializers'
# declared fields still define the schema, and tests/api/test_case_read_api.py checks that
# these give exactly what DRF's generic serialization of those fields gives.


def _date(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime(value: datetime.datetime | None) -> str | None:
    """As DRF's DateTimeField writes it: in the current time zone, ISO 8601, UTC as Z."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _person(user: User | None) -> dict[str, Any] | None:
    """PersonSerializer's fields."""
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name(), "role": user.role, "title": user.title}


def _deadline_state(deadline: Deadline, today: datetime.date) -> str:
    # Computed against today, so an open deadline shows as missed once it has passed.
    if not deadline.due:
        return str(DeadlineState.OPEN)
    return str(deadline_state(deadline.due, deadline.fulfilled_on, today))


def _deadline(deadline: Deadline, today: datetime.date) -> dict[str, Any]:
    """DeadlineSerializer's fields."""
    return {
        "kind": deadline.kind,
        "label": deadline.label,
        "due": _date(deadline.due),
        "source": deadline.source,
        "state": _deadline_state(deadline, today),
        "fulfilled_on": _date(deadline.fulfilled_on),
        "binding": deadline.binding,
        "agreed_due": _date(deadline.agreed_due),
        "agreed_reason": deadline.agreed_reason,
        "agreed_by": _person(deadline.agreed_by),
        "agreed_at": _datetime(deadline.agreed_at),
    }


def _gp_contact(case: Case) -> dict[str, Any]:
    """May the coordinator contact the citizen's GP today (BEK § 5 stk. 2)?"""
    from sagsbro.cases.services import gp_contact_status

    status = gp_contact_status(case, consents=case.citizen.consents.all())
    return {
        "allowed": status == ConsentStatus.GIVEN,
        "consent": str(status),
        "label": GP_CONTACT_LABELS[status],
    }


def case_body(case: Case, today: datetime.date) -> dict[str, Any]:
    """CaseSerializer's fields, in their order."""
    citizen = case.citizen
    return {
        "id": case.pk,
        "reference": case.reference,
        "subtype": case.subtype,
        "subtype_label": SUBTYPE_LABELS[case.subtype_enum],
        "purpose": case.purpose,
        "purpose_label": cast("dict[str, str]", PURPOSE_LABELS).get(case.purpose, ""),
        "state": case.state,
        "state_label": STATE_LABELS[case.state_enum],
        "municipality": case.municipality.name,
        "region": case.region.name,
        "citizen": {
            "id": citizen.pk,
            "name": citizen.name,
            "cpr": citizen.cpr,
            "birth_date": _date(citizen.birth_date),
            "has_children": citizen.has_children,
            "under_30_without_education": citizen.under_30_without_education,
        },
        "caseworker": _person(case.caseworker),
        "coordinator": _person(case.coordinator),
        "specialist": _person(case.specialist),
        "parent": case.parent_id,
        "question": case.question,
        "meeting_date": _date(case.meeting_date),
        "urgent": case.urgent,
        "contact_preference": case.contact_preference,
        "contact_times": case.contact_times,
        "employment_offer": case.employment_offer,
        "citizen_statement": case.citizen_statement,
        "citizen_informed_of_right": case.citizen_informed_of_right,
        "latest_job": case.latest_job,
        "received_at": _datetime(case.received_at),
        "received_in_designated_inbox": case.received_in_designated_inbox,
        "appointment_date": _date(case.appointment_date),
        "consultation_date": _date(case.consultation_date),
        "created_at": _datetime(case.created_at),
        "updated_at": _datetime(case.updated_at),
        "deadlines": [_deadline(deadline, today) for deadline in case.deadlines.all()],
        "gp_contact": _gp_contact(case),
    }


class CitizenBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Citizen
        fields = ["id", "name", "cpr", "birth_date", "has_children", "under_30_without_education"]


class DeadlineSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    agreed_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Deadline
        fields = [
            "kind",
            "label",
            "due",
            "source",
            "state",
            "fulfilled_on",
            "binding",
            # Set when another due date was agreed in the concrete case (BEK §§ 22-23).
            "agreed_due",
            "agreed_reason",
            "agreed_by",
            "agreed_at",
        ]

    def get_state(self, obj) -> str:
        return _deadline_state(obj, self.context["today"])


class GPContactSerializer(serializers.Serializer):
    """Whether the coordinator may contact the citizen's GP (BEK § 5 stk. 2)."""

    allowed = serializers.BooleanField()
    consent = serializers.ChoiceField(choices=[str(s) for s in ConsentStatus])
    # DRF moves declared fields off the class, so this does not shadow Field.label.
    label = serializers.CharField()  # type: ignore[assignment]


class CaseSerializer(serializers.ModelSerializer):
    subtype_label = serializers.SerializerMethodField()
    state_label = serializers.SerializerMethodField()
    purpose_label = serializers.SerializerMethodField()
    citizen = CitizenBriefSerializer(read_only=True)
    caseworker = PersonSerializer(read_only=True)
    # Unset until the secretariat assigns the case.
    coordinator = PersonSerializer(read_only=True, allow_null=True)
    specialist = PersonSerializer(read_only=True, allow_null=True)
    municipality = serializers.CharField(source="municipality.name", read_only=True)
    region = serializers.CharField(source="region.name", read_only=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    gp_contact = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "subtype",
            "subtype_label",
            "purpose",
            "purpose_label",
            "state",
            "state_label",
            "municipality",
            "region",
            "citizen",
            "caseworker",
            "coordinator",
            "specialist",
            "parent",
            "question",
            "meeting_date",
            "urgent",
            "contact_preference",
            "contact_times",
            "employment_offer",
            "citizen_statement",
            "citizen_informed_of_right",
            "latest_job",
            "received_at",
            "received_in_designated_inbox",
            "appointment_date",
            "consultation_date",
            "created_at",
            "updated_at",
            "deadlines",
            "gp_contact",
        ]

    def to_representation(self, instance):
        # The body without building the declared fields (see case_body); `today` comes from
        # the view's context, as for the deadlines' state.
        return case_body(instance, self.context.get("today") or timezone.localdate())

    def get_subtype_label(self, obj) -> str:
        return SUBTYPE_LABELS[obj.subtype_enum]

    @extend_schema_field(GPContactSerializer)
    def get_gp_contact(self, obj) -> dict:
        """May the coordinator contact the citizen's GP today (BEK § 5 stk. 2)?"""
        return _gp_contact(obj)

    def get_state_label(self, obj) -> str:
        return STATE_LABELS[obj.state_enum]

    def get_purpose_label(self, obj) -> str:
        return PURPOSE_LABELS.get(obj.purpose, "") if obj.purpose else ""


class GPCaseSerializer(serializers.ModelSerializer):
    """What a GP sees: that the case exists and whose it is; documents come separately."""

    subtype_label = serializers.SerializerMethodField()
    citizen = serializers.CharField(source="citizen.name")
    municipality = serializers.CharField(source="municipality.name")

    class Meta:
        model = Case
        fields = ["id", "reference", "subtype", "subtype_label", "citizen", "municipality"]

    def get_subtype_label(self, obj) -> str:
        return SUBTYPE_LABELS[obj.subtype_enum]


class CaseFieldsSerializer(serializers.Serializer):
    """The fields a caseworker fills in; used for creating and for editing a draft."""

    purpose = serializers.ChoiceField(
        choices=[(str(p), label) for p, label in PURPOSE_LABELS.items()],
        required=False,
        allow_blank=True,
        error_messages=_choice_errors("formål"),
    )
    question = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    meeting_date = BoundedDateField(required=False, allow_null=True, error_messages=DATE_ERRORS)
    urgent = serializers.BooleanField(required=False)
    contact_preference = serializers.ChoiceField(
        choices=[(str(p), label) for p, label in CONTACT_PREFERENCE_LABELS.items()],
        required=False,
        allow_blank=True,
        error_messages=_choice_errors("ønske om svar"),
    )
    contact_times = serializers.CharField(required=False, allow_blank=True, max_length=200)
    employment_offer = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    citizen_statement = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    citizen_informed_of_right = serializers.BooleanField(required=False)
    latest_job = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class CaseCreateSerializer(CaseFieldsSerializer):
    subtype = serializers.ChoiceField(
        choices=[str(s) for s in SUBTYPE_LABELS],
        error_messages=_choice_errors("undertype"),
        help_text="A klinisk funktion case is made by a referral (POST /api/v1/referrals/) "
        "from the team case or løbende sag it concerns; here it is refused with the code "
        "`use_referral`.",
    )
    citizen = serializers.PrimaryKeyRelatedField(
        queryset=Citizen.objects.none(),
        error_messages={
            "does_not_exist": "Borgeren findes ikke i din kommune.",
            "required": "Angiv borgeren.",
            "incorrect_type": "Borgeren skal angives med sit id.",
        },
    )
    # DRF moves declared fields off the class, so this does not shadow Field.parent.
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Case.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "Den tidligere sag findes ikke."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            _set_queryset(self.fields["citizen"], citizens_visible_to(request.user))
            _set_queryset(self.fields["parent"], Case.objects.visible_to(request.user))


class EventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True, allow_null=True)  # none for the system's own

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "label", "actor", "at", "from_state", "to_state", "comment", "data"]


class NoteSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)
    text = serializers.CharField(
        max_length=20000, error_messages={"blank": "Skriv en note.", "required": "Skriv en note."}
    )
    contact_preference = serializers.ChoiceField(
        choices=[(str(p), label) for p, label in CONTACT_PREFERENCE_LABELS.items()],
        required=False,
        allow_blank=True,
        error_messages=_choice_errors("ønske om svar"),
    )

    class Meta:
        model = CaseNote
        fields = ["id", "author", "text", "contact_preference", "contact_times", "created_at"]


class AdviceSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)

    class Meta:
        model = Advice
        fields = [
            "id",
            "kind",
            "author",
            "text",
            "recommendations",
            "medically_clarified",
            "treatment_exhausted",
            "created_at",
        ]


class ConsentSerializer(serializers.ModelSerializer):
    scope = serializers.ChoiceField(
        choices=[str(s) for s in SCOPE_LABELS], error_messages=_choice_errors("samtykketype")
    )
    scope_label = serializers.SerializerMethodField()
    given_on = BoundedDateField(error_messages=DATE_ERRORS)
    valid_until = BoundedDateField(required=False, allow_null=True, error_messages=DATE_ERRORS)
    citizen = serializers.PrimaryKeyRelatedField(
        queryset=Citizen.objects.none(),
        error_messages={"does_not_exist": "Borgeren findes ikke.", "required": "Angiv borgeren."},
    )
    # The klinisk-funktion case the agreement of BEK § 13 stk. 3 is given for; empty for the
    # other scopes, which the citizen gives in general.
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "Sagen findes ikke.", "incorrect_type": "Angiv sagen."},
    )

    class Meta:
        model = Consent
        fields = [
            "id",
            "citizen",
            "case",
            "scope",
            "scope_label",
            "given_on",
            "written",
            "refused",
            "valid_until",
            "withdrawn_on",
            "registered_at",
        ]
        read_only_fields = ["withdrawn_on", "registered_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            _set_queryset(self.fields["citizen"], citizens_visible_to(request.user))
            _set_queryset(self.fields["case"], Case.objects.visible_to(request.user))

    def get_scope_label(self, obj) -> str:
        return SCOPE_LABELS.get(obj.scope, obj.scope)


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    # DRF moves declared fields off the class, so this does not shadow Field.label.
    label = serializers.CharField()  # type: ignore[assignment]


class MissingRequirementSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class TransitionsSerializer(serializers.Serializer):
    """What the caller may do with a case now, and what it still lacks for sending."""

    transitions = TransitionOptionSerializer(many=True)
    missing = MissingRequirementSerializer(many=True)


class AssignablePersonSerializer(PersonSerializer):
    conflict_of_interest = serializers.BooleanField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "conflict_of_interest"]


# --- payloads of the case's transitions ---------------------------------------------------


class EmptySerializer(serializers.Serializer):
    pass


class SendSerializer(serializers.Serializer):
    confirm_late = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Send although the case is late for its meeting (after the warning "
        "`late_for_meeting`).",
    )


class ContactAppointmentSerializer(serializers.Serializer):
    at = BoundedDateTimeField(
        error_messages={
            "required": "Angiv dato og klokkeslæt for kontakten.",
            "invalid": "Tidspunktet skal skrives som ÅÅÅÅ-MM-DDTtt:mm.",
        }
    )
    how = serializers.ChoiceField(
        choices=["phone", "virtual"],
        error_messages={
            "required": "Vælg, om kontakten er telefonisk eller virtuel.",
            "invalid_choice": "Kontaktformen skal være »phone« eller »virtual«.",
        },
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000,
        error_messages={"required": "Angiv en begrundelse.", "blank": "Angiv en begrundelse."},
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        error_messages={
            "required": "Vælg hvem sagen skal tildeles.",
            "invalid": "Angiv personen med sit id.",
        }
    )


class AgreeDeadlineSerializer(serializers.Serializer):
    """Another due date agreed in the concrete case, and the circumstances that call for it."""

    agreed_due = BoundedDateField(error_messages=DATE_ERRORS)
    # The rule's limit and message (rules.deadlines), the same as the page's.
    reason = serializers.CharField(
        max_length=MAX_AGREEMENT_REASON_LENGTH,
        error_messages={
            "required": "Skriv, hvilke omstændigheder i sagen der gør, at fristen ikke kan holdes.",
            "blank": "Skriv, hvilke omstændigheder i sagen der gør, at fristen ikke kan holdes.",
            "max_length": AGREEMENT_REASON_TOO_LONG,
        },
    )


class GPContactRecordSerializer(serializers.Serializer):
    """The coordinator's contact with the citizen's GP (BEK § 5 stk. 2)."""

    contacted_on = BoundedDateField(error_messages=DATE_ERRORS)
    summary = serializers.CharField(
        max_length=5000,
        error_messages={
            "required": "Skriv kort, hvad kontakten drejede sig om.",
            "blank": "Skriv kort, hvad kontakten drejede sig om.",
        },
    )


class WrittenAnswerSerializer(serializers.Serializer):
    """The coordinator's answer. Deliberately no field for benefits (BEK § 11 stk. 4)."""

    text = serializers.CharField(
        max_length=20000,
        error_messages={"required": "Skriv svaret.", "blank": "Skriv svaret."},
    )
    recommendations = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[str(r) for r in RECOMMENDATION_LABELS],
            error_messages=_choice_errors("anbefaling"),
        ),
        required=False,
        default=list,
    )
    confirm_wording = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Set after the warning `benefit_wording`: the text names a benefit decision "
        "and the coordinator confirms it is to be given so (BEK § 11 stk. 4).",
    )


class AnswerDraftSerializer(serializers.Serializer):
    """The written answer saved as a draft: not visible to the municipality."""

    text = serializers.CharField(
        max_length=20000,
        error_messages={"required": "Skriv svaret.", "blank": "Skriv svaret."},
    )
    recommendations = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[str(r) for r in RECOMMENDATION_LABELS],
            error_messages=_choice_errors("anbefaling"),
        ),
        required=False,
        default=list,
    )
    updated_at = serializers.DateTimeField(read_only=True)
