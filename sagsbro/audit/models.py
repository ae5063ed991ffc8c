"""The audit log: who read or changed which citizen's data, when. Append-only, hash-chained."""

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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the entry still says who it was if the account is renamed.
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, blank=True)
    case_id = models.BigIntegerField(null=True, db_index=True)
    citizen_id = models.BigIntegerField(null=True, db_index=True)
    # What was done, never the health text itself.
    detail = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, default="api")
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "revisionslogpost"
        verbose_name_plural = "revisionslog"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Revisionsloggen kan ikke ændres.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Revisionsloggen kan ikke slettes.")


class AuditChainHead(models.Model):
    """One row holding the newest hash; locked while appending so the chain stays linear."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
