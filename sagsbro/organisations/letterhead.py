"""The issuing organisation printed at the top of a generated document (`core.pdf.Issuer`):
the region's klinisk funktion for the coordinator's documents, the municipality for the
rehabilitation team's."""

from sagsbro.core.pdf import Issuer
from sagsbro.organisations.models import Municipality, Region


def region_issuer(region: Region, unit: str = "") -> Issuer:
    inbox = region.designated_inbox
    label = str(Region._meta.get_field("designated_inbox").verbose_name).capitalize()
    return Issuer(
        name=region.klinisk_funktion_name,
        unit=unit,
        contact=(f"{label}: {inbox}",) if inbox else (),
    )


def municipality_issuer(municipality: Municipality, unit: str = "") -> Issuer:
    return Issuer(name=municipality.name, unit=unit)
