"""The clinical app's transition inputs on the API (the names are the schema's components)."""

from rest_framework import serializers

from sagsbro.cases.api.serializers import DATE_ERRORS
from sagsbro.clinical.rules.no_show import NO_SHOW_COMMENT_MAX_CHARS
from sagsbro.core.api import BoundedDateField


class AppointmentSerializer(serializers.Serializer):
    appointment_date = BoundedDateField(error_messages=DATE_ERRORS)


class AcceptLateAppointmentSerializer(serializers.Serializer):
    """The late day the caseworker accepts: the one klinisk funktion told them of."""

    appointment_date = BoundedDateField(error_messages=DATE_ERRORS)


class InviteSerializer(serializers.Serializer):
    """Inviting the citizen books a free slot of the case's specialist (its id: see
    ``GET /api/v1/consultation-slots/?specialist=…&free=true``)."""

    slot = serializers.IntegerField(
        min_value=1,
        error_messages={
            "required": "Vælg en tid i speciallægens kalender.",
            "invalid": "Angiv tiden med sit id.",
            "min_value": "Angiv tiden med sit id.",
        },
    )


class NoShowSerializer(serializers.Serializer):
    """The citizen did not come: an optional short practical note (no health information)."""

    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NO_SHOW_COMMENT_MAX_CHARS,
        error_messages={
            "max_length": f"Kommentaren må højst være {NO_SHOW_COMMENT_MAX_CHARS} tegn."
        },
    )


class ConsultationSerializer(serializers.Serializer):
    consultation_date = BoundedDateField(required=False, error_messages=DATE_ERRORS)
