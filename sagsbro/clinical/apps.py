from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "sagsbro.clinical"
    verbose_name = "Klinisk funktion"

    def ready(self) -> None:
        from sagsbro.clinical.transitions import register_clinical_transitions

        register_clinical_transitions()

        from sagsbro.clinical.web.referral_tab import register_referral_tab

        register_referral_tab()

        from sagsbro.clinical.web.assessment_tab import register_assessment_tab

        register_assessment_tab()

        from sagsbro.clinical.worklist import register_late_appointment_awaiting

        register_late_appointment_awaiting()

        from sagsbro.clinical.services.slot_release import register_slot_release

        register_slot_release()

        from sagsbro.clinical.services.referral_receipt import register_referral_receipt

        register_referral_receipt()
