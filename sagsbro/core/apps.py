from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sagsbro.core"
    verbose_name = "Fælles"

    def ready(self) -> None:
        from sagsbro.core import checks  # noqa: F401  (registers the system checks)
