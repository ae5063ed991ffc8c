from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sagsbro.audit"
    verbose_name = "Revisionslog"
