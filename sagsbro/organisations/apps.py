from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "sagsbro.organisations"
    verbose_name = "Organisationer"
