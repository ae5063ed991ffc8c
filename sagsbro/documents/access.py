"""Which documents a role may add (each party adds what it is responsible for: the
municipality never adds the region's documents, the region never the municipality's; the rule
is ``documents.rules.UPLOADING_SIDES``). Whether the user may add documents to a case at all
is ``cases.access.may_add_documents``."""

from __future__ import annotations

from typing import Protocol

from sagsbro.documents.rules import Category, Side, side_may_upload, upload_refusal
from sagsbro.organisations.roles import MUNICIPAL_ROLES, REGIONAL_ROLES


def side_of(role: str) -> Side | None:
    """The party a role works for; None for the GP and the administrator."""
    if role in MUNICIPAL_ROLES:
        return Side.MUNICIPALITY
    if role in REGIONAL_ROLES:
        return Side.REGION
    return None


def may_add_category(role: str, category: str) -> bool:
    """The role may add a document of this category."""
    side = side_of(role)
    return side is not None and side_may_upload(side, category)


def category_refusal(role: str, category: str) -> str:
    """The Danish reason the role may not add a document of this category."""
    side = side_of(role)
    if side is None or category not in set(Category):
        return "Din rolle må ikke tilføje denne type dokument."
    return upload_refusal(side, Category(category))


class OrganisationMember(Protocol):
    """What deciding "the same organisation" needs of a user."""

    municipality_id: int | None
    region_id: int | None


def same_organisation(user: OrganisationMember, uploader: OrganisationMember) -> bool:
    """The user works in the organisation whose user attached the document (its side of the
    case). A GP belongs to none, so is always the other side."""
    if user.municipality_id is not None:
        return user.municipality_id == uploader.municipality_id
    if user.region_id is not None:
        return user.region_id == uploader.region_id
    return False
