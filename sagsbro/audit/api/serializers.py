"""The audit log's representation in the API (who may read it is decided in organisations,
which knows the roles and the organisations)."""

from rest_framework import serializers

from sagsbro.audit.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    sealed = serializers.SerializerMethodField(help_text="Forseglet i en blok af sealeren.")

    def get_sealed(self, entry: AuditEntry) -> bool:
        return entry.block_id is not None

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "username",
            "role",
            "action",
            "object_type",
            "object_id",
            "case_id",
            "citizen_id",
            "detail",
            "channel",
            "key_id",
            "mac",
            "sealed",
        ]
