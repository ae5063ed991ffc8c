from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sagsbro.cases"
    verbose_name = "Sager"
