"""The content type moves from the blob to the document: a blob is shared by hash across
organisations, and each document's type is decided from the content when it is attached."""

from django.db import migrations, models


def copy_type_to_documents(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    Blob = apps.get_model("documents", "Blob")
    for sha256, content_type in Blob.objects.values_list("sha256", "content_type").iterator():
        Document.objects.filter(blob_id=sha256).update(content_type=content_type)


def copy_type_to_blobs(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    Blob = apps.get_model("documents", "Blob")
    for blob_id, content_type in Document.objects.values_list("blob_id", "content_type"):
        Blob.objects.filter(sha256=blob_id).update(content_type=content_type)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_forwarded_coordinator_advice"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="content_type",
            field=models.CharField(default="", max_length=100, verbose_name="filtype"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_type_to_documents, copy_type_to_blobs),
        # A default, so that migrating back can add the column to existing rows again.
        migrations.AlterField(
            model_name="blob",
            name="content_type",
            field=models.CharField(default="", max_length=100),
        ),
        migrations.RemoveField(
            model_name="blob",
            name="content_type",
        ),
    ]
