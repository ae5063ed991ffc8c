"""The audit log: who read or changed which citizen's data, when. Append-only; each entry is
MACed under a key outside the database and later sealed into a chain of blocks (rules.py)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Revisionsloggen kan ikke ændres.")

    def delete(self):
        raise AppendOnlyError("Revisionsloggen kan ikke slettes.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        READ = "read", "Læst"
        LIST = "list", "Vist i liste"
        CREATE = "create", "Oprettet"
        UPDATE = "update", "Ændret"
        TRANSITION = "transition", "Sagsskridt"
        DOWNLOAD = "download", "Dokument hentet"
        # Refused access: a case, document or citizen the user may not see or act on.
        DENIED = "denied", "Adgang nægtet"
        LOGIN = "login", "Logget ind"
        LOGIN_FAILED = "login_failed", "Log-ind mislykkedes"
        LOCKED_OUT = "locked_out", "Spærret efter for mange forsøg"
        LOGOUT = "logout", "Logget ud"
        TOKEN_ISSUED = "token_issued", "API-nøgle udstedt"
        TOKEN_REVOKED = "token_revoked", "API-nøgle tilbagekaldt"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Indexed with the time (audit_entry_user_at), which also serves the foreign key.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Kept as text too, so the entry still says who it was if the account is renamed.
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, blank=True)
    case_id = models.BigIntegerField(null=True)
    citizen_id = models.BigIntegerField(null=True)
    # What was done, never the health text itself.
    detail = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, default="api")
    # HMAC of the entry's content under the key named by key_id (rules.mac).
    key_id = models.CharField(max_length=16)
    mac = models.CharField(max_length=64)
    # The block that sealed the entry; empty until the sealer has run.
    block = models.ForeignKey(
        "AuditBlock", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            # The sealer's queue: only the few unsealed entries are in this index.
            models.Index(
                fields=["id"],
                condition=models.Q(block__isnull=True),
                name="audit_entry_unsealed",
            ),
            # The log's lists by who, what, which object, case or citizen, newest first
            # (keyset on -at, -id): each walks its own slice of the log backwards.
            models.Index(fields=["user", "at", "id"], name="audit_entry_user_at"),
            models.Index(fields=["action", "at", "id"], name="audit_entry_action_at"),
            models.Index(
                fields=["object_type", "object_id", "at", "id"], name="audit_entry_object_at"
            ),
            models.Index(fields=["case_id", "at", "id"], name="audit_entry_case_at"),
            models.Index(fields=["citizen_id", "at", "id"], name="audit_entry_citizen_at"),
        ]
        verbose_name = "revisionslogpost"
        verbose_name_plural = "revisionslog"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Revisionsloggen kan ikke ændres.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Revisionsloggen kan ikke slettes.")


class AuditBlock(models.Model):
    """A sealed run of entries: their Merkle root chained to the block before, under the key.
    Only the sealer appends blocks; the database refuses changing or deleting them."""

    seq = models.PositiveBigIntegerField(unique=True)
    sealed_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    entry_count = models.PositiveIntegerField()
    # Entries sealed by this block and all before it.
    total_entries = models.PositiveBigIntegerField()
    first_entry_id = models.BigIntegerField()
    last_entry_id = models.BigIntegerField()
    merkle_root = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    block_hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = "forseglet blok"
        verbose_name_plural = "forseglede blokke"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Revisionsloggen kan ikke ændres.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Revisionsloggen kan ikke slettes.")
