"""Documents in the API: how a document reads and what an upload carries. The endpoints are
the cases app's (`cases/api/document_views.py`): adding a document is a write on a case."""

from rest_framework import serializers

from sagsbro.documents.models import Document
from sagsbro.documents.rules import CATEGORY_LABELS


class DocumentSerializer(serializers.ModelSerializer):
    category_label = serializers.SerializerMethodField()
    sha256 = serializers.CharField(source="blob.sha256", read_only=True)
    size = serializers.IntegerField(source="blob.size", read_only=True)
    content_type = serializers.CharField(read_only=True)

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
            "withdrawn_at",
            "withdrawal_reason",
            "replaced_by",
            "replaced_at",
        ]
        read_only_fields = ["withdrawn_at", "withdrawal_reason", "replaced_by", "replaced_at"]

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


class WithdrawDocumentSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500,
        error_messages={
            "required": "Skriv hvorfor dokumentet trækkes tilbage.",
            "blank": "Skriv hvorfor dokumentet trækkes tilbage.",
            "max_length": "Begrundelsen må højst være {max_length} tegn.",
        },
    )


class ReplaceDocumentSerializer(serializers.Serializer):
    replaced_by = serializers.IntegerField(
        error_messages={"required": "Angiv det nye dokument, der erstatter dette."}
    )
