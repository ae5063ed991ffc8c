"""The specialist's work on a clinical case on the API: the consultation's note,
investigations, record requests and the structured certificate (LÆ 275)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sagsbro.cases.api.serializers import DATE_ERRORS
from sagsbro.clinical.models import (
    Certificate,
    ConsultationRecord,
    Investigation,
    RecordRequest,
)
from sagsbro.clinical.rules.certificate import MAX_FURTHER_PRICE, NO_GP_REASON_MAX
from sagsbro.core.api import BoundedDateField
from sagsbro.organisations.api.serializers import PersonSerializer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _required(message: str) -> dict[str, StrOrPromise]:
    return {"required": message, "blank": message, "null": message}


class ConsultationRecordSerializer(serializers.ModelSerializer):
    recorded_by = PersonSerializer(read_only=True)

    class Meta:
        model = ConsultationRecord
        fields = ["held_on", "note", "recorded_by", "recorded_at"]


class InvestigationSerializer(serializers.ModelSerializer):
    ordered_by = PersonSerializer(read_only=True)

    class Meta:
        model = Investigation
        fields = [
            "id",
            "kind",
            "description",
            "ordered_by",
            "ordered_at",
            "done_on",
            "consent_covered",
        ]


class RecordRequestSerializer(serializers.ModelSerializer):
    requested_by = PersonSerializer(read_only=True)

    class Meta:
        model = RecordRequest
        fields = [
            "id",
            "source",
            "requested_by",
            "requested_at",
            "received_at",
            "consent",
            "consent_covered",
        ]


class AssessmentSerializer(serializers.Serializer):
    """What klinisk funktion has recorded on the case before the certificate."""

    consultation = ConsultationRecordSerializer(allow_null=True)
    investigations = InvestigationSerializer(many=True)
    record_requests = RecordRequestSerializer(many=True)


class ConsultationNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=20000, error_messages=_required("Skriv notatet fra konsultationen.")
    )


class InvestigationOrderSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Investigation.Kind.choices,
        error_messages={
            **_required("Vælg en type undersøgelse."),
            "invalid_choice": "Vælg en type undersøgelse.",
        },
    )
    description = serializers.CharField(
        max_length=5000,
        error_messages=_required(
            "Beskriv undersøgelsen, og hvorfor den er nødvendig for vurderingen."
        ),
    )
    citizen_consented = serializers.BooleanField(
        help_text="The specialist confirms the citizen's informed consent to the examination."
    )


class InvestigationDoneSerializer(serializers.Serializer):
    done_on = BoundedDateField(error_messages=DATE_ERRORS)


class RecordRequestCreateSerializer(serializers.Serializer):
    # A declared field named like DRF's Field.source attribute (the metaclass takes it out).
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=200, error_messages=_required("Angiv sygehuset eller speciallægen.")
    )


class CertificateSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)
    problems = serializers.SerializerMethodField(
        help_text="What keeps a draft from being signed (BEK § 14), by field."
    )
    signed_pdf = serializers.SerializerMethodField(
        help_text="The signed PDF, for klinisk funktion only (null for others and for a draft)."
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "status",
            "functional_capacity",
            "health",
            "citizen_view",
            "doctor_view",
            "other_factors",
            "further_assessment_needed",
            "further_assessment",
            "further_price",
            "further_time_frame",
            "is_overall",
            "overall_assessment",
            "author",
            "created_at",
            "updated_at",
            "signed_at",
            # The LÆ 275 document on the case: made at delivery (BEK § 15 stk. 2), null before.
            "document",
            "delivered_at",
            "signed_pdf",
            "problems",
        ]

    @extend_schema_field(OpenApiTypes.URI_REF)
    def get_signed_pdf(self, obj: Certificate) -> str | None:
        # The view says whether the reader is klinisk funktion (context "pdf_links").
        if not self.context.get("pdf_links") or obj.pdf_id is None:
            return None
        return reverse("case-clinical-certificate-pdf", kwargs={"pk": obj.case_id, "item": obj.pk})

    def get_problems(self, obj: Certificate) -> dict[str, list[str]]:
        from sagsbro.clinical.services.certificate import problems_of

        return problems_of(obj) if obj.status == Certificate.Status.DRAFT else {}


class CertificateWriteSerializer(serializers.Serializer):
    """The sections of a draft; a section left out stays as it is (PATCH)."""

    functional_capacity = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    health = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    citizen_view = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    doctor_view = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    other_factors = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    further_assessment_needed = serializers.BooleanField(required=False)
    further_assessment = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    further_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_FURTHER_PRICE,
        allow_null=True,
        required=False,
        error_messages={
            # JSON's decimal point, not the page's comma.
            "invalid": "Angiv prisen som et beløb i kroner med punktum før ørerne, fx 4500.00.",
            "min_value": "Prisen skal være over 0 kr.",
            "max_value": "Prisen må højst være 1.000.000 kr.",
            "max_decimal_places": "Prisen kan højst have to decimaler.",
            "max_digits": "Prisen må højst være 1.000.000 kr.",
        },
    )
    further_time_frame = serializers.CharField(max_length=200, allow_blank=True, required=False)
    is_overall = serializers.BooleanField(required=False)
    overall_assessment = serializers.CharField(max_length=20000, allow_blank=True, required=False)


class DeliverCertificateSerializer(serializers.Serializer):
    """Delivery of the signed certificate (BEK § 15, stk. 2)."""

    no_gp_reason = serializers.CharField(
        max_length=NO_GP_REASON_MAX,
        allow_blank=True,
        required=False,
        help_text=(
            "Only when the citizen has no GP registered: why the certificate is delivered "
            "without the GP's copy (e.g. sygesikringsgruppe 2). Required then; no health text."
        ),
        error_messages={"max_length": f"Begrundelsen må højst være {NO_GP_REASON_MAX} tegn."},
    )
