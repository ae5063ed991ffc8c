from django.http import FileResponse
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedReadMixin
from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.models import Case
from sagsbro.core.api import AccessRule
from sagsbro.documents.models import Document
from sagsbro.documents.rules import CATEGORY_LABELS
from sagsbro.documents.services import add_document


class DocumentSerializer(serializers.ModelSerializer):
    category_label = serializers.SerializerMethodField()
    sha256 = serializers.CharField(source="blob.sha256", read_only=True)
    size = serializers.IntegerField(source="blob.size", read_only=True)
    content_type = serializers.CharField(source="blob.content_type", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "category",
            "category_label",
            "title",
            "filename",
            "sha256",
            "size",
            "content_type",
            "uploaded_at",
            "carried_over_from",
        ]

    def get_category_label(self, obj) -> str:
        return CATEGORY_LABELS.get(obj.category, obj.category)


class DocumentUploadSerializer(serializers.Serializer):
    case = serializers.IntegerField(error_messages={"required": "Angiv sagen."})
    category = serializers.ChoiceField(
        choices=[str(c) for c in CATEGORY_LABELS],
        error_messages={
            "invalid_choice": "Ukendt dokumentkategori: »{input}«.",
            "required": "Angiv dokumentets kategori.",
        },
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    file = serializers.FileField(
        error_messages={
            "required": "Vedhæft en fil.",
            "empty": "Filen er tom.",
            "invalid": "Filen kunne ikke læses.",
        }
    )


class DocumentViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    access_rule = AccessRule.TENANT
    serializer_class = DocumentSerializer
    filterset_fields = ["case", "category"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return Document.objects.visible_to(self.request.user).select_related("blob", "case")

    def audit_subject(self, obj):
        return Subject("document", obj.pk, obj.case_id, obj.case.citizen_id)

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer})
    def create(self, request, *args, **kwargs):
        payload = DocumentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        case = Case.objects.visible_to(request.user).filter(pk=data["case"]).first()
        if case is None:
            raise NotFound()
        upload = data["file"]
        document = add_document(
            request.user,
            case,
            category=data["category"],
            title=data.get("title", ""),
            filename=upload.name,
            content=upload.read(),
            content_type=upload.content_type,
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def content(self, request, pk=None):
        document = self.get_object()
        record(request.user, AuditEntry.Action.DOWNLOAD, self.audit_subject(document))
        response = FileResponse(
            document.blob.file.open("rb"), content_type=document.blob.content_type
        )
        response["Content-Disposition"] = f'attachment; filename="document-{document.pk}"'
        return response
