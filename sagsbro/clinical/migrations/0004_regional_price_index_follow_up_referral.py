"""The price index becomes each region's own table (a region's administrator keeps the
figures its averages use); the one national table so far is copied to every region. The unused
deadline-exception model goes: agreed deadlines (BEK § 23) live with the case's deadlines."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_index_to_regions(apps, schema_editor):
    price_index = apps.get_model("clinical", "PriceIndex")
    region = apps.get_model("organisations", "Region")
    national = list(price_index.objects.filter(region__isnull=True))
    for each in region.objects.all():
        price_index.objects.bulk_create(
            price_index(region=each, year=row.year, index=row.index, set_by_id=row.set_by_id)
            for row in national
        )
    price_index.objects.filter(region__isnull=True).delete()


def keep_one_per_year(apps, schema_editor):
    price_index = apps.get_model("clinical", "PriceIndex")
    seen = set()
    for row in price_index.objects.order_by("year", "id"):
        if row.year in seen:
            row.delete()
        else:
            seen.add(row.year)
            row.region = None
            row.save(update_fields=["region"])


class Migration(migrations.Migration):
    dependencies = [
        ("clinical", "0003_certificate_pdf_until_delivery"),
        ("organisations", "0005_agreement_certificate_price"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(
            model_name="deadlineexception",
            name="case",
        ),
        migrations.RemoveField(
            model_name="deadlineexception",
            name="recorded_by",
        ),
        migrations.AlterModelOptions(
            name="priceindex",
            options={
                "ordering": ["region", "year"],
                "verbose_name": "prisindeks",
                "verbose_name_plural": "prisindeks",
            },
        ),
        migrations.AddField(
            model_name="priceindex",
            name="region",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="price_indices",
                to="organisations.region",
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="follows_certificate",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="follow_up_referrals",
                to="clinical.certificate",
                verbose_name="yderligere vurdering efter attest",
            ),
        ),
        migrations.AlterField(
            model_name="priceindex",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="år"),
        ),
        migrations.RunPython(copy_index_to_regions, keep_one_per_year),
        migrations.AlterField(
            model_name="priceindex",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="price_indices",
                to="organisations.region",
            ),
        ),
        migrations.AddConstraint(
            model_name="priceindex",
            constraint=models.UniqueConstraint(
                fields=("region", "year"), name="price_index_unique_year"
            ),
        ),
        migrations.DeleteModel(
            name="DeadlineException",
        ),
    ]
