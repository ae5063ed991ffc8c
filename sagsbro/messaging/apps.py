from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "sagsbro.messaging"
    verbose_name = "Udgående breve"
