"""The audit log's lists by who, what, which object, case or citizen, newest first: an index
per slice on (…, at, id). The ones on user, case and citizen replace those columns' own
indexes. The old indexes are dropped by name rather than by altering the fields, which on
SQLite would rebuild the table without its append-only triggers."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REPLACED = {
    "user": ("user_id", "audit_auditentry_user_id_b5ee03cd"),
    "case_id": ("case_id", "audit_auditentry_case_id_a5acea58"),
    "citizen_id": ("citizen_id", "audit_auditentry_citizen_id_0915879e"),
}


def _drop(column, name):
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{name}"',
        reverse_sql=f'CREATE INDEX "{name}" ON "audit_auditentry" ("{column}")',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_keyed_macs_and_sealed_blocks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["user", "at", "id"], name="audit_entry_user_at"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action", "at", "id"], name="audit_entry_action_at"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                fields=["object_type", "object_id", "at", "id"], name="audit_entry_object_at"
            ),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["case_id", "at", "id"], name="audit_entry_case_at"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["citizen_id", "at", "id"], name="audit_entry_citizen_at"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="case_id",
                    field=models.BigIntegerField(null=True),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="citizen_id",
                    field=models.BigIntegerField(null=True),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[_drop(column, name) for column, name in REPLACED.values()],
        ),
    ]
