""" "Åbn alle dokumenter" in the API: GET /api/v1/cases/{id}/documents/combined/ answers 200
with the PDF when the case file is built, 202 with its status while it is being built (ask
again) or when its build failed (`"status": "failed"`, why in `detail`: POST to the same
address asks for it again), and 404 for a case the user may not see whole."""

from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedRefusalMixin
from sagsbro.cases.case_file import (
    case_file_response,
    requested_case_file,
    status_detail,
    status_of,
)
from sagsbro.cases.models import Case
from sagsbro.core.api import AccessRule


class CombinedCaseFileStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["building", "failed"],
        help_text="building: dannes (spørg igen); failed: kunne ikke dannes (POST for at prøve "
        "igen).",
    )
    detail = serializers.CharField()
    retry_after = serializers.IntegerField(
        help_text="Sekunder før der spørges igen (0, når dannelsen er mislykket)."
    )


RETRY_AFTER_SECONDS = 2
PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="Dokumentsamlingen som PDF.")


class CombinedCaseFileView(AuditedRefusalMixin, GenericAPIView):
    # The case through Case.objects.visible_to (cases.case_file.case_for_case_file); a
    # refusal is audited as DENIED for the case asked for.
    access_rule = AccessRule.TENANT
    audit_object_type = "case"
    serializer_class = CombinedCaseFileStatusSerializer
    filter_backends: list = []

    def get_queryset(self):
        return Case.objects.visible_to(self.request.user)

    @extend_schema(
        operation_id="cases_documents_combined_retrieve",
        summary="Åbn alle dokumenter: sagens dokumenter som én PDF",
        responses={
            (200, "application/pdf"): PDF_RESPONSE,
            202: OpenApiResponse(
                CombinedCaseFileStatusSerializer,
                description="Dokumentsamlingen dannes (status building; spørg igen efter "
                "retry_after sekunder), eller dannelsen mislykkedes (status failed; POST for at "
                "prøve igen).",
            ),
        },
    )
    def get(self, request, pk: int):
        case, row = requested_case_file(request.user, pk)
        return self._answer(case, row)

    @extend_schema(
        operation_id="cases_documents_combined_retry",
        summary="Dan dokumentsamlingen igen efter en mislykket dannelse",
        request=None,
        responses={
            (200, "application/pdf"): PDF_RESPONSE,
            202: OpenApiResponse(
                CombinedCaseFileStatusSerializer,
                description="Dokumentsamlingen dannes igen; spørg med GET efter retry_after "
                "sekunder.",
            ),
        },
    )
    def post(self, request, pk: int):
        case, row = requested_case_file(request.user, pk, retry=True)
        return self._answer(case, row)

    def _answer(self, case, row):
        if row.blob_id is not None:
            return case_file_response(self.request.user, case, row, "api")
        state = status_of(row)
        retry_after = 0 if state == "failed" else RETRY_AFTER_SECONDS
        body = CombinedCaseFileStatusSerializer(
            {"status": state, "detail": status_detail(row), "retry_after": retry_after}
        ).data
        response = Response(body, status=status.HTTP_202_ACCEPTED)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response
