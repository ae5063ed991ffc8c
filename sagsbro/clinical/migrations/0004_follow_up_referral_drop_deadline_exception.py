"""A referral may name the earlier certificate whose further assessments it asks for (BEK
§ 14 stk. 3). The unused deadline-exception model goes: agreed deadlines (BEK § 23) live with
the case's deadlines."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinical", "0003_certificate_pdf_until_delivery"),
    ]

    operations = [
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
        migrations.DeleteModel(
            name="DeadlineException",
        ),
    ]
