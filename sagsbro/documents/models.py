"""Documents on cases, stored once by content (SHA-256) behind Django's storage API."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from sagsbro.documents.rules import CATEGORY_LABELS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from sagsbro.organisations.models import User


class Blob(models.Model):
    """The bytes of a document, stored once however many cases carry it."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField()
    # No content type here: the same bytes may reach several organisations, and each
    # document's type is decided from the content when it is attached (Document.content_type).
    file = models.FileField(upload_to="blobs/")
    created_at = models.DateTimeField(auto_now_add=True)


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: "User | AnonymousUser") -> "DocumentQuerySet":
        """Documents on cases the user may see; a GP sees only what was sent to them.

        Which cases a user may see is decided once, by the case model's ``visible_to``; it is
        reached through the ``case`` foreign key, as the cases app sits above this one.
        """
        from sagsbro.organisations.roles import Role

        if not user.is_authenticated:
            return self.none()
        if user.role == Role.GENERAL_PRACTITIONER:
            return self.filter(shares__recipient=user)
        case_model: Any = Document._meta.get_field("case").related_model
        return self.filter(case__in=case_model.objects.visible_to(user))


class Document(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    category = models.CharField(
        "kategori", max_length=40, choices=[(str(k), v) for k, v in CATEGORY_LABELS.items()]
    )
    title = models.CharField("titel", max_length=200)
    filename = models.CharField("filnavn", max_length=200)
    # Decided from the bytes (documents.services.inspect_content), never the uploader's claim.
    content_type = models.CharField("filtype", max_length=100)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Set when a genforelæggelse carries the document over from the earlier case.
    carried_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "dokument"
        verbose_name_plural = "dokumenter"

    def __str__(self) -> str:
        return self.title


class DocumentShare(models.Model):
    """A document sent to someone outside the case's two parties (the citizen's GP)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="shares")
    # Indexed with the time (document_share_recip_newest), which serves the key too.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="document_shares",
        db_index=False,
    )
    shared_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "recipient"], name="share_unique"),
        ]
        indexes = [
            # The GP's "Dokumenter sendt til dig", newest first a page at a time.
            models.Index(
                fields=["recipient", "-shared_at", "-id"], name="document_share_recip_newest"
            ),
        ]
