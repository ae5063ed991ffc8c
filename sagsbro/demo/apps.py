from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sagsbro.demo"
    verbose_name = "Demodata"
