"""Schools' bookings, the visits they become, term dates, and the addresses schools are known by."""

import uuid
from datetime import date, time, timedelta

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from safereach.routing.diary import SchoolDay


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


CANCEL_REASON_LENGTH = 500
MOST_SESSIONS_AT_ONCE = 10


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
    sessions_at_once = models.PositiveSmallIntegerField(
        default=1,
        help_text="How many sessions the school can host at the same time (halls, rooms).",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=200, blank=True)
    cancel_reason = models.CharField(max_length=CANCEL_REASON_LENGTH, blank=True)

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
        """The dates that suit, as people write them: 1 to 5 March 2027 and 15 to 19 March 2027;
        29 March to 2 April 2027; 21 December 2026 to 8 January 2027; 3 March 2027."""

        def span(a: date, b: date) -> str:
            if a == b:
                return f"{b:%-d %B %Y}"
            if (a.year, a.month) == (b.year, b.month):
                return f"{a:%-d} to {b:%-d %B %Y}"
            if a.year == b.year:
                return f"{a:%-d %B} to {b:%-d %B %Y}"
            return f"{a:%-d %B %Y} to {b:%-d %B %Y}"

        return " and ".join(span(a, b) for a, b in self.date_ranges)

    def school_day(self) -> SchoolDay:
        """The part of the school's day the sessions may take, and its lunch to keep clear
        (what the school already hosts each day is read by bookings.diary.read_school_day)."""

        def minutes(t: time) -> int:
            return t.hour * 60 + t.minute

        return SchoolDay.of(
            minutes(self.school_day_starts),
            minutes(self.school_day_ends),
            minutes(self.lunch_starts),
            self.part_of_day,
            self.sessions_at_once,
        )

    @property
    def reference(self) -> str:
        return f"SR-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status not in {self.Status.CANCELLED, self.Status.RELEASED}

    def has_begun(self, now=None) -> bool:
        """A visit of the booking has started (or been delivered): what happened is a record
        now, so the school's link no longer cancels or moves it."""
        return self.visits.filter(status__in=Visit.LIVE, starts_at__lte=now or timezone.now()).exists()

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

    # Changes of status ---------------------------------------------------------------------
    # Each is one UPDATE guarded by the statuses it expects (so two requests, the release task
    # and a coordinator never overwrite one another), answers whether it happened, and moves
    # the booking's visits with it in the same transaction. Nothing else sets `status`.

    OPEN = [Status.REQUESTED, *WAITING_FOR_COORDINATOR]
    HOLDING = [Status.HELD, Status.AWAITING_APPROVAL]

    def _change(self, expected, to, *, where: Q | None = None, **fields) -> bool:
        rows = Booking.objects.filter(where or Q(), pk=self.pk, status__in=expected)
        changed = rows.update(status=to, **fields)
        if changed:
            self.status = to
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(changed)

    def hold(self, until) -> bool:
        """The school chose its times from an address the school is known by: held until
        `until` for the contact to confirm by email."""
        return self._change([self.Status.REQUESTED], self.Status.HELD, held_until=until)

    def hold_for_approval(self, until) -> bool:
        """The school chose its times from an unknown address: held until `until` for a
        coordinator to approve."""
        return self._change([self.Status.REQUESTED], self.Status.AWAITING_APPROVAL, held_until=until)

    def send_to_queue(self) -> bool:
        """No time fitted any session: the coordinator finds one."""
        return self._change([self.Status.REQUESTED], self.Status.QUEUED)

    def ready_for_approval(self) -> bool:
        """A coordinator (or the term plan) has put every session in a diary: the booking waits
        for that coordinator's confirmation, whatever the hold's time was."""
        return self._change(self.OPEN, self.Status.AWAITING_APPROVAL, held_until=None)

    def confirm(self, by: str, now=None) -> bool:
        """Confirm a hold that has not run out, and its held visits; False when the booking is
        not (or no longer) held."""
        now = now or timezone.now()
        with transaction.atomic():
            unexpired = Q(held_until__isnull=True) | Q(held_until__gte=now)
            if not self._change(
                self.HOLDING,
                self.Status.CONFIRMED,
                where=unexpired,
                confirmed_at=now,
                confirmed_by=by[:200],
                held_until=None,
            ):
                return False
            for visit in self.visits.filter(status=Visit.Status.HELD).select_related("session"):
                visit.confirm(now)
        return True

    def cancel(self, now=None, *, by: str = "", reason: str = "") -> list["Visit"]:
        """Cancel an open booking and its live visits, keeping who cancelled and why; returns
        the visits cancelled (none if the booking was no longer open)."""
        now = now or timezone.now()
        if len(reason) > CANCEL_REASON_LENGTH:
            raise ValueError("a cancellation reason is checked by its form before it gets here")
        with transaction.atomic():
            if not self._change(
                self.OPEN,
                self.Status.CANCELLED,
                cancelled_at=now,
                cancelled_by=by[:200],
                cancel_reason=reason,
            ):
                return []
            # A visit that has taken place stays as it was, with its outcome.
            live = list(self.live_visits().filter(starts_at__gt=now))
            return [visit for visit in live if visit.cancel(now)]

    def release(self, now=None) -> bool:
        """Let go of a hold past its time, and its held visits."""
        now = now or timezone.now()
        with transaction.atomic():
            if not self._change(self.HOLDING, self.Status.RELEASED, where=Q(held_until__lt=now)):
                return False
            for visit in self.visits.filter(status=Visit.Status.HELD):
                visit.release(now)
            # A partner who approved its part of a joint booking ahead of the others
            # (services.approve_part): that part goes with the hold.
            for visit in self.visits.filter(status=Visit.Status.CONFIRMED).select_related("session"):
                visit.cancel(now)
        return True

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


