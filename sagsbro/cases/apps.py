from django.apps import AppConfig
from django.core import checks


class CasesConfig(AppConfig):
    name = "sagsbro.cases"
    verbose_name = "Sager"

    def ready(self) -> None:
        from sagsbro.cases.case_transitions import register_case_transitions
        from sagsbro.cases.web.case_page import register_cases_tabs

        register_case_transitions()
        register_cases_tabs()
        checks.register(_check_every_transition_registered)


def _check_every_transition_registered(**kwargs: object) -> list[checks.CheckMessage]:
    """A transition in the rules without its registry entry would have no page and no API."""
    from sagsbro.cases.registry import unregistered_rules

    return [
        checks.Error(
            f"The transition {name!r} has a rule but no registry entry.",
            hint="Register it in the app's transitions module (see cases/registry.py).",
            id="cases.E001",
        )
        for name in unregistered_rules()
    ]
