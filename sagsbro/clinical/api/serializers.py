"""The clinical app's transition inputs on the API (the names are the schema's components)."""

from rest_framework import serializers

from sagsbro.cases.api.serializers import DATE_ERRORS
from sagsbro.core.api import BoundedDateField


class AppointmentSerializer(serializers.Serializer):
    appointment_date = BoundedDateField(error_messages=DATE_ERRORS)


class ConsultationSerializer(serializers.Serializer):
    consultation_date = BoundedDateField(required=False, error_messages=DATE_ERRORS)
