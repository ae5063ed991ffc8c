""" "Åbn alle dokumenter" in the API: GET /api/v1/cases/{id}/documents/combined/ answers 200
with the PDF when the case file is built, 202 with its status while it is being built (ask
again), and 404 for a case the user may not see whole."""

from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedRefusalMixin
from sagsbro.cases.case_file import (
    BUILDING,
    case_file_response,
    requested_case_file,
    status_of,
)
from sagsbro.cases.models import Case
from sagsbro.core.api import AccessRule


class CombinedCaseFileStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["building", "failed"])
    detail = serializers.CharField()
    retry_after = serializers.IntegerField(help_text="Sekunder før der spørges igen.")


RETRY_AFTER_SECONDS = 2


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
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Dokumentsamlingen som PDF."
            ),
            202: OpenApiResponse(
                CombinedCaseFileStatusSerializer,
                description="Dokumentsamlingen dannes; spørg igen efter retry_after sekunder.",
            ),
        },
    )
    def get(self, request, pk: int):
        case, row = requested_case_file(request.user, pk)
        if row.blob_id is not None:
            return case_file_response(request.user, case, row, "api")
        state = status_of(row)
        body = CombinedCaseFileStatusSerializer(
            {
                "status": state,
                "detail": row.error if state == "failed" else BUILDING,
                "retry_after": RETRY_AFTER_SECONDS,
            }
        ).data
        response = Response(body, status=status.HTTP_202_ACCEPTED)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
