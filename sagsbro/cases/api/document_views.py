"""The documents on cases in the API (/api/v1/documents/): the case decides who sees and who
adds them."""

import django_filters
from django.http import FileResponse
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedReadMixin
from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.models import Case
from sagsbro.cases.services.documents import (
    add_case_document,
    replace_case_document,
    withdraw_case_document,
)
from sagsbro.core.api import AccessRule, cursor_pagination
from sagsbro.core.errors import ServiceError
from sagsbro.core.filters import IdFilter
from sagsbro.documents.api.serializers import (
    DUPLICATES_CONTEXT,
    DocumentSerializer,
    DocumentUploadSerializer,
    ReplaceDocumentSerializer,
    WithdrawDocumentSerializer,
)
from sagsbro.documents.case_file import duplicates_by_case
from sagsbro.documents.models import Document
from sagsbro.documents.services import record_opening
from sagsbro.documents.viewing import ATTACHMENT_CSP, PDF, delivery, rendition_delivery
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

    def get_serializer(self, *args, **kwargs):
        # A page of documents: the duplicates of all their cases found in one query.
        if kwargs.get("many") and args:
            documents = list(args[0])
            case_ids = {d.case_id for d in documents}
            duplicates: dict[int, dict[int, int]] = {case_id: {} for case_id in case_ids}
            duplicates.update(duplicates_by_case(case_ids))
            context = kwargs.setdefault("context", self.get_serializer_context())
            context[DUPLICATES_CONTEXT] = duplicates
            args = (documents, *args[1:])
        return super().get_serializer(*args, **kwargs)

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
            document_date=data.get("document_date"),
            author_organisation=data.get("author_organisation", ""),
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    # The stored file's own type (PDF, Word, an image, ...), under the uploader's file name:
    # a PDF opens in the browser (inline), every other type is saved (attachment).
    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def content(self, request, pk=None):
        document = self.get_object()
        # The first opening by the other side ends the uploader's chance to withdraw it; a
        # document withdrawn in the meantime is refused like one the user may not see.
        if not record_opening(request.user, document):
            raise NotFound()
        record(request.user, AuditEntry.Action.DOWNLOAD, self.audit_subject(document))
        served = delivery(document.filename, document.content_type, f"dokument-{document.pk}")
        response = FileResponse(document.blob.file.open("rb"), content_type=served.content_type)
        response["Content-Disposition"] = served.disposition
        response["Content-Security-Policy"] = served.csp
        response["X-Content-Type-Options"] = "nosniff"
        return response

    # The document as a PDF to read in the browser: the PDF made from a Word file, a
    # spreadsheet, an image or text (documents.conversion), or a PDF original itself. Inline,
    # under the uploader's name with ".pdf"; an opening like `content`, and audited as one.
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def rendition(self, request, pk=None):
        document = self.get_object()
        is_pdf = document.content_type == PDF
        if not is_pdf and document.rendition_id is None:
            # Not made (yet): no refusal and nothing served, so nothing to audit.
            if document.conversion_status == "failed":
                body = {"detail": document.conversion_error, "code": "conversion_failed"}
            else:
                body = {"detail": "PDF'en er ikke klar endnu.", "code": "no_rendition"}
            return Response(body, status=status.HTTP_404_NOT_FOUND)
        if not record_opening(request.user, document):
            raise NotFound()
        record(request.user, AuditEntry.Action.DOWNLOAD, self.audit_subject(document), detail="pdf")
        served = rendition_delivery(
            document.filename, document.content_type, f"dokument-{document.pk}"
        )
        blob = document.blob if is_pdf else document.rendition
        response = FileResponse(blob.file.open("rb"), content_type=served.content_type)
        response["Content-Disposition"] = served.disposition
        response["Content-Security-Policy"] = served.csp
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    # The first page as a small PNG for the documents list. Audited as a read; not an
    # opening (the list shows it), so it does not end the uploader's chance to withdraw.
    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def thumbnail(self, request, pk=None):
        document = self.get_object()
        if document.thumbnail_id is None:
            # Not made yet (or the page could not be drawn): no refusal, nothing to audit.
            body = {"detail": "Dokumentet har ingen miniature.", "code": "no_thumbnail"}
            return Response(body, status=status.HTTP_404_NOT_FOUND)
        record(
            request.user,
            AuditEntry.Action.READ,
            self.audit_subject(document),
            detail="miniature",
        )
        response = FileResponse(document.thumbnail.file.open("rb"), content_type="image/png")
        response["Content-Security-Policy"] = ATTACHMENT_CSP
        response["X-Content-Type-Options"] = "nosniff"
        # Like every document read: not kept by the browser or a proxy, so each view is audited.
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(request=WithdrawDocumentSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def withdraw(self, request, pk=None):
        """Withdraw a document attached by mistake, before the other side has opened it. It
        stays on the record (who, when, why) and is no longer served to or listed for the
        other side."""
        document = self.get_object()
        payload = WithdrawDocumentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = withdraw_case_document(
            request.user, document.case, document, reason=payload.validated_data["reason"]
        )
        return Response(DocumentSerializer(document).data)

    @extend_schema(request=ReplaceDocumentSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def replace(self, request, pk=None):
        """Mark a document as replaced by a newer document on the same case (both stay)."""
        document = self.get_object()
        payload = ReplaceDocumentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        newer = self.get_queryset().filter(pk=payload.validated_data["replaced_by"]).first()
        if newer is None:
            message = "Det nye dokument findes ikke."
            raise ServiceError("invalid_replacement", message, fields={"replaced_by": [message]})
        document = replace_case_document(request.user, document.case, document, newer)
        return Response(DocumentSerializer(document).data)
