"""The GP's "Dokumenter sendt til dig", newest first a page at a time: an index on
(recipient, shared_at DESC, id DESC) that replaces the recipient column's own (dropped by
name, so SQLite does not rebuild the table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_INDEX = "documents_documentshare_recipient_id_73b5aaf2"


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_citizen_conclusion_category"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="documentshare",
            index=models.Index(
                fields=["recipient", "-shared_at", "-id"], name="document_share_recip_newest"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="documentshare",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="document_shares",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{OLD_INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX "{OLD_INDEX}" ON "documents_documentshare" ("recipient_id")'
                    ),
                ),
            ],
        ),
    ]
