"""Klinisk funktion: referrals (LÆ 271), specialists and their consultation slots, the
consultation, investigations and record requests, the structured certificate (LÆ 275), and
what the assessments cost (BEK §§ 12-15, 18 and 23).

Workflow logic lives in `rules/` (plain Python) and `services/` (the only writers). Health text
(questions, notes, certificate sections) is never logged.
"""

from django.conf import settings
from django.db import models

from sagsbro.cases.models import Advice, Case, Consent
from sagsbro.organisations.models import Region


class Specialty(models.Model):
    """A medical specialty the klinisk funktion assesses in (psychology only as a specialist
    certificate, O-03)."""

    code = models.SlugField("kode", max_length=40, unique=True)
    name = models.CharField("navn", max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = "speciale"
        verbose_name_plural = "specialer"

    def __str__(self) -> str:
        return self.name


class SpecialistProfile(models.Model):
    """A clinical specialist's specialties (the user carries role and region)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="specialist_profile"
    )
    specialties = models.ManyToManyField(Specialty, related_name="specialists", blank=True)

    class Meta:
        verbose_name = "speciallægeprofil"
        verbose_name_plural = "speciallægeprofiler"

    def __str__(self) -> str:
        return str(self.user)


class ConsultationPlace(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="consultation_places")
    name = models.CharField("navn", max_length=150)
    address = models.CharField("adresse", max_length=250)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "konsultationssted"
        verbose_name_plural = "konsultationssteder"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="consultation_place_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ConsultationSlot(models.Model):
    """A time in a specialist's calendar; booked when it carries a case (one slot per case)."""

    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_slots"
    )
    place = models.ForeignKey(ConsultationPlace, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField("starter")
    minutes = models.PositiveSmallIntegerField("varighed (minutter)", default=60)
    case = models.OneToOneField(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_slot",
        verbose_name="booket til",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = "konsultationstid"
        verbose_name_plural = "konsultationstider"
        # The unique constraint's index serves a specialist's calendar; this one the region's
        # coming times (the calendar page and the API list, from now on).
        indexes = [models.Index(fields=["starts_at", "id"], name="consultation_slot_start")]
        constraints = [
            models.UniqueConstraint(
                fields=["specialist", "starts_at"], name="consultation_slot_unique_start"
            )
        ]


class Referral(models.Model):
    """LÆ 271 (henvisning): the municipality's request for a clinical assessment, made from an
    originating case and the recommendation it rests on (linked, not retyped)."""

    class OriginKind(models.TextChoices):
        SCREENING = "screening", "Screeningstilbagemelding"
        WRITTEN_ADVICE = "written_advice", "Skriftlig rådgivning"
        MEETING_ADVICE = "meeting_advice", "Rådgivning på rehabiliteringsteamets møde"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="referral")
    origin_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals_made")
    origin_kind = models.CharField("anbefalingen stammer fra", max_length=20, choices=OriginKind)
    origin_advice = models.ForeignKey(
        Advice, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    # Health text; never logged.
    question = models.TextField("spørgsmål til klinisk funktion")
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="referrals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField("modtaget i regionen", null=True, blank=True)
    # The earlier certificate whose further assessments (BEK § 14 stk. 2) this referral asks
    # for: its certificate must then give one overall assessment (§ 14 stk. 3).
    follows_certificate = models.ForeignKey(
        "Certificate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_referrals",
        verbose_name="yderligere vurdering efter attest",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "henvisning (LÆ 271)"
        verbose_name_plural = "henvisninger (LÆ 271)"
        indexes = [models.Index(fields=["received_at", "id"])]


class ConsultationRecord(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="consultation_record")
    held_on = models.DateField("afholdt den")
    note = models.TextField("notat", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "konsultation"
        verbose_name_plural = "konsultationer"


class Investigation(models.Model):
    """An investigation ordered as part of the assessment (BEK § 13 stk. 2)."""

    class Kind(models.TextChoices):
        IMAGING = "imaging", "Billeddiagnostik"
        BLOOD_TEST = "blood_test", "Blodprøver"
        FUNCTION_TEST = "function_test", "Funktionsundersøgelse"
        OTHER = "other", "Anden undersøgelse"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="investigations")
    kind = models.CharField("type", max_length=20, choices=Kind)
    description = models.TextField("beskrivelse", blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField(auto_now_add=True)
    done_on = models.DateField("udført den", null=True, blank=True)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_covered = models.BooleanField("dækket af samtykke", default=False)

    class Meta:
        ordering = ["ordered_at", "id"]
        verbose_name = "undersøgelse"
        verbose_name_plural = "undersøgelser"


class RecordRequest(models.Model):
    """A request for hospital or specialist records (BEK § 15 stk. 1)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="record_requests")
    source = models.CharField("indhentes fra", max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField("modtaget", null=True, blank=True)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_covered = models.BooleanField("dækket af samtykke", default=False)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = "journalindhentning"
        verbose_name_plural = "journalindhentninger"


class Certificate(models.Model):
    """LÆ 275 (speciallægeattest) as structured sections (BEK § 14)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Kladde"
        SIGNED = "signed", "Underskrevet"
        DELIVERED = "delivered", "Leveret"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="certificates")
    status = models.CharField("status", max_length=20, choices=Status, default=Status.DRAFT)
    # Health text; never logged.
    functional_capacity = models.TextField("funktionsevne", blank=True)
    health = models.TextField("helbredsforhold", blank=True)
    citizen_view = models.TextField("borgerens opfattelse", blank=True)
    doctor_view = models.TextField("lægens vurdering", blank=True)
    other_factors = models.TextField("andre forhold for arbejde eller uddannelse", blank=True)
    further_assessment_needed = models.BooleanField("behov for yderligere udredning", default=False)
    further_assessment = models.TextField("yderligere udredning", blank=True)
    further_price = models.DecimalField(
        "pris for yderligere udredning", max_digits=10, decimal_places=2, null=True, blank=True
    )
    further_time_frame = models.CharField("tidsramme", max_length=200, blank=True)
    is_overall = models.BooleanField("samlet vurdering", default=False)
    overall_assessment = models.TextField("samlet vurdering", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The signed PDF until delivery; it becomes the case's document only at delivery, so the
    # municipality and the GP's copy get it at the same moment (BEK § 15 stk. 2).
    pdf = models.ForeignKey(
        "documents.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf_pages = models.PositiveIntegerField("sider", null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "speciallægeattest (LÆ 275)"
        verbose_name_plural = "speciallægeattester (LÆ 275)"


class AssessmentCost(models.Model):
    """What one assessment cost the region (BEK § 18), own or bought outside."""

    class Kind(models.TextChoices):
        OWN = "own", "Egen udredning"
        BOUGHT = "bought", "Købt attest"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessment_costs")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="assessment_costs")
    kind = models.CharField("type", max_length=20, choices=Kind)
    amount = models.DecimalField("beløb (kr.)", max_digits=10, decimal_places=2)
    incurred_on = models.DateField("afholdt den")
    description = models.CharField("beskrivelse", max_length=250, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incurred_on", "id"]
        verbose_name = "udredningsudgift"
        verbose_name_plural = "udredningsudgifter"
        indexes = [
            models.Index(fields=["region", "incurred_on"]),
            # The price page's latest costs of the region.
            models.Index(fields=["region", "-recorded_at", "-id"], name="assessment_cost_newest"),
        ]


class PriceIndex(models.Model):
    """The yearly price index for the § 18 stk. 2 cap (2011 = 100.00). One national table: the
    cap follows the national price development of medical certificates, so no region sets the
    figure its own average is held against; the national administrator keeps it."""

    year = models.PositiveSmallIntegerField("år", unique=True)
    index = models.DecimalField("indeks (2011 = 100)", max_digits=7, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "prisindeks"
        verbose_name_plural = "prisindeks"
