"""The meetings app's transition inputs on the API (the names are the schema's components)."""

from rest_framework import serializers

from sagsbro.cases.api.serializers import DATE_ERRORS
from sagsbro.core.api import BoundedDateField


class MeetingDateSerializer(serializers.Serializer):
    meeting_date = BoundedDateField(error_messages=DATE_ERRORS)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ScreeningSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=20000,
        error_messages={"required": "Skriv tilbagemeldingen.", "blank": "Skriv tilbagemeldingen."},
    )
    medically_clarified = serializers.BooleanField(
        error_messages={"required": "Angiv, om sagen er lægefagligt tilstrækkeligt belyst."}
    )
    treatment_exhausted = serializers.BooleanField(required=False, allow_null=True, default=None)
