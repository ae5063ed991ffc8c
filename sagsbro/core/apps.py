from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sagsbro.core"
    verbose_name = "Fælles"
