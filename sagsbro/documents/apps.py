from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "sagsbro.documents"
    verbose_name = "Dokumenter"
