"""The price of assessments on the API (BEK § 18): costs, the price index, the average."""

from typing import Any

from rest_framework import serializers

from sagsbro.cases.api.serializers import DATE_ERRORS
from sagsbro.clinical.models import AssessmentCost, PriceIndex
from sagsbro.clinical.rules import prices as price_rules
from sagsbro.core.api import BoundedDateField

_AMOUNT_ERRORS: dict[str, Any] = {
    "invalid": "Angiv beløbet som et tal, fx 14000.00.",
    "required": "Angiv beløbet.",
    "null": "Angiv beløbet.",
    "max_digits": "Beløbet er for stort.",
    "max_decimal_places": "Beløbet kan højst have to decimaler.",
    "max_whole_digits": "Beløbet er for stort.",
    "max_string_length": "Beløbet er for langt.",
}


class AssessmentCostSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = AssessmentCost
        fields = [
            "id",
            "case",
            "case_reference",
            "region",
            "kind",
            "kind_label",
            "amount",
            "incurred_on",
            "description",
            "recorded_at",
        ]
        read_only_fields = fields


class AssessmentCostWriteSerializer(serializers.Serializer):
    case = serializers.IntegerField(
        min_value=1,
        error_messages={"required": "Angiv sagen.", "invalid": "Angiv sagens id som et tal."},
    )
    kind = serializers.ChoiceField(
        choices=AssessmentCost.Kind.choices,
        error_messages={
            "required": "Angiv typen.",
            "invalid_choice": "Vælg egen udredning (own) eller købt attest (bought).",
        },
    )
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, error_messages=_AMOUNT_ERRORS
    )
    incurred_on = BoundedDateField(error_messages=DATE_ERRORS)
    description = serializers.CharField(
        max_length=250,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"max_length": "Beskrivelsen må højst have 250 tegn."},
    )


class PriceIndexSerializer(serializers.ModelSerializer):
    """One year of the national price index (BEK § 18, stk. 2)."""

    class Meta:
        model = PriceIndex
        fields = ["year", "index", "set_at"]
        read_only_fields = fields


class PriceIndexWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=price_rules.BASE_YEAR,
        max_value=price_rules.LAST_YEAR,
        error_messages={
            "required": "Angiv året.",
            "invalid": "Angiv året som et helt tal.",
            "min_value": "Året skal ligge mellem 2011 og 2100.",
            "max_value": "Året skal ligge mellem 2011 og 2100.",
        },
    )
    index = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        error_messages={
            **_AMOUNT_ERRORS,
            "invalid": "Angiv indekset som et tal, fx 128.40.",
            "required": "Angiv indekset.",
            "null": "Angiv indekset.",
            "max_decimal_places": "Indekset kan højst have to decimaler.",
            "max_digits": "Indekset er for stort.",
            "max_whole_digits": "Indekset er for stort.",
        },
    )


class PriceFigureSerializer(serializers.Serializer):
    """The average price per case of the caller's region in one year (BEK § 18, stk. 2)."""

    region = serializers.IntegerField(source="region_id")
    year = serializers.IntegerField()
    cases = serializers.IntegerField()
    total_recorded = serializers.DecimalField(max_digits=14, decimal_places=2)
    level = serializers.ChoiceField(choices=[str(level) for level in price_rules.Level])
    level_label = serializers.SerializerMethodField()
    average_2011 = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    average_year_prices = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    cap_year_prices = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    percent_of_cap = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    missing_years = serializers.ListField(child=serializers.IntegerField())

    def get_level_label(self, figure: price_rules.PriceFigure) -> str:
        return price_rules.LEVEL_LABELS[figure.level]


class AgreedPriceFigureSerializer(serializers.Serializer):
    """The average price per case of one municipality's cases under one agreed price, counted
    in one year, in the amounts recorded (BEK § 18, stk. 1)."""

    region = serializers.IntegerField(source="region_id")
    municipality = serializers.IntegerField(source="municipality_id")
    municipality_name = serializers.SerializerMethodField()
    year = serializers.IntegerField()
    agreed_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    cases = serializers.IntegerField()
    total_recorded = serializers.DecimalField(max_digits=14, decimal_places=2)
    average = serializers.DecimalField(max_digits=12, decimal_places=2)
    percent_of_agreed = serializers.DecimalField(max_digits=7, decimal_places=1)
    level = serializers.ChoiceField(choices=[str(level) for level in price_rules.Level])
    level_label = serializers.SerializerMethodField()

    def get_municipality_name(self, figure: price_rules.AgreedPriceFigure) -> str:
        return str(self.context.get("names", {}).get(figure.municipality_id, ""))

    def get_level_label(self, figure: price_rules.AgreedPriceFigure) -> str:
        return price_rules.AGREED_LEVEL_LABELS[figure.level]
