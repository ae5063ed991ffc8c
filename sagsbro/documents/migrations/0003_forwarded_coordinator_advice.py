from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="category",
            field=models.CharField(
                choices=[
                    ("forberedende_del", "Rehabiliteringsplanens forberedende del"),
                    ("lae_265", "LÆ 265 Lægeattest fra egen læge"),
                    ("lae_271", "LÆ 271 Anmodning om speciallægeattest"),
                    ("lae_275", "LÆ 275 Speciallægeattest"),
                    ("indstilling", "Rehabiliteringsteamets indstilling"),
                    ("indsatsplan", "Indsatsplan"),
                    ("coordinator_advice", "Sundhedskoordinators tidligere resumé og rådgivning"),
                    ("new_health_information", "Nye helbredsoplysninger"),
                    ("other_health_information", "Andre relevante helbredsoplysninger"),
                    ("employment_offer", "Beskrivelse af konkret beskæftigelsestilbud"),
                    (
                        "citizen_statement",
                        "Borgerens beskrivelse af, hvor tilbuddet ikke tager hensyn",
                    ),
                    (
                        "caseworker_summary",
                        "Koordinerende sagsbehandlers resumé siden sidste møde",
                    ),
                    ("documentation", "Dokumentation for resuméet"),
                    ("specialist_certificate", "Speciallægeerklæring"),
                    ("psychological_assessment", "Psykologisk vurdering"),
                    ("work_trial_report", "Rapport fra arbejdsprøvning"),
                    ("written_answer", "Sundhedskoordinators skriftlige svar"),
                    (
                        "forwarded_coordinator_advice",
                        "Sundhedskoordinators tidligere resumé og rådgivning "
                        "(videresendt af kommunen)",
                    ),
                    ("other", "Andet"),
                ],
                max_length=40,
                verbose_name="kategori",
            ),
        ),
    ]
