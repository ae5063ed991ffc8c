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
            return self.filter(shares__recipient=user).not_withdrawn_for(user)
        case_model: Any = Document._meta.get_field("case").related_model
        return self.filter(case__in=case_model.objects.visible_to(user)).not_withdrawn_for(user)

    def not_withdrawn_for(self, user: "User") -> "DocumentQuerySet":
        """Leave out the documents withdrawn by an organisation other than the user's: a
        withdrawn document is seen only by the organisation that attached it."""
        own = Document.objects.filter(withdrawn_at__isnull=False)
        if user.municipality_id:
            own = own.filter(uploaded_by__municipality_id=user.municipality_id)
        elif user.region_id:
            own = own.filter(uploaded_by__region_id=user.region_id)
        else:
            return self.filter(withdrawn_at__isnull=True)
        return self.filter(models.Q(withdrawn_at__isnull=True) | models.Q(pk__in=own.values("pk")))


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
    # Counted from the PDF when it is attached (from its PDF rendition for other types);
    # NULL until a rendition exists, and for unreadable files.
    pages = models.PositiveIntegerField("sider", null=True, blank=True)
    # The date written on the document (a certificate's date, a letter's), which orders the
    # case file within a category; the upload date when the uploader gives none.
    document_date = models.DateField("dokumentdato", null=True, blank=True)
    # Who wrote it (a GP's clinic, a hospital department, the municipality itself): free text,
    # as most authors are not organisations in this system.
    author_organisation = models.CharField("afsender", max_length=200, blank=True)
    # The document as PDF for reading, when the original is not a PDF (Word, spreadsheet,
    # image, text): made by a background task (documents.conversion), never on the web worker.
    rendition = models.ForeignKey(
        Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="renditions"
    )
    conversion_status = models.CharField(
        "konvertering",
        max_length=20,
        choices=[
            ("not_needed", "Ikke nødvendig"),
            ("pending", "Venter"),
            ("done", "Konverteret"),
            ("failed", "Mislykkedes"),
        ],
        default="not_needed",
    )
    # The Danish reason a conversion failed (a time limit, an unreadable file); no content.
    conversion_error = models.CharField("konverteringsfejl", max_length=300, blank=True)
    # SHA-256 of the document's normalised text: a re-scanned or re-saved copy of the same
    # text is a duplicate even though its bytes differ. Empty when there is no text layer.
    text_sha256 = models.CharField(max_length=64, blank=True)
    # A small PNG of the first page for the list, made in the background.
    thumbnail = models.ForeignKey(
        Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="thumbnails"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Set when a genforelæggelse carries the document over from the earlier case.
    carried_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The first time someone outside the uploader's organisation opened it: until then the
    # uploader's organisation may withdraw it (a mistaken attachment), afterwards only mark it
    # replaced by a newer document.
    opened_by_other_side_at = models.DateTimeField("åbnet af modparten", null=True, blank=True)
    # Withdrawn: kept on the record, no longer served to or listed for the other side.
    withdrawn_at = models.DateTimeField("trukket tilbage", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.CharField("begrundelse", max_length=500, blank=True)
    # Replaced by a newer version; both stay on the case.
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    replaced_at = models.DateTimeField("erstattet", null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "dokument"
        verbose_name_plural = "dokumenter"
        indexes = [
            # The few withdrawn documents, read by `visible_to` for every other-side list.
            models.Index(
                fields=["withdrawn_at"],
                condition=models.Q(withdrawn_at__isnull=False),
                name="document_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


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


class CombinedCaseFile(models.Model):
    """ "Åbn alle dokumenter": a case's documents as one bookmarked PDF, cached by `key`, the
    SHA-256 of the ordered list of the document hashes (and titles) it was built from.

    A row without a blob is being built (or failed: `error`); the result is stored as a blob
    like any document, so the same case file is kept once.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="combined_files")
    key = models.CharField(max_length=64)
    blob = models.ForeignKey(
        Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="combined_files"
    )
    page_count = models.PositiveIntegerField(null=True, blank=True)
    document_count = models.PositiveIntegerField(default=0)
    # How many documents the build has joined so far, for the progress shown while it runs.
    documents_done = models.PositiveIntegerField(default=0)
    # A build's lease: set in a short locked transaction when a build starts and cleared when
    # it ends, so the build runs without holding the row lock (progress stays writable) and
    # still runs once; a lease older than the task's time limit is taken over.
    build_started_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="combined_case_file_unique"),
        ]
        verbose_name = "dokumentsamling"
        verbose_name_plural = "dokumentsamlinger"

    def __str__(self) -> str:
        return f"Dokumentsamling {self.key[:12]}"
