"""What a general practitioner's start page (the worklist) shows: the documents sent to them
(the team's indstilling, the specialist's certificate), newest first, one page at a time.

Read-only. The rows come from `Document.objects.visible_to(user)`, so a GP sees exactly the
documents shared with them and nothing else of the case; the page links to the document's
download, which checks access again and audits the download. The number of SQL queries does
not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from django.core.paginator import Page, Paginator

from sagsbro.audit.services import Subject
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.organisations.roles import Role

PAGE_SIZE = 25


@dataclass
class SharedDocuments:
    """A section of the GP's worklist (`core.worklist`)."""

    template_name: ClassVar[str] = "documents/_shared_documents.html"

    page: Page
    rows: list[DocumentShare]

    @property
    def total(self) -> int:
        return self.page.paginator.count

    def audit_subjects(self) -> list[Subject]:
        return [
            Subject("document", row.document_id, row.document.case_id, row.document.case.citizen_id)
            for row in self.rows
        ]


def shared_documents(user, page_number) -> SharedDocuments | None:
    """The documents sent to the GP `user`; None for every other role."""
    if user.role != Role.GENERAL_PRACTITIONER:
        return None
    shares = (
        DocumentShare.objects.filter(recipient=user, document__in=Document.objects.visible_to(user))
        .select_related("document", "document__case", "document__case__citizen")
        .order_by("-shared_at", "-id")
    )
    page = Paginator(shares, PAGE_SIZE).get_page(page_number)
    return SharedDocuments(page=page, rows=list(page.object_list))


def worklist_section(user, params: Mapping[str, str]) -> SharedDocuments | None:
    """The worklist's section of shared documents, on the page the query asks for ("side")."""
    return shared_documents(user, params.get("side"))
