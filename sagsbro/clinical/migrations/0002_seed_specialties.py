"""The specialties the klinisk funktion assesses in (psychology only as a specialist
certificate, O-03)."""

from django.db import migrations

SPECIALTIES = [
    ("arbejdsmedicin", "Arbejdsmedicin"),
    ("psykiatri", "Psykiatri"),
    ("reumatologi", "Reumatologi"),
    ("neurologi", "Neurologi"),
    ("ortopaedkirurgi", "Ortopædkirurgi"),
    ("intern_medicin", "Intern medicin"),
    ("psykologi", "Psykologi (speciallægeattest)"),
]


def seed(apps, schema_editor):
    Specialty = apps.get_model("clinical", "Specialty")
    for code, name in SPECIALTIES:
        Specialty.objects.update_or_create(code=code, defaults={"name": name})


def unseed(apps, schema_editor):
    Specialty = apps.get_model("clinical", "Specialty")
    Specialty.objects.filter(code__in=[code for code, _ in SPECIALTIES], referrals=None).delete()


class Migration(migrations.Migration):
    dependencies = [("clinical", "0001_referrals_specialists_certificates_costs")]

    operations = [migrations.RunPython(seed, unseed)]
