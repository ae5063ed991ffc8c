import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_one_genforelaeggelse_per_parent"),
        ("meetings", "0001_meeting_days_bookings_team_indstilling"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ForloebFollowUp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("started_on", models.DateField(verbose_name="ressourceforløbet begyndte")),
                (
                    "first_effort_started_on",
                    models.DateField(blank=True, null=True, verbose_name="første indsats startede"),
                ),
                (
                    "effort_deadline",
                    models.DateField(verbose_name="seneste start for første indsats"),
                ),
                ("recorded_at", models.DateTimeField(auto_now=True)),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="forloeb_follow_up",
                        to="cases.case",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "opfølgning på ressourceforløb",
                "verbose_name_plural": "opfølgninger på ressourceforløb",
                "indexes": [
                    models.Index(fields=["effort_deadline"], name="meetings_fo_effort__ba22da_idx")
                ],
            },
        ),
    ]
