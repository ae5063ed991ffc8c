"""The documents on cases in the API (/api/v1/documents/): the case decides who sees and who
adds them."""

import django_filters
from django.http import FileResponse
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedReadMixin
from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.models import Case
from sagsbro.cases.services.documents import add_case_document
from sagsbro.core.api import AccessRule, cursor_pagination
from sagsbro.core.filters import IdFilter
from sagsbro.documents.api.serializers import DocumentSerializer, DocumentUploadSerializer
from sagsbro.documents.models import Document
from sagsbro.organisations.api.idempotency import idempotent


class DocumentFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")

    class Meta:
        model = Document
        fields = ["case", "category"]


class DocumentViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    access_rule = AccessRule.TENANT
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    # In upload order: the id is given on insert, as uploaded_at is, and its index lets a page
    # be read without sorting every visible document.
    pagination_class = cursor_pagination("id")
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return Document.objects.visible_to(self.request.user).select_related("blob", "case")

    def audit_subject(self, obj):
        return Subject("document", obj.pk, obj.case_id, obj.case.citizen_id)

    @idempotent
    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer})
    def create(self, request, *args, **kwargs):
        payload = DocumentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        case = Case.objects.visible_to(request.user).filter(pk=data["case"]).first()
        if case is None:
            raise NotFound()
        upload = data["file"]
        document = add_case_document(
            request.user,
            case,
            category=data["category"],
            title=data.get("title", ""),
            filename=upload.name,
            # Streamed from the upload's temporary file; the type comes from the bytes.
            content=upload,
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    # The stored file's own type (PDF, Word, an image, ...).
    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def content(self, request, pk=None):
        document = self.get_object()
        record(request.user, AuditEntry.Action.DOWNLOAD, self.audit_subject(document))
        response = FileResponse(document.blob.file.open("rb"), content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="document-{document.pk}"'
        return response
