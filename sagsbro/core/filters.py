"""Filters shared by the API's lists."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

# The ids are 64-bit (BigAutoField): a larger number is no id, and the database would
# overflow comparing with it.
MAX_ID = 2**63 - 1
ID_MESSAGE = f"Angiv et id: et helt tal fra 1 til {MAX_ID}."


class IdField(forms.IntegerField):
    default_error_messages = {
        "invalid": ID_MESSAGE,
        "min_value": ID_MESSAGE,
        "max_value": ID_MESSAGE,
    }

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """Objects related to the object with this id. A plain number, never a lookup of the
    object itself: an id that does not exist and an id of another organisation's object
    both simply match nothing (a choice filter would answer 400 for the one and 200 for
    the other, telling which ids exist). An id out of range is a 400."""

    field_class = IdField
