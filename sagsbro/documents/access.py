"""Which documents a role may add (each party adds what it is responsible for; the
municipality never adds the region's documents). Whether the user may add documents to a
case at all is ``cases.access.may_add_documents``."""

from __future__ import annotations

from sagsbro.documents.rules import Category
from sagsbro.organisations.roles import MUNICIPAL_ROLES

# The region's documents: the specialist's certificates and the coordinator's written answer.
REGIONAL_CATEGORIES = frozenset(
    {Category.LAE_275, Category.WRITTEN_ANSWER, Category.SPECIALIST_CERTIFICATE}
)


def may_add_category(role: str, category: str) -> bool:
    """The role may add a document of this category."""
    return not (role in MUNICIPAL_ROLES and category in REGIONAL_CATEGORIES)
