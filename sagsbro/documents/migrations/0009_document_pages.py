from django.db import migrations, models


def count_pages(apps, schema_editor):
    """Fill the page count of the PDFs already attached, once per blob; a file that cannot be
    read (missing, damaged, protected) keeps NULL."""
    from pypdf import PdfReader

    Document = apps.get_model("documents", "Document")
    Blob = apps.get_model("documents", "Blob")
    blob_ids = (
        Document.objects.filter(content_type="application/pdf", pages__isnull=True)
        .values_list("blob_id", flat=True)
        .distinct()
    )
    for blob in Blob.objects.filter(pk__in=list(blob_ids)).iterator():
        try:
            with blob.file.open("rb") as stream:
                reader = PdfReader(stream, strict=False)
                if reader.is_encrypted and not reader.decrypt(""):
                    continue
                pages = len(reader.pages)
        except Exception:  # noqa: BLE001 - an unreadable file keeps no page count
            continue
        Document.objects.filter(blob_id=blob.pk, content_type="application/pdf").update(pages=pages)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0008_document_withdrawal_and_replacement"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="pages",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="sider"),
        ),
        migrations.RunPython(count_pages, migrations.RunPython.noop, elidable=True),
    ]
