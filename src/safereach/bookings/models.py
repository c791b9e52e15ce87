"""Schools' bookings, the visits they become, term dates, the addresses schools are known by, and
runs of the term planner."""

from datetime import date, time, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from safereach.accounts.models import Role


class LocalAuthorityDates(models.Model):
    """A span of days for one local authority's schools; blank `la_code` is the default for
    authorities that have not given their own dates."""

    la_code = models.CharField("local authority code", max_length=3, blank=True, db_index=True)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        abstract = True
        ordering = ["la_code", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="%(class)s_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.la_code or 'default'})"


class Term(LocalAuthorityDates):
    """A school term for one local authority."""

    name = models.CharField(max_length=60, help_text="For example, Spring term 2027.")

    class Meta(LocalAuthorityDates.Meta):
        pass


class Closure(LocalAuthorityDates):
    """Days within a term when schools of a local authority are shut: half term, training days."""

    name = models.CharField(max_length=60, help_text="For example, February half term.")

    class Meta(LocalAuthorityDates.Meta):
        pass


class KnownAddress(models.Model):
    """An email domain a school is known by, or one contact a coordinator has verified.

    A booking from an address that matches is confirmed when the contact follows the link
    emailed to it; any other address waits for a coordinator's approval.
    """

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="known_addresses")
    domain = models.CharField(
        max_length=200, blank=True, help_text="The school's own email domain, e.g. oakfield.sch.uk"
    )
    email = models.EmailField(blank=True, help_text="A contact a coordinator has verified.")
    verified_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "known addresses"
        constraints = [
            models.CheckConstraint(
                condition=(Q(domain="") & ~Q(email="")) | (~Q(domain="") & Q(email="")),
                name="known_address_is_a_domain_or_an_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school.name}: {self.domain or self.email}"

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


def is_known_address(school, email: str) -> bool:
    email = email.strip().lower()
    domain = email.rpartition("@")[2]
    return KnownAddress.objects.filter(school=school).filter(Q(email=email) | Q(domain=domain)).exists()


class Booking(models.Model):
    """A school's request for one or more sessions, and what became of it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Choosing a time"
        HELD = "held", "Held: waiting for the school to confirm by email"
        AWAITING_APPROVAL = "awaiting_approval", "Held: waiting for a coordinator's approval"
        QUEUED = "queued", "In the coordinator's queue: no time fitted"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        RELEASED = "released", "Released: not confirmed in time"

    class PartOfDay(models.TextChoices):
        ANY = "any", "Any time in the school day"
        MORNING = "morning", "Morning"
        AFTERNOON = "afternoon", "Afternoon"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="bookings")
    sessions = models.ManyToManyField("catalogue.Session", related_name="bookings")
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_role = models.CharField(max_length=200, blank=True)
    dates_from = models.DateField()
    dates_to = models.DateField()
    more_dates = models.JSONField(
        default=list, blank=True, help_text="Other ranges of dates that suit, as [[from, to], …] ISO dates."
    )
    part_of_day = models.CharField(max_length=10, choices=PartOfDay.choices, default=PartOfDay.ANY)
    school_day_starts = models.TimeField(default=time(8, 45))
    school_day_ends = models.TimeField(default=time(15, 15))
    lunch_starts = models.TimeField(default=time(12, 0))
    pupils = models.PositiveIntegerField()
    year_groups = models.JSONField(default=list)
    access_needs = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    is_target = models.BooleanField(
        default=False, help_text="In the top tenth of the matrix for a session's programme."
    )
    is_invitation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    held_until = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(
        max_length=200, blank=True, help_text="Who confirmed: the contact by email, or a coordinator."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Booking {self.pk}: {self.school.name}"

    @property
    def date_ranges(self) -> list[tuple[date, date]]:
        ranges = [(self.dates_from, self.dates_to)]
        ranges += [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in self.more_dates or []]
        return ranges

    @property
    def dates_text(self) -> str:
        """The dates that suit, as people write them: 1 to 5 March 2027 and 15 to 19 March 2027."""
        return " and ".join(f"{a:%-d %B} to {b:%-d %B %Y}" for a, b in self.date_ranges)

    @property
    def reference(self) -> str:
        return f"SR-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status not in {self.Status.CANCELLED, self.Status.RELEASED}

    def live_visits(self):
        return self.visits.filter(status__in=Visit.LIVE).select_related(
            "session", "officer", "session__partner"
        )

    # A request past choosing that is still open: any session it asked for without a live
    # visit is waiting in the coordinator's queue.
    WAITING_FOR_COORDINATOR = [
        Status.QUEUED,
        Status.HELD,
        Status.AWAITING_APPROVAL,
        Status.CONFIRMED,
    ]

    def waiting_sessions(self):
        """The sessions asked for that no officer is booked for yet: the coordinator's to place."""
        if self.status not in self.WAITING_FOR_COORDINATOR:
            return self.sessions.none()
        booked = Visit.objects.filter(booking=self, status__in=Visit.LIVE).values("session_id")
        return self.sessions.exclude(pk__in=booked).select_related("partner")

    @staticmethod
    def has_waiting_session() -> Exists:
        """For filtering bookings: it asked for a session that has no live visit (yet)."""
        live = Visit.objects.filter(
            booking=OuterRef("booking"), session=OuterRef("session"), status__in=Visit.LIVE
        )
        return Exists(Booking.sessions.through.objects.filter(booking=OuterRef("pk")).filter(~Exists(live)))


class Visit(models.Model):
    """An officer at a school at a time: what a booking holds, and what the officer's diary is made of."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        RELEASED = "released", "Released"

    LIVE = [Status.HELD, Status.CONFIRMED]  # visits that take the officer's time

    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="visits"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="visits")
    session = models.ForeignKey("catalogue.Session", on_delete=models.PROTECT, related_name="visits")
    officer = models.ForeignKey("workforce.Officer", on_delete=models.PROTECT, related_name="visits")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    added_travel_minutes = models.FloatField(null=True, blank=True)
    is_fictional = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            # Belt and braces beside the officer lock in services: the database itself refuses
            # two live visits of one officer starting at the same moment.
            models.UniqueConstraint(
                fields=["officer", "starts_at"],
                condition=Q(status__in=["held", "confirmed"]),
                name="one_live_visit_per_officer_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="visit_ends_after_it_starts"
            ),
        ]
        indexes = [models.Index(fields=["officer", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.session} at {self.school.name}, {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at) / timedelta(minutes=1))


class ChangeEmail(models.Model):
    """Every email sent about a booking, so a coordinator can see what the school was told."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="emails")
    sent_at = models.DateTimeField(auto_now_add=True)
    to = models.CharField(max_length=500)
    subject = models.CharField(max_length=300)

    class Meta:
        ordering = ["-sent_at"]


class Invitation(models.Model):
    """An email inviting a target school that has not booked to book a programme's session."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="invitations")
    programme = models.CharField(max_length=40)
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]


class PlanRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PlanRunQuerySet":
        """Runs of the user's own agency; an administrator sees every agency's."""
        if user.has_role(Role.ADMINISTRATOR):
            return self
        return self.filter(agency_id=user.agency_id) if user.agency_id else self.filter(agency__isnull=True)


class PlanRun(models.Model):
    """One run of the term planner, asked for on the term plan page and carried out as a
    background task: what was asked, how far the planner has got, and the plan it made (or
    why it made none). Applying books the plan's visits, as a second background task on the
    same row; a run is applied at most once, and `applied` records what applying did."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        RUNNING = "running", "Planning"
        DONE = "done", "Plan ready"
        FAILED = "failed", "Failed"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        APPLY_STOPPED = "stopped", "Applying stopped"

    # A task that never starts, or whose process stops under it, writes nothing more: the run
    # is given up on after these, so no page waits for ever.
    NEVER_STARTED_AFTER = timedelta(hours=1)
    STOPPED_AFTER = timedelta(minutes=5)  # beyond the seconds asked for

    asked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_runs",
        help_text="Whose officers and requests are planned; blank for every agency's.",
    )
    first_day = models.DateField()
    last_day = models.DateField()
    seconds = models.PositiveIntegerField(help_text="How long the planner may search.")
    pinned = models.JSONField(
        default=dict, blank=True, help_text='Request key → [officer id, "YYYY-MM-DD", start minute].'
    )
    dropped = models.JSONField(default=list, blank=True, help_text="Request keys left out.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
    progress = models.FloatField(default=0.0)
    progress_text = models.CharField(max_length=200, blank=True)
    plan = models.JSONField(null=True, blank=True, help_text="What the planner proposed.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied = models.JSONField(
        null=True,
        blank=True,
        help_text="What applying did: the visits to book (total), the request keys booked, those "
        "not booked and why, and each booked request's school email address (emailed).",
    )

    objects = PlanRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1), name="plan_run_progress_is_a_fraction"
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="plan_run_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.first_day} to {self.last_day} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        """Whether the run's page has nothing more to wait for."""
        return self.state not in (self.State.WAITING, self.State.RUNNING, self.State.APPLYING)

    @property
    def percent(self) -> int:
        return int(round(self.progress * 100))

    def seconds_left(self, now=None) -> int | None:
        """About how long the planner has left: it searches for the seconds asked for."""
        if self.state != self.State.RUNNING or self.started_at is None:
            return None
        spent = ((now or timezone.now()) - self.started_at).total_seconds()
        return max(0, int(round(self.seconds - spent)))

    def pinned_positions(self) -> dict[str, tuple[int, date, int]]:
        return {
            key: (int(officer), date.fromisoformat(day), int(start))
            for key, (officer, day, start) in self.pinned.items()
        }

    # Each change below is one UPDATE of the fields it owns, guarded by the state it expects,
    # so the task, a page noticing a stalled run, and an apply never overwrite one another.

    def start(self) -> bool:
        """Claim a waiting run for the planner; False if it was already taken or given up on."""
        now = timezone.now()
        claimed = PlanRun.objects.filter(pk=self.pk, state=self.State.WAITING).update(
            state=self.State.RUNNING, started_at=now, updated_at=now
        )
        if claimed:
            self.state, self.started_at, self.updated_at = self.State.RUNNING, now, now
        return bool(claimed)

    def record_progress(self, fraction: float, text: str) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        PlanRun.objects.filter(pk=self.pk, state=self.State.RUNNING).update(
            progress=fraction, progress_text=text[:200], updated_at=timezone.now()
        )
        self.progress, self.progress_text = fraction, text[:200]

    def finish(self, plan: dict) -> None:
        now = timezone.now()
        # A run given up on whose planner finishes after all gets its plan; one that is (being)
        # applied keeps the plan it was applied from.
        PlanRun.objects.filter(
            pk=self.pk, state__in=[self.State.WAITING, self.State.RUNNING, self.State.FAILED]
        ).update(
            state=self.State.DONE,
            plan=plan,
            progress=1.0,
            progress_text="Plan ready",
            error="",
            finished_at=now,
            updated_at=now,
        )
        self.refresh_from_db()

    def fail(self, error: str) -> None:
        now = timezone.now()
        PlanRun.objects.filter(pk=self.pk, state__in=[self.State.WAITING, self.State.RUNNING]).update(
            state=self.State.FAILED, error=error, finished_at=now, updated_at=now
        )
        self.refresh_from_db()

    def give_up_if_stalled(self, now=None) -> None:
        """Fail a run whose task never started, or stopped without finishing (its process
        ended), with a message that says so."""
        now = now or timezone.now()
        if self.state == self.State.WAITING and now - self.created_at > self.NEVER_STARTED_AFTER:
            self.fail(
                "The planner never started. The background worker may not be running: "
                "tell your administrator."
            )
        elif (
            self.state == self.State.RUNNING
            and self.started_at is not None
            and now - self.started_at > timedelta(seconds=self.seconds) + self.STOPPED_AFTER
        ):
            self.fail("The planner stopped without finishing, perhaps because the server restarted.")
        elif self.state == self.State.APPLYING:
            self._give_up_applying_if_stalled(now)

    # Applying ----------------------------------------------------------------------------------
    # The Apply button claims a ready plan (DONE -> APPLYING) and queues the task; the task
    # begins by writing the record it keeps in `applied`, rewrites it inside each booking's own
    # transaction as it goes (so the record never says more or less than the diaries hold), and
    # ends APPLIED, or APPLY_STOPPED with the reason. Every write is guarded by APPLYING, so once
    # a run is given up on, its task's next write fails and it books no more.

    APPLYING_WAITS = "Waiting to start applying"

    def claim_for_applying(self, user) -> bool:
        """Mark a ready plan as being applied by `user`; False if it was applied already (or is
        not ready), so it is never applied twice."""
        now = timezone.now()
        claimed = PlanRun.objects.filter(pk=self.pk, state=self.State.DONE, applied_at__isnull=True).update(
            state=self.State.APPLYING,
            applied_at=now,
            applied_by=user,
            progress=0.0,
            progress_text=self.APPLYING_WAITS,
            updated_at=now,
        )
        self.refresh_from_db()
        return bool(claimed)

    def begin_applying(self, applied: dict) -> bool:
        """The applying task's start; False if a task began it already or it was given up on."""
        return self._record_applying(applied, applied__isnull=True)

    def record_applying(self, applied: dict) -> bool:
        """Write what applying has done so far; False if the run is no longer being applied."""
        return self._record_applying(applied)

    def finish_applying(self, applied: dict) -> None:
        now = timezone.now()
        PlanRun.objects.filter(pk=self.pk, state=self.State.APPLYING).update(
            state=self.State.APPLIED,
            applied=applied,
            progress=1.0,
            progress_text=self.applying_text(applied, done=True),
            updated_at=now,
        )
        self.refresh_from_db()

    def stop_applying(self, error: str, applied: dict | None = None, **only_if) -> bool:
        """Stop applying with `error`, keeping the record of what was done (the one given, or
        the last one written)."""
        values = {"state": self.State.APPLY_STOPPED, "error": error, "updated_at": timezone.now()}
        if applied is not None:
            values["applied"] = applied
        stopped = PlanRun.objects.filter(pk=self.pk, state=self.State.APPLYING, **only_if).update(**values)
        self.refresh_from_db()
        return bool(stopped)

    def _record_applying(self, applied: dict, **only_if) -> bool:
        fraction = 0.0
        if applied["total"]:
            fraction = min(1.0, (len(applied["booked"]) + len(applied["not_booked"])) / applied["total"])
        text = self.applying_text(applied)
        written = PlanRun.objects.filter(pk=self.pk, state=self.State.APPLYING, **only_if).update(
            applied=applied, progress=fraction, progress_text=text, updated_at=timezone.now()
        )
        if written:
            self.applied, self.progress, self.progress_text = applied, fraction, text
        return bool(written)

    @staticmethod
    def applying_text(applied: dict, done: bool = False) -> str:
        total = applied["total"]
        of = f"{len(applied['booked']):,} of {total:,} visit{'s' if total != 1 else ''} booked"
        return f"Applied: {of}" if done else f"Applying: {of}"

    def _give_up_applying_if_stalled(self, now) -> None:
        if self.applied is None:
            # Guarded by "not begun", so a task that begins at this moment wins or is refused.
            if self.applied_at is not None and now - self.applied_at > self.NEVER_STARTED_AFTER:
                self.stop_applying(
                    "Applying never started. The background worker may not be running: tell your "
                    "administrator. Nothing was booked.",
                    applied__isnull=True,
                )
        elif now - self.updated_at > self.STOPPED_AFTER:
            # Guarded by "nothing written since", so a task still at work is not cut off.
            self.stop_applying(
                "Applying stopped without finishing, perhaps because the server restarted.",
                updated_at=self.updated_at,
            )

    def applying_result(self) -> dict | None:
        """The plan's visits sorted by what applying did to them, for the run's page."""
        if self.applied is None or not self.plan:
            return None
        booked = set(self.applied["booked"])
        not_booked = self.applied["not_booked"]
        emailed = self.applied["emailed"]
        result = {"booked": [], "not_booked": [], "not_tried": [], "emails": len(emailed)}
        for visit in self.plan["visits"]:
            key = visit["request"]
            booking_id = key.split(":")[0]
            if key in booked:
                result["booked"].append({**visit, "emailed_to": emailed.get(booking_id, "")})
            elif key in not_booked:
                result["not_booked"].append({**visit, "reason": not_booked[key]})
            else:
                result["not_tried"].append(visit)
        result["not_emailed"] = sum(1 for v in result["booked"] if not v["emailed_to"])
        return result
