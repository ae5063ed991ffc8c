"""The cached "Åbn alle dokumenter" PDF of a case (CombinedCaseFile)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_worklist_counts_from_the_index"),
        ("documents", "0006_document_share_recipient_newest_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="CombinedCaseFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64)),
                ("page_count", models.PositiveIntegerField(blank=True, null=True)),
                ("document_count", models.PositiveIntegerField(default=0)),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("built_at", models.DateTimeField(blank=True, null=True)),
                ("error", models.CharField(blank=True, max_length=200)),
                (
                    "blob",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="combined_files",
                        to="documents.blob",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="combined_files",
                        to="cases.case",
                    ),
                ),
            ],
            options={
                "verbose_name": "dokumentsamling",
                "verbose_name_plural": "dokumentsamlinger",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("case", "key"), name="combined_case_file_unique"
                    )
                ],
            },
        ),
    ]
