"""Documents in the API: how a document reads and what an upload carries. The endpoints are
the cases app's (`cases/api/document_views.py`): adding a document is a write on a case."""

from typing import Any, cast

from rest_framework import serializers

from sagsbro.core.api import BoundedDateField
from sagsbro.documents.models import Document
from sagsbro.documents.rules import (
    AUTHOR_TOO_LONG,
    CATEGORY_LABELS,
    MAX_AUTHOR_LENGTH,
    author_refusal,
)

# The context key holding the duplicates of the cases being serialised (case id -> document
# id -> the id of the document it duplicates), filled once for a page of documents.
DUPLICATES_CONTEXT = "case_file_duplicates"


class DocumentSerializer(serializers.ModelSerializer):
    """A document as the API reads it. `duplicate_of` is the document on the same case that
    the case file includes instead of this one (the same bytes or the same text)."""

    category_label = serializers.SerializerMethodField()
    is_duplicate = serializers.SerializerMethodField()
    duplicate_of = serializers.SerializerMethodField()
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
            "pages",
            "document_date",
            "author_organisation",
            "conversion_status",
            "conversion_error",
            "is_duplicate",
            "duplicate_of",
            "uploaded_at",
            "carried_over_from",
            "withdrawn_at",
            "withdrawal_reason",
            "replaced_by",
            "replaced_at",
        ]
        read_only_fields = [
            "pages",
            "document_date",
            "author_organisation",
            "conversion_status",
            "conversion_error",
            "withdrawn_at",
            "withdrawal_reason",
            "replaced_by",
            "replaced_at",
        ]

    def get_category_label(self, obj) -> str:
        return CATEGORY_LABELS.get(obj.category, obj.category)

    def _duplicates(self, obj: Document) -> dict[int, int]:
        # Imported here: the case file module loads the PDF libraries.
        from sagsbro.documents.case_file import duplicates_by_case

        by_case: dict[int, dict[int, int]] | None = self.context.get(DUPLICATES_CONTEXT)
        if by_case is None:
            by_case = {}
            cast(dict[str, Any], self.context)[DUPLICATES_CONTEXT] = by_case
        if obj.case_id not in by_case:
            by_case.update(duplicates_by_case([obj.case_id]))
            by_case.setdefault(obj.case_id, {})
        return by_case[obj.case_id]

    def get_duplicate_of(self, obj: Document) -> int | None:
        return self._duplicates(obj).get(obj.pk)

    def get_is_duplicate(self, obj: Document) -> bool:
        return obj.pk in self._duplicates(obj)


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
    document_date = BoundedDateField(
        required=False,
        allow_null=True,
        help_text="Datoen på dokumentet (ÅÅÅÅ-MM-DD); uden den ordnes det efter uploaddatoen.",
        error_messages={"invalid": "Datoen skal skrives som ÅÅÅÅ-MM-DD."},
    )
    author_organisation = serializers.CharField(
        max_length=MAX_AUTHOR_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Afsender, fx lægens klinik (fri tekst).",
        error_messages={"max_length": AUTHOR_TOO_LONG},
    )
    file = serializers.FileField(
        error_messages={
            "required": "Vedhæft en fil.",
            "empty": "Filen er tom.",
            "invalid": "Filen kunne ikke læses.",
        }
    )

    def validate_author_organisation(self, value: str) -> str:
        refusal = author_refusal(value)
        if refusal is not None:
            raise serializers.ValidationError(refusal)
        return value


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
