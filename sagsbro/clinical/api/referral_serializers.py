"""The referral (LÆ 271), the specialists and the consultation calendar on the API (the names
are the schema's components)."""

from typing import Any

from rest_framework import serializers

from sagsbro.clinical.models import ConsultationPlace, ConsultationSlot, Referral, Specialty
from sagsbro.clinical.services.referrals import MAX_QUESTION_LENGTH, QUESTION_TOO_LONG
from sagsbro.core.api import BoundedDateTimeField
from sagsbro.organisations.models import User

SPECIALTY_ERRORS: dict[str, Any] = {
    "does_not_exist": "Specialet findes ikke.",
    "invalid": "Vælg et speciale.",
}


class SpecialtySerializer(serializers.ModelSerializer):
    class Meta:
        model = Specialty
        fields = ["code", "name"]


class ReferralSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    state = serializers.CharField(source="case.state", read_only=True)
    municipality = serializers.CharField(source="case.municipality.name", read_only=True)
    specialist = serializers.IntegerField(source="case.specialist_id", read_only=True)
    origin_case_reference = serializers.CharField(source="origin_case.reference", read_only=True)
    specialty: serializers.SlugRelatedField[Specialty] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    specialty_name = serializers.CharField(source="specialty.name", read_only=True)
    follows_certificate_case_reference = serializers.CharField(
        source="follows_certificate.case.reference", read_only=True, allow_null=True
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "case_reference",
            "state",
            "municipality",
            "specialist",
            "origin_case",
            "origin_case_reference",
            "origin_kind",
            "origin_advice",
            "question",
            "specialty",
            "specialty_name",
            "follows_certificate",
            "follows_certificate_case_reference",
            "created_at",
            "received_at",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    origin_case = serializers.IntegerField(min_value=1)
    origin_kind = serializers.ChoiceField(choices=Referral.OriginKind.choices)
    origin_advice = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    # The service's limit and message, the same as the page's.
    question = serializers.CharField(
        max_length=MAX_QUESTION_LENGTH,
        allow_blank=True,
        error_messages={"max_length": QUESTION_TOO_LONG},
    )
    specialty = serializers.SlugRelatedField(
        slug_field="code", queryset=Specialty.objects.all(), error_messages=SPECIALTY_ERRORS
    )
    # Only the documents chosen go along (none is added by default).
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=100, allow_empty=True
    )
    # The same citizen's earlier delivered certificate whose further assessments (BEK § 14
    # stk. 2) the referral asks for.
    follows_certificate = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class SpecialistSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    specialties = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "title", "specialties"]

    def get_name(self, obj: User) -> str:
        return obj.get_full_name() or obj.username

    def get_specialties(self, obj: User) -> list[str]:
        profile = getattr(obj, "specialist_profile", None)
        return sorted(s.code for s in profile.specialties.all()) if profile else []


class SpecialtiesInputSerializer(serializers.Serializer):
    specialties = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Specialty.objects.all(),
        many=True,
        error_messages=SPECIALTY_ERRORS,
    )


class ConsultationPlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsultationPlace
        fields = ["id", "name", "address"]
        read_only_fields = ["id"]
        # The service checks the name per region, with its own Danish message.
        validators: list[object] = []


class ConsultationSlotSerializer(serializers.ModelSerializer):
    case_reference = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationSlot
        fields = [
            "id",
            "specialist",
            "place",
            "starts_at",
            "minutes",
            "case",
            "case_reference",
            "booked_at",
        ]
        read_only_fields = fields

    def get_case_reference(self, obj: ConsultationSlot) -> str | None:
        return obj.case.reference if obj.case_id and obj.case is not None else None


class ConsultationSlotCreateSerializer(serializers.Serializer):
    specialist = serializers.IntegerField(min_value=1)
    place = serializers.IntegerField(min_value=1)
    starts_at = BoundedDateTimeField()
    minutes = serializers.IntegerField(min_value=5, max_value=480, default=60)


class BookSlotSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
