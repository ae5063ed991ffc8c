"""The rehabiliteringsteam's meetings: the days a municipality's team meets, the cases booked
onto each day's agenda, who sat at the table, the structured indstilling written at the
meeting, and the follow-ups agreed there.

A case's `meeting_date` (cases app) is kept equal to the date of its active booking, so the
deadlines counted back from the meeting (cases/rules/deadlines.py) keep working unchanged.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sagsbro.meetings.rules.agenda import ItemKind
from sagsbro.meetings.rules.team import Area


def _choices(labels):
    return [(str(key), label) for key, label in labels.items()]


class MeetingSeries(models.Model):
    """A recurring meeting (e.g. every Tuesday 9-12) from which meeting days are made."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="meeting_series"
    )
    weekday = models.PositiveSmallIntegerField("ugedag")  # 0 = Monday, as date.weekday()
    # Every n-th week from first_date (1 = every week, 2 = every other week).
    every_weeks = models.PositiveSmallIntegerField("hver n'te uge", default=1)
    first_date = models.DateField("første dato")
    last_date = models.DateField("sidste dato")
    start_time = models.TimeField("starttid")
    end_time = models.TimeField("sluttid")
    place = models.CharField("sted", max_length=200, blank=True)
    virtual = models.BooleanField("virtuelt møde", default=False)
    capacity = models.PositiveSmallIntegerField("sager pr. mødedag", default=6)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["municipality", "weekday", "start_time"]
        verbose_name = "mødeserie"
        verbose_name_plural = "mødeserier"