class VisitQuerySet(models.QuerySet):
    def coming_up(self, school, now=None) -> "VisitQuerySet":
        """The school's visits still to come that take an officer's time."""
        return self.filter(school=school, status__in=Visit.LIVE, starts_at__gte=now or timezone.now())

    def hold(self, **fields) -> "Visit":
        """A new visit holding an officer's time until its booking is confirmed or let go."""
        return self.create(status=Visit.Status.HELD, **fields)

    def book(self, now=None, **fields) -> "Visit":
        """A new visit confirmed from the start (a diary entry made by staff, not a school's
        hold), and heard of by case systems as booked."""
        with transaction.atomic():
            visit = self.create(status=Visit.Status.CONFIRMED, **fields)
            VisitChange.record(visit, VisitChange.Kind.BOOKED, now)
        return visit


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

    objects = VisitQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.session} at {self.school.name}, {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at) / timedelta(minutes=1))

    @property
    def reference(self) -> str:
        """The job reference a case system knows the visit by."""
        return f"SRV-{self.pk:06d}"

    # Changes of status, each one guarded UPDATE (see Booking). A visit that was confirmed is a
    # job in the partners' case systems: its changes are written to the outbox (VisitChange)
    # in the same transaction, here and nowhere else.

    def _change(self, expected, now, **fields) -> str | None:
        """Lock the visit's row if its status is one expected, change it; returns the status
        it had, or None when it had another. Call inside a transaction."""
        rows = Visit.objects.select_for_update().filter(pk=self.pk, status__in=expected)
        was = rows.values_list("status", flat=True).first()
        if was is None:
            return None
        fields["updated_at"] = now
        rows.update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)
        self.status = fields.get("status", was)
        return was

    def confirm(self, now=None) -> bool:
        now = now or timezone.now()
        with transaction.atomic():
            if not self._change([self.Status.HELD], now, status=self.Status.CONFIRMED):
                return False
            VisitChange.record(self, VisitChange.Kind.BOOKED, now)
        return True

    def move(self, officer, starts_at, ends_at, added_travel_minutes=None, now=None) -> bool:
        """Another time, or another officer; a confirmed visit's case-system job moves too."""
        now = now or timezone.now()
        with transaction.atomic():
            was = self._change(
                self.LIVE,
                now,
                officer=officer,
                starts_at=starts_at,
                ends_at=ends_at,
                added_travel_minutes=added_travel_minutes,
            )
            if was == self.Status.CONFIRMED:
                VisitChange.record(self, VisitChange.Kind.MOVED, now)
        return was is not None

    def cancel(self, now=None) -> bool:
        now = now or timezone.now()
        with transaction.atomic():
            was = self._change(self.LIVE, now, status=self.Status.CANCELLED)
            if was == self.Status.CONFIRMED:
                VisitChange.record(self, VisitChange.Kind.CANCELLED, now)
        return was is not None

    def release(self, now=None) -> bool:
        """A held visit whose booking was never confirmed gives its time back."""
        with transaction.atomic():
            was = self._change([self.Status.HELD], now or timezone.now(), status=self.Status.RELEASED)
        return was is not None

    def outcome_recorded(self, delivered: bool, outcome: dict, now=None) -> None:
        """The officer recorded (or changed) what happened: case systems hear of it with the
        outcome as delivery describes it. Called inside the transaction that saves it."""
        kind = VisitChange.Kind.DELIVERED if delivered else VisitChange.Kind.NOT_DELIVERED
        VisitChange.record(self, kind, now, outcome=outcome)

    def as_job(self) -> dict:
        """The visit as a case system's job: what the export's row and a webhook's data share
        (delivery adds the outcome)."""
        school, session, booking = self.school, self.session, self.booking
        return {
            "reference": self.reference,
            "booking_reference": booking.reference if booking else "",
            "school_urn": school.urn,
            "school_name": school.name,
            "address": ", ".join(part for part in [school.town, school.la_name] if part),
            "postcode": school.postcode,
            "uprn": "",  # GIAS files give none yet; a column the case system can rely on
            "agency": session.partner.name,
            "session": session.title,
            "programme": session.programme.name,
            "officer": self.officer.name,
            "starts_at": timezone.localtime(self.starts_at).isoformat(),
            "ends_at": timezone.localtime(self.ends_at).isoformat(),
            "status": self.status,
            "pupils_booked": booking.pupils if booking else None,
            "year_groups_booked": list(booking.year_groups or []) if booking else [],
        }


