"""The clinical app's transition inputs on the API (the names are the schema's components)."""

from rest_framework import serializers

from sagsbro.cases.api.serializers import DATE_ERRORS


class AppointmentSerializer(serializers.Serializer):
    appointment_date = serializers.DateField(error_messages=DATE_ERRORS)


class ConsultationSerializer(serializers.Serializer):
    consultation_date = serializers.DateField(required=False, error_messages=DATE_ERRORS)
