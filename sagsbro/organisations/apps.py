from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "sagsbro.organisations"
    verbose_name = "Organisationer"

    def ready(self) -> None:
        from sagsbro.organisations import signin

        signin.connect_signals()
