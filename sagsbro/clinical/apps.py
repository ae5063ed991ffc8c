from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "sagsbro.clinical"
    verbose_name = "Klinisk funktion"

    def ready(self) -> None:
        from sagsbro.clinical.transitions import register_clinical_transitions

        register_clinical_transitions()
