"""The roles a person has in the collaboration, as plain Python.

One enum for the stored value (``User.role``), the workflow rules and the pages. No Django
import, so the ``rules`` modules can use it; the model field takes its choices from
:data:`ROLE_CHOICES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Role(StrEnum):
    CASEWORKER = "caseworker"
    TEAM_MEMBER = "team_member"
    SECRETARIAT = "secretariat"
    COORDINATOR = "coordinator"
    CLINICAL_SPECIALIST = "clinical_specialist"
    GENERAL_PRACTITIONER = "general_practitioner"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        """The Danish name shown on the pages."""
        return ROLE_LABELS[self]


ROLE_LABELS: Mapping[Role, str] = {
    Role.CASEWORKER: "Sagsbehandler",
    Role.TEAM_MEMBER: "Medlem af rehabiliteringsteam",
    Role.SECRETARIAT: "Sekretariat (klinisk funktion)",
    Role.COORDINATOR: "Sundhedskoordinator",
    Role.CLINICAL_SPECIALIST: "Speciallæge (klinisk funktion)",
    Role.GENERAL_PRACTITIONER: "Praktiserende læge",
    Role.ADMINISTRATOR: "Administrator",
}

ROLE_CHOICES: list[tuple[str, str]] = [(role.value, ROLE_LABELS[role]) for role in Role]

# Who works for a municipality and who for the region's klinisk funktion.
MUNICIPAL_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_MEMBER})
REGIONAL_ROLES = frozenset({Role.SECRETARIAT, Role.COORDINATOR, Role.CLINICAL_SPECIALIST})
# Who works in a municipality or a region, as against the GP outside both.
ORGANISATION_STAFF_ROLES = frozenset(Role) - {Role.GENERAL_PRACTITIONER}
