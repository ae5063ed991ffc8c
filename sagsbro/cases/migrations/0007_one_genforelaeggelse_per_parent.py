from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_event_kind_indexes"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                condition=models.Q(("subtype", "genforelaeggelse"))
                & models.Q(("state", "withdrawn"), _negated=True),
                fields=("parent",),
                name="case_one_genforelaeggelse_per_parent",
            ),
        ),
    ]
