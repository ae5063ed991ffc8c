"""Keyed MACs and sealed blocks replace the unkeyed hash chain and its locked head row.

Existing entries were written under the old chain; the migration checks that chain, then
MACs each entry under the current key (they are sealed by the sealer like new ones). The
database guards are rebuilt for the new columns: an entry may change only by being sealed,
once; blocks never change; neither table can be emptied (audit/guards.py).
"""

import hashlib
import json

from django.conf import settings
from django.db import migrations, models
from django.db.models import deletion

from sagsbro.audit import guards, rules

OLD_POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""
OLD_SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_entry_no_update;"

FIELDS = (
    "user_id",
    "username",
    "role",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "citizen_id",
    "detail",
    "channel",
)


def drop_old_guard(apps, schema_editor):
    sql = {"postgresql": OLD_POSTGRES_DOWN, "sqlite": OLD_SQLITE_DOWN}.get(
        schema_editor.connection.vendor
    )
    if sql:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def mac_existing_entries(apps, schema_editor):
    entry_model = apps.get_model("audit", "AuditEntry")
    using = schema_editor.connection.alias
    key_id = settings.SAGSBRO_AUDIT_CURRENT_KEY
    key = settings.SAGSBRO_AUDIT_KEYS[key_id]
    previous = "0" * 64
    for entry in entry_model.objects.using(using).order_by("id").iterator():
        fields = {name: getattr(entry, name) for name in FIELDS}
        fields["at"] = entry.at.isoformat()
        payload = json.dumps(fields, sort_keys=True, default=str)
        if (
            entry.previous_hash != previous
            or entry.entry_hash != hashlib.sha256((previous + payload).encode()).hexdigest()
        ):
            raise RuntimeError(f"audit entry {entry.pk} breaks the old chain; not migrated")
        previous = entry.entry_hash
        entry_model.objects.using(using).filter(pk=entry.pk).update(
            key_id=key_id, mac=rules.mac(key, fields)
        )


def install_guards(apps, schema_editor):
    guards.install(schema_editor.connection)


def remove_guards(apps, schema_editor):
    guards.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_actions_for_access_and_sign_in")]

    operations = [
        migrations.RunPython(drop_old_guard, migrations.RunPython.noop),
        migrations.CreateModel(
            name="AuditBlock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(unique=True)),
                ("sealed_at", models.DateTimeField()),
                ("key_id", models.CharField(max_length=16)),
                ("entry_count", models.PositiveIntegerField()),
                ("total_entries", models.PositiveBigIntegerField()),
                ("first_entry_id", models.BigIntegerField()),
                ("last_entry_id", models.BigIntegerField()),
                ("merkle_root", models.CharField(max_length=64)),
                ("previous_hash", models.CharField(max_length=64)),
                ("block_hash", models.CharField(max_length=64, unique=True)),
            ],
            options={
                "verbose_name": "forseglet blok",
                "verbose_name_plural": "forseglede blokke",
                "ordering": ["seq"],
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(default="", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="mac",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="block",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=deletion.PROTECT,
                related_name="entries",
                to="audit.auditblock",
            ),
        ),
        migrations.RunPython(mac_existing_entries, migrations.RunPython.noop),
        migrations.RemoveField(model_name="auditentry", name="previous_hash"),
        migrations.RemoveField(model_name="auditentry", name="entry_hash"),
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                condition=models.Q(("block__isnull", True)),
                fields=["id"],
                name="audit_entry_unsealed",
            ),
        ),
        migrations.RunPython(install_guards, remove_guards),
    ]