class MeetingDay(models.Model):
    """One meeting of a municipality's rehabiliteringsteam (or a preparation consultation)."""

    class Kind(models.TextChoices):
        TEAM = "team", "Rehabiliteringsteam"
        PREPARATION = "preparation", "Forberedende konsultation"
        # The region's phone/video times for løbende sager (procedure Løbende sag).
        CONTACT = "contact", "Telefon- og videotider (løbende sager)"

    class State(models.TextChoices):
        PLANNED = "planned", "Planlagt"
        HELD = "held", "Holdt"
        CANCELLED = "cancelled", "Aflyst"

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="meeting_days"
    )
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="days"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEAM)
    date = models.DateField("dato")
    start_time = models.TimeField("starttid")
    end_time = models.TimeField("sluttid")
    place = models.CharField("sted", max_length=200, blank=True)
    virtual = models.BooleanField("virtuelt møde", default=False)
    capacity = models.PositiveSmallIntegerField("sager pr. mødedag", default=6)
    # A pre-meeting without the citizen before the first case (formøde), in minutes.
    pre_meeting_minutes = models.PositiveSmallIntegerField("formøde (minutter)", default=0)
    # The health coordinator the region provides for the day (BEK § 21, stk. 1).
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_days_as_coordinator",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLANNED)
    cancelled_reason = models.CharField("årsag til aflysning", max_length=300, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "start_time", "id"]
        verbose_name = "mødedag"
        verbose_name_plural = "mødedage"
        indexes = [
            models.Index(fields=["municipality", "date"]),
            models.Index(fields=["coordinator", "date"]),
            models.Index(fields=["state", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "date", "start_time"],
                name="meeting_day_once_per_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y} {self.start_time:%H.%M}"


class Booking(models.Model):
    """A case on a meeting day's agenda. A case has at most one active booking; moving it
    ends the old booking (state MOVED) and makes a new one, so the history stays."""

    class State(models.TextChoices):
        BOOKED = "booked", "Booket"
        MOVED = "moved", "Flyttet"
        CANCELLED = "cancelled", "Aflyst"
        HELD = "held", "Behandlet"

    class Screening(models.TextChoices):
        NONE = "", "Ikke screenet"
        CLARIFIED = "clarified", "Tilstrækkeligt belyst"
        POSTPONE = "postpone", "Anbefaler udsættelse"

    class Outcome(models.TextChoices):
        NONE = "", "Ikke behandlet"
        INDSTILLING = "indstilling", "Indstilling givet"
        ADVICE = "advice", "Rådgivning givet"
        POSTPONED = "postponed", "Udsat"
        NOT_TREATED = "not_treated", "Ikke behandlet"

    meeting = models.ForeignKey(MeetingDay, on_delete=models.PROTECT, related_name="bookings")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="bookings")
    kind = models.CharField(max_length=40, choices=_choices(ItemKind.labels()))
    # Order on the agenda and the slot's length; the start time is computed from these.
    position = models.PositiveSmallIntegerField(default=0)
    minutes = models.PositiveSmallIntegerField(default=45)
    state = models.CharField(max_length=20, choices=State.choices, default=State.BOOKED)
    screening = models.CharField(max_length=20, choices=Screening.choices, blank=True)
    # Why the coordinator recommends postponement (health text kept from logs).
    screening_reason = models.TextField(blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    citizen_present = models.BooleanField(null=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = "punkt på dagsordenen"
        verbose_name_plural = "punkter på dagsordenen"
        indexes = [
            models.Index(fields=["meeting", "state"]),
            models.Index(fields=["case", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(state="booked"),
                name="booking_one_active_per_case",
            ),
        ]


class Attendee(models.Model):
    """A member of the team at one meeting, with the area they represent (BEK § 9; the
    evaluation's composition), and the meeting roles chair and minute-taker."""

    meeting = models.ForeignKey(MeetingDay, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("navn", max_length=200)
    area = models.CharField("område", max_length=20, choices=_choices(Area.labels()))
    chair = models.BooleanField("mødeleder", default=False)
    minute_taker = models.BooleanField("referent", default=False)
    present = models.BooleanField("deltog", null=True)

    class Meta:
        ordering = ["meeting", "area", "name"]
        verbose_name = "deltager"
        verbose_name_plural = "deltagere"


class Indstilling(models.Model):
    """The team's indstilling as a structured record, written at the meeting (BEK § 8; the
    evaluation's minimum contents). Health text: never logged."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="indstilling")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="indstillinger")
    employment_goal = models.TextField("beskæftigelses- eller uddannelsesmål", blank=True)
    sub_goals = models.TextField("delmål", blank=True)
    main_efforts = models.TextField("hovedindsatser", blank=True)
    future_employment_areas = models.TextField("områder for fremtidig beskæftigelse", blank=True)
    mentor = models.TextField("mentor", blank=True)
    health_efforts = models.TextField("sundhedsindsatser", blank=True)
    social_efforts = models.TextField("sociale indsatser", blank=True)
    family_efforts = models.TextField("familieindsatser", blank=True)
    # Start, extent and duration of the efforts ("nu", "senere", hours a week, months).
    timing = models.TextField("tidsplan for indsatserne", blank=True)
    coordinator_advice = models.TextField("sundhedskoordinatorens rådgivning", blank=True)
    citizen_view = models.TextField("borgerens egen vurdering", blank=True)
    # Bumped on each save: the projector view polls it and reloads its fragment on a change.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "indstilling"
        verbose_name_plural = "indstillinger"
        indexes = [models.Index(fields=["case"])]


class FollowUp(models.Model):
    """A follow-up agreed at the meeting (e.g. the coordinator contacts the GP by a date,
    O-55): on its owner's worklist until done."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="follow_ups")
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_follow_ups"
    )
    text = models.CharField("opgave", max_length=300)
    due = models.DateField("frist")
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = "opfølgning"
        verbose_name_plural = "opfølgninger"
        indexes = [models.Index(fields=["owner", "done_at", "due"])]


class ForloebFollowUp(models.Model):
    """The ressourceforløb's follow-up on a case about ressourceforløb (procedure 002; O-57):
    when the forløb began and when its first effort started. 6 months after the start without
    a started effort the case is due for genforelæggelse (rules/followup.py)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="forloeb_follow_up"
    )
    started_on = models.DateField("ressourceforløbet begyndte")
    first_effort_started_on = models.DateField("første indsats startede", null=True, blank=True)
    # The last day the first effort may start (started_on + 6 months), kept for the worklist's
    # query; set by the service from rules/followup.py.
    effort_deadline = models.DateField("seneste start for første indsats")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "opfølgning på ressourceforløb"
        verbose_name_plural = "opfølgninger på ressourceforløb"
        indexes = [models.Index(fields=["effort_deadline"])]
