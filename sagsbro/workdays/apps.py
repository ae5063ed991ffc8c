from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "sagsbro.workdays"
    verbose_name = "Arbejdsdage"
