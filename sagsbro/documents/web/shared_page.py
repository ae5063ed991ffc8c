"""What a general practitioner's start page (the worklist) shows: the documents sent to them
(the team's indstilling, the specialist's certificate), newest first, one page at a time
(keyset pagination: a GP with years of documents reads one page of rows, and the total is
counted only up to a limit).

Read-only. The rows come from `Document.objects.visible_to(user)`, so a GP sees exactly the
documents shared with them and nothing else of the case; the page links to the document's
download, which checks access again and audits the download. The number of SQL queries does
not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from sagsbro.audit.services import Subject
from sagsbro.core.pagination import BoundedCount, KeysetPage, bounded_count, keyset_page
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.organisations.roles import Role

PAGE_SIZE = 25
# "Dokumenter sendt til dig (mere end 1.000)": the total is counted no further.
COUNT_LIMIT = 1000
# The worklist's own lists page with efter/foer; this section has its own cursor.
AFTER = "dok_efter"
BEFORE = "dok_foer"


@dataclass
class SharedDocuments:
    """A section of the GP's worklist (`core.worklist`)."""

    template_name: ClassVar[str] = "documents/_shared_documents.html"

    page: KeysetPage[DocumentShare]
    rows: list[DocumentShare]
    total: BoundedCount

    def audit_subjects(self) -> list[Subject]:
        return [
            Subject("document", row.document_id, row.document.case_id, row.document.case.citizen_id)
            for row in self.rows
        ]


def shared_documents(user, params: Mapping[str, str]) -> SharedDocuments | None:
    """The documents sent to the GP `user`, on the page `params` points at; None for every
    other role."""
    if user.role != Role.GENERAL_PRACTITIONER:
        return None
    shares = DocumentShare.objects.filter(
        recipient=user, document__in=Document.objects.visible_to(user)
    ).select_related("document", "document__case", "document__case__citizen")
    page = keyset_page(
        shares,
        ["-shared_at", "-id"],
        params,
        page_size=PAGE_SIZE,
        after_param=AFTER,
        before_param=BEFORE,
    )
    return SharedDocuments(page=page, rows=page.rows, total=bounded_count(shares, COUNT_LIMIT))


def worklist_section(user, params: Mapping[str, str]) -> SharedDocuments | None:
    """The worklist's section of shared documents, on the page the query asks for."""
    return shared_documents(user, params)
