from rest_framework import serializers

from sagsbro.organisations.models import (
    Citizen,
    CollaborationAgreement,
    Municipality,
    Region,
    User,
)
from sagsbro.organisations.roles import Role


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "inhabitants", "klinisk_funktion_name", "designated_inbox"]


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "code", "name", "region"]


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["id", "name", "role", "title"]


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "title", "municipality", "region"]


class CitizenSerializer(serializers.ModelSerializer):
    cpr = serializers.CharField(
        max_length=11,
        error_messages={"required": "Angiv CPR-nummer.", "blank": "Angiv CPR-nummer."},
    )
    name = serializers.CharField(
        max_length=200, error_messages={"required": "Angiv navn.", "blank": "Angiv navn."}
    )
    general_practitioner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.GENERAL_PRACTITIONER),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "Den praktiserende læge findes ikke."},
    )

    class Meta:
        model = Citizen
        fields = [
            "id",
            "cpr",
            "birth_date",
            "name",
            "municipality",
            "general_practitioner",
            "has_children",
            "under_30_without_education",
        ]
        read_only_fields = ["birth_date", "municipality"]
        # Uniqueness is checked by the service, with a Danish message.
        validators: list = []


class TreatmentRelationSerializer(serializers.Serializer):
    citizen = serializers.IntegerField()
    doctor = serializers.IntegerField()
    kind = serializers.ChoiceField(
        choices=["current_gp", "former_gp", "treating", "former_treating"],
        error_messages={"invalid_choice": "Ukendt relation."},
    )


class AgreementRuleSerializer(serializers.Serializer):
    """One deadline of a collaboration agreement (BEK § 20); checked by the service."""

    subtype = serializers.CharField(max_length=40, error_messages={"blank": "Angiv undertype."})
    kind = serializers.CharField(max_length=40, error_messages={"blank": "Angiv frist."})
    count = serializers.IntegerField(
        error_messages={"invalid": "Antallet skal være et helt tal.", "required": "Angiv antal."}
    )
    unit = serializers.CharField(max_length=20, error_messages={"blank": "Angiv enhed."})
    # DRF moves declared fields off the class, so this does not shadow Field.source.
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=150, error_messages={"blank": "Angiv kilden til fristen."}
    )


class AgreementSerializer(serializers.ModelSerializer):
    municipality = MunicipalitySerializer(read_only=True)
    region = serializers.CharField(source="region.name", read_only=True)
    rules = AgreementRuleSerializer(source="deadline_rules", many=True, read_only=True)

    class Meta:
        model = CollaborationAgreement
        fields = [
            "id",
            "region",
            "municipality",
            "valid_from",
            "valid_to",
            "expected_cases_per_year",
            "notice_months",
            "page_budget",
            "certificate_price",
            "municipality_requests_status",
            "rules",
        ]


class AgreementWriteSerializer(serializers.Serializer):
    """The agreement's deadlines with a municipality as they shall be from tomorrow."""

    municipality = serializers.IntegerField(error_messages={"required": "Angiv kommunen."})
    expected_cases_per_year = serializers.IntegerField(required=False, min_value=0)
    notice_months = serializers.IntegerField(required=False, min_value=0)
    # The pages a case may fill before it warns (1-2000; the service checks the same).
    page_budget = serializers.IntegerField(required=False, min_value=1, max_value=2000)
    # The price agreed for a specialist certificate (BEK § 18, stk. 1); null: none agreed, so
    # the § 18 stk. 2 cap applies; left out: as the version it is based on.
    certificate_price = serializers.DecimalField(
        required=False,
        allow_null=True,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": "Angiv prisen som et tal, fx 15000.00.",
            "max_digits": "Prisen er for stor.",
            "max_whole_digits": "Prisen er for stor.",
            "max_decimal_places": "Prisen kan højst have to decimaler.",
        },
    )
    # BEK § 3 stk. 2: the municipality obtains records and status on klinisk funktion's behalf;
    # left out: as the version it is based on.
    municipality_requests_status = serializers.BooleanField(required=False)
    rules = AgreementRuleSerializer(many=True)