class VisitChange(models.Model):
    """The outbox: one row for each change to a visit that partners' case systems hear of
    (booked, moved, cancelled, delivered or not), written in the transaction that makes the
    change, with the job as it stood. The delivery app sends it on from here (webhooks), so a
    change is never lost between the diary and the case system, and bookings need not know
    who listens."""

    class Kind(models.TextChoices):
        BOOKED = "visit.booked", "Booked"
        MOVED = "visit.moved", "Moved"
        CANCELLED = "visit.cancelled", "Cancelled"
        DELIVERED = "visit.delivered", "Delivered"
        NOT_DELIVERED = "visit.not_delivered", "Not delivered"

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="changes")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="+", help_text="Whose visit it is."
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_at = models.DateTimeField(db_index=True)
    job = models.JSONField(help_text="The visit as a job when it changed (Visit.as_job, and the outcome).")
    passed_on_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the sender made its deliveries."
    )

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.job.get('reference', '')} at {self.occurred_at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, visit: Visit, kind: str, now=None, outcome: dict | None = None) -> "VisitChange":
        """Only the Visit's own changes call this, inside their transaction."""
        job = visit.as_job()
        job["outcome"] = outcome
        return cls.objects.create(
            visit=visit,
            agency_id=visit.session.partner_id,
            kind=kind,
            occurred_at=now or timezone.now(),
            job=job,
        )


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


def already_asked(school, sessions, now=None) -> list[str]:
    """What the school already has of these sessions, a sentence each: a visit to come, or
    a request in the coordinator's queue. A second request for the same session is often a
    slip (a form sent twice), sometimes another group of pupils: the school is asked which."""
    now = now or timezone.now()
    found = []
    for visit in Visit.objects.coming_up(school, now).filter(session__in=sessions).select_related("session"):
        when = timezone.localtime(visit.starts_at)
        found.append(f"{visit.session.title} is already booked at {school.name} on {when:%a %-d %b %Y}")
    queued = Booking.objects.filter(
        school=school, status=Booking.Status.QUEUED, sessions__in=sessions
    ).prefetch_related("sessions")
    titles = {s.pk: s.title for s in sessions}
    for booking in queued.distinct():
        for session in booking.sessions.all():
            if session.pk in titles:
                asked = timezone.localtime(booking.created_at)
                found.append(
                    f"{session.title} was already asked for by {school.name} on {asked:%a %-d %b %Y}: "
                    "it is in the coordinator's queue"
                )
    return found
