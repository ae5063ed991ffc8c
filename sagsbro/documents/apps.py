from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "sagsbro.documents"
    verbose_name = "Dokumenter"

    def ready(self) -> None:
        from sagsbro.core.worklist import register_worklist_section
        from sagsbro.documents import scanning  # noqa: F401 - registers its system check
        from sagsbro.documents.web.shared_page import worklist_section

        # The GP's documents on the worklist page, which the cases app renders.
        register_worklist_section(worklist_section)
