"""The outbox: letters to the citizen and the citizen's GP that the system must send after the
team meeting. A row is queued when the letter is produced and marked sent only when a delivery
channel reports it sent; the deadlines after the meeting are met by that, never by the queuing.
"""

from django.conf import settings
from django.db import models


class OutgoingMessage(models.Model):
    class Recipient(models.TextChoices):
        CITIZEN = "citizen", "Borgeren"
        GP = "gp", "Egen læge"

    class Purpose(models.TextChoices):
        CITIZEN_CONCLUSION = "citizen_conclusion", "Skriftlig konklusion til borgeren"
        GP_INDSTILLING_COPY = "gp_indstilling_copy", "Indstillingen til egen læge"
        GP_CERTIFICATE_COPY = "gp_certificate_copy", "Speciallægeattesten til egen læge"
        CITIZEN_INVITATION = "citizen_invitation", "Indkaldelse til konsultation i klinisk funktion"
        CITIZEN_CANCELLATION = (
            "citizen_cancellation",
            "Aflysning af konsultation i klinisk funktion",
        )

    class State(models.TextChoices):
        QUEUED = "queued", "I kø"
        SENT = "sent", "Sendt"
        # Not to be sent after all (the consultation it invites to was cancelled before the
        # letter went out); kept, so the outbox shows what happened.
        CANCELLED = "cancelled", "Annulleret"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="outgoing_messages"
    )
    recipient_kind = models.CharField("modtager", max_length=20, choices=Recipient.choices)
    purpose = models.CharField("formål", max_length=40, choices=Purpose.choices)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="outgoing_messages"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # The delivery channel's own reference for the sent letter (e.g. a Digital Post id).
    channel_reference = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "udgående brev"
        verbose_name_plural = "udgående breve"
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["case", "purpose"]),
        ]
