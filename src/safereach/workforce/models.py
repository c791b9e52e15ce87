"""Officers who deliver sessions, and the stations they work from."""

import secrets

from django.db import models

from safereach.accounts.models import Role


class Station(models.Model):
    """A fire or police station: where officers start and end their day."""

    class Service(models.TextChoices):
        FIRE = "fire", "Fire and rescue"
        POLICE = "police", "Police"
        OTHER = "other", "Other"

    service = models.CharField(max_length=10, choices=Service.choices)
    name = models.CharField(max_length=200)
    operator = models.CharField(max_length=200, blank=True,
                                help_text="The service that runs it, as the source names it.")
    operator_code = models.CharField(max_length=9, blank=True,
                                     help_text="ONS code of the fire and rescue authority or force.")
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    easting = models.FloatField()
    northing = models.FloatField()
    lon = models.FloatField()
    lat = models.FloatField()
    lsoa = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    is_fictional = models.BooleanField(default=False)
    dataset = models.ForeignKey("evidence.Dataset", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "name"], name="station_unique_per_operator")
        ]

    def __str__(self) -> str:
        return self.name


def new_calendar_token() -> str:
    """A random key for an officer's calendar feed: 32 bytes, URL-safe."""
    return secrets.token_urlsafe(32)


class Officer(models.Model):
    """An education officer of an agency, who delivers sessions in schools."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="officers")
    user = models.OneToOneField("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="officer")
    name = models.CharField(max_length=200)
    base = models.ForeignKey(Station, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="officers")
    working_days = models.CharField(max_length=7, default="12345",
                                    help_text="ISO weekdays worked, 1 = Monday.")
    day_starts = models.TimeField(default="08:30")
    day_ends = models.TimeField(default="16:30")
    max_visits_per_day = models.PositiveSmallIntegerField(default=3)
    sessions = models.ManyToManyField("catalogue.Session", blank=True, related_name="officers",
                                      help_text="The catalogue sessions this officer can deliver.")
    diary_version = models.PositiveIntegerField(
        default=0, editable=False,
        help_text="Raised by every booking change: the write makes two bookings of one officer "
                  "take turns, on SQLite and PostgreSQL alike.")
    calendar_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_calendar_token,
        editable=False,
        help_text="The key in the officer's private calendar feed address; resetting it "
        "makes the old address stop working.",
    )
    own_calendar_url = models.URLField(
        "own calendar address",
        max_length=2000,
        blank=True,
        help_text="An address where the officer's own calendar (Outlook, Google…) publishes free/busy "
        "or events as iCalendar (.ics). Busy times there are never offered to schools.",
    )
    own_calendar_read_at = models.DateTimeField(null=True, blank=True, editable=False)
    own_calendar_problem = models.CharField(max_length=300, blank=True, editable=False)
    is_fictional = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def works_on(self, day) -> bool:
        return str(day.isoweekday()) in self.working_days

    def diary_is_open_to(self, user) -> bool:
        """The officer themself, and coordinators of the officer's agency (administrators hold
        every role), may see the officer's week and act on its visits."""
        if self.user_id is not None and self.user_id == user.pk:
            return True
        return (
            user.has_role(Role.COORDINATOR)
            and user.agency_id is not None
            and user.agency_id == self.agency_id
        )

    def calendar_token_matches(self, token: str) -> bool:
        # Constant time, so the key cannot be guessed a character at a time; bytes, because
        # compare_digest refuses non-ASCII text and a URL can carry any.
        return bool(self.calendar_token) and secrets.compare_digest(
            self.calendar_token.encode(), token.encode()
        )

    def reset_calendar_token(self) -> None:
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])


class Leave(models.Model):
    """Days an officer is away (annual leave, training, sickness): never offered to schools."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="leave")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="Last day away, inclusive.")
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name_plural = "leave"
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="leave_ends_after_it_starts")]

    def __str__(self) -> str:
        return f"{self.officer}: {self.starts_on} to {self.ends_on}"


class BusyTime(models.Model):
    """A time the officer's own calendar shows them busy, as last read from it."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="busy_times")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["officer", "starts_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="busy_time_ends_after_it_starts")]

    def __str__(self) -> str:
        return f"{self.officer}: busy {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%H:%M}"
