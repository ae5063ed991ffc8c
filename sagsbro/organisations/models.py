"""Regions, municipalities, people and citizens, and the agreements between them."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper

from sagsbro.organisations.roles import (
    MUNICIPAL_ROLES,
    ORGANISATION_STAFF_ROLES,
    REGIONAL_ROLES,
    ROLE_CHOICES,
    Role,
)


class Region(models.Model):
    """One of the five regions; each runs a klinisk funktion (the regional health unit)."""

    code = models.CharField("regionskode", max_length=4, unique=True)
    name = models.CharField("navn", max_length=100, unique=True)
    inhabitants = models.PositiveIntegerField("indbyggere")
    klinisk_funktion_name = models.CharField("klinisk funktion", max_length=150)
    # §24: deadlines hold only when cases arrive in the region's designated electronic inbox.
    designated_inbox = models.CharField("udpeget postkasse", max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = "region"
        verbose_name_plural = "regioner"

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField("kommunekode", max_length=3, unique=True)
    name = models.CharField("navn", max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")

    class Meta:
        ordering = ["name"]
        verbose_name = "kommune"
        verbose_name_plural = "kommuner"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Belongs to one municipality or one region (or neither, for GPs)."""

    role = models.CharField("rolle", max_length=32, choices=ROLE_CHOICES)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    title = models.CharField("stillingsbetegnelse", max_length=100, blank=True)
    # Ydernummer for a general practice; lets messages reach the GP's system.
    provider_number = models.CharField("ydernummer", max_length=10, blank=True)
    # Autorisations-ID (Styrelsen for Patientsikkerhed): one doctor may have several accounts,
    # and the conflict-of-interest rule compares people by this, not by account.
    authorisation_id = models.CharField("autorisations-ID", max_length=10, blank=True)

    class Meta:
        verbose_name = "bruger"
        verbose_name_plural = "brugere"
        constraints = [
            models.CheckConstraint(
                name="user_belongs_to_at_most_one_organisation",
                condition=models.Q(municipality__isnull=True) | models.Q(region__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_municipal(self) -> bool:
        return self.role in MUNICIPAL_ROLES

    @property
    def is_regional(self) -> bool:
        return self.role in REGIONAL_ROLES

    @property
    def is_organisation_staff(self) -> bool:
        """Works in a municipality or a region (every role but the GP)."""
        return self.role in ORGANISATION_STAFF_ROLES

    @property
    def organisation_name(self) -> str:
        if self.municipality_id:
            return str(self.municipality)
        if self.region_id and self.region is not None:
            return self.region.klinisk_funktion_name
        return ""


class Citizen(models.Model):
    """A citizen (borger) whose case is treated. Belongs to the municipality that owns it."""

    cpr = models.CharField("CPR-nummer", max_length=10)
    birth_date = models.DateField("fødselsdato")
    name = models.CharField("navn", max_length=200)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="citizens"
    )
    general_practitioner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patients",
        limit_choices_to={"role": Role.GENERAL_PRACTITIONER},
        verbose_name="praktiserende læge",
    )
    # Both decide the rehabilitation team's composition (education member, family member).
    has_children = models.BooleanField("har børn", default=False)
    under_30_without_education = models.BooleanField(
        "under 30 år uden erhvervskompetencegivende uddannelse", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "borger"
        verbose_name_plural = "borgere"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "cpr"], name="citizen_unique_cpr"),
        ]
        indexes = [
            # The name search on Opret sag (name__istartswith, i.e. UPPER(name) LIKE 'X%')
            # within the municipality; on PostgreSQL created with text_pattern_ops (see
            # migration 0002), which LIKE needs under any collation other than C.
            models.Index(F("municipality"), Upper("name"), name="citizen_name_search"),
        ]

    def __str__(self) -> str:
        return self.name


class TreatmentRelation(models.Model):
    """A doctor who is or was the citizen's GP or treating doctor (§12 stk. 2)."""

    class Kind(models.TextChoices):
        CURRENT_GP = "current_gp", "Nuværende praktiserende læge"
        FORMER_GP = "former_gp", "Tidligere praktiserende læge"
        TREATING = "treating", "Behandlende læge"
        FORMER_TREATING = "former_treating", "Tidligere behandlende læge"

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="treatment_relations"
    )
    doctor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="treatment_relations")
    kind = models.CharField("relation", max_length=20, choices=Kind.choices)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "doctor", "kind"], name="treatment_relation_unique"
            ),
        ]


class CollaborationAgreement(models.Model):
    """Samarbejdsaftale between a region and a municipality (BEK §16)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="agreements")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="agreements"
    )
    valid_from = models.DateField("gyldig fra")
    valid_to = models.DateField("gyldig til", null=True, blank=True)
    expected_cases_per_year = models.PositiveIntegerField("forventet antal sager pr. år", default=0)
    notice_months = models.PositiveSmallIntegerField("opsigelsesvarsel (måneder)", default=9)
    # Pages a case's documents may fill before the case warns (Region Hovedstaden: 50);
    # the same default as documents.rules.DEFAULT_PAGE_BUDGET, used when there is no agreement.
    page_budget = models.PositiveIntegerField("sidegrænse pr. sag", default=50)
    # The municipality may obtain hospital records, status certificates and a psychologist's
    # status on klinisk funktion's behalf (BEK § 3 stk. 2); otherwise a psychologist's
    # assessment or status comes only through klinisk funktion (BEK § 1 stk. 5).
    municipality_requests_status = models.BooleanField(
        "kommunen rekvirerer journal, statusattest og status fra psykolog (BEK § 3, stk. 2)",
        default=False,
    )
    # The price agreed for a specialist certificate from klinisk funktion (BEK § 18 stk. 1);
    # empty: none agreed, and the average cap of § 18 stk. 2 applies.
    certificate_price = models.DecimalField(
        "aftalt pris pr. speciallægeattest (kr.)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "samarbejdsaftale"
        verbose_name_plural = "samarbejdsaftaler"

    def __str__(self) -> str:
        return f"{self.region} – {self.municipality} ({self.valid_from})"


class AgreementDeadlineRule(models.Model):
    """A deadline the agreement sets, replacing the executive order's fallback (BEK §20)."""

    agreement = models.ForeignKey(
        CollaborationAgreement, on_delete=models.CASCADE, related_name="deadline_rules"
    )
    subtype = models.CharField("undertype", max_length=40)
    kind = models.CharField("frist", max_length=40)
    count = models.PositiveSmallIntegerField("antal")
    unit = models.CharField("enhed", max_length=20)
    source = models.CharField("kilde", max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "subtype", "kind"], name="agreement_rule_unique"
            ),
        ]


class IdempotencyRecord(models.Model):
    """The answer to an API create request sent with an ``Idempotency-Key`` header, so that a
    retry of it gets the same answer and creates nothing new
    (``organisations.api.idempotency``). Saved in the transaction that made the object, so a
    crash leaves neither. The key is kept only as its SHA-256; the body is what the user
    already received, and records are deleted after ``IDEMPOTENCY_KEY_TTL``
    (``manage.py purge_idempotency_records``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key_hash"], name="idempotency_key_per_user"),
        ]
