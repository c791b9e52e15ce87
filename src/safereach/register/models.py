"""Fire-safety notices as the serving authority recorded them, and their events kept for ever.

The public entry is not stored: it is worked out from these by `rules`. The one thing kept
here for the database to search by, `public_from`, is derived from the events and refreshed
by `records` whenever one is recorded (see RegisterNotice.public_from).
"""

import uuid
from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models.functions import TruncDate

from safereach.register import articles as art
from safereach.register import rules
from safereach.register.rules import AppealOutcome, ClaimOutcome, EventKind, NoticeKind


class PremisesType(models.TextChoices):
    """The kinds of premises registers are searched by."""

    CARE_HOME = "care_home", "Care home"
    HOSPITAL = "hospital", "Hospital or hospice"
    HOTEL = "hotel", "Hotel, guest house or B&B"
    HOSTEL = "hostel", "Hostel or supported housing"
    HMO = "hmo", "House in multiple occupation"
    FLATS = "flats", "Block of flats"
    OTHER_SLEEPING = "other_sleeping", "Other sleeping accommodation"
    SHOP = "shop", "Shop"
    FOOD_AND_DRINK = "food_and_drink", "Pub, bar, restaurant or takeaway"
    OFFICE = "office", "Office"
    INDUSTRIAL = "industrial", "Factory or warehouse"
    EDUCATION = "education", "School, college or nursery"
    ASSEMBLY = "assembly", "Place of assembly or entertainment"
    OTHER = "other", "Other"


class RegisterNotice(models.Model):
    """A notice a fire and rescue authority served under the Fire Safety Order: who and where,
    its terms as served, and (derived) the first day it may be public."""

    public_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="The entry's stable ID in the register and its feeds.",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="register_notices",
        help_text="The fire and rescue authority that served it.",
    )
    number = models.CharField("notice number", max_length=60)
    kind = models.CharField(max_length=20, choices=[(k.value, k.label) for k in NoticeKind])
    recipient = models.CharField(
        "served on", max_length=200, help_text="The person or organisation the notice was served on."
    )
    premises_name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=10, blank=True)
    premises_type = models.CharField(max_length=20, choices=PremisesType.choices)
    served_on = models.DateField()
    compliance_date = models.DateField(null=True, blank=True, help_text="As served.")
    articles = models.JSONField(
        default=list, blank=True, help_text='Articles breached: [{"article": 9, "finding": "…"}].'
    )
    commentary = models.TextField(blank=True, help_text="A short public note, for prohibitions.")
    recipient_under_18 = models.BooleanField(default=False)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    easting = models.FloatField(null=True, blank=True)
    northing = models.FloatField(null=True, blank=True)
    district = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The local authority district it is in.",
    )
    # Derived from the events by `rules` (refreshed whenever one is recorded): with the events
    # recorded so far, the first day the entry may be public; null if it may never be.
    public_from = models.DateField(null=True, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-served_on", "number"]
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="register_notice_number")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display().lower()})"

    @property
    def notice_kind(self) -> NoticeKind:
        return NoticeKind(self.kind)

    @property
    def article_list(self) -> tuple[art.Article, ...]:
        return art.from_json(self.articles)

    @property
    def name(self) -> str:
        """How the register names it: the premises, else whoever it was served on."""
        return self.premises_name or self.recipient

    def as_rules(self, events=None) -> rules.Notice:
        """The notice as `rules` reads it. `events`: its events if already fetched, as NoticeEvents
        or as `rules` reads them (see `with_rules`); read now if not given."""
        events = self.events.all() if events is None else events
        return rules.Notice(
            kind=self.notice_kind,
            served_on=self.served_on,
            compliance_date=self.compliance_date,
            articles=self.article_list,
            recipient_under_18=self.recipient_under_18,
            events=tuple(e if isinstance(e, rules.Event) else e.as_rules() for e in events),
        )


class NoticeEvent(models.Model):
    """One thing that happened to a notice, kept for ever: a mistake is struck out by a later
    event, never deleted."""

    notice = models.ForeignKey(RegisterNotice, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30, choices=[(k.value, k.label) for k in EventKind])
    on = models.DateField(help_text="The day it happened.")
    recorded_at = models.DateTimeField(help_text="When the register learned of it.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_name = models.CharField(
        max_length=200, blank=True, help_text="Who recorded it, when not a signed-in user."
    )
    outcome = models.CharField(
        max_length=20,
        blank=True,
        choices=[
            *((o.value, o.label) for o in AppealOutcome),
            *((f"claim_{o.value}", o.label) for o in ClaimOutcome),
        ],
    )
    compliance_date = models.DateField(null=True, blank=True, help_text="A new compliance date.")
    articles = models.JSONField(null=True, blank=True, help_text="New articles breached.")
    changes = models.JSONField(
        default=dict, blank=True, help_text="Details corrected: {field: [before, after]}."
    )
    note = models.TextField(blank=True)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="struck_out_by",
        help_text="The event this one strikes out as recorded in error.",
    )

    class Meta:
        ordering = ["on", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.notice.number}: {self.get_kind_display()} {self.on:%Y-%m-%d}"

    @property
    def event_kind(self) -> EventKind:
        return EventKind(self.kind)

    @property
    def recorded_on(self):
        from django.utils import timezone

        return timezone.localdate(self.recorded_at)

    @property
    def outcome_value(self) -> str:
        """The outcome as `rules` names it (a claim's outcomes are stored with a prefix, so the
        two sets of choices do not share values)."""
        return self.outcome.removeprefix("claim_")

    @property
    def outcome_label(self) -> str:
        return self.get_outcome_display() if self.outcome else ""

    def as_rules(self) -> rules.Event:
        return rules.Event(
            kind=self.event_kind,
            on=self.on,
            recorded_on=self.recorded_on,
            id=self.pk or 0,
            outcome=self.outcome_value,
            compliance_date=self.compliance_date,
            articles=art.from_json(self.articles) if self.articles else None,
            corrects=self.corrects_id,
        )


EVENT_KINDS = {k.value: k for k in EventKind}  # a dict lookup: calling the enum is slow in bulk


def with_rules(notices) -> list[tuple[RegisterNotice, rules.Notice]]:
    """Each of `notices` (a queryset, or a list) with the notice as `rules` reads it, their events
    read in one query as plain values: a register's worth of model instances is slow to build."""
    if isinstance(notices, models.QuerySet):
        wanted = NoticeEvent.objects.filter(notice__in=notices.values("pk"))
        notices = list(notices)
    else:
        notices = list(notices)
        wanted = NoticeEvent.objects.filter(notice__in=[n.pk for n in notices])
    events = defaultdict(list)
    for notice_id, pk, kind, on, recorded_on, outcome, compliance, articles, corrects in wanted.annotate(
        recorded_on=TruncDate("recorded_at")
    ).values_list(
        "notice_id",
        "id",
        "kind",
        "on",
        "recorded_on",
        "outcome",
        "compliance_date",
        "articles",
        "corrects_id",
    ):
        events[notice_id].append(
            rules.Event(
                kind=EVENT_KINDS[kind],
                on=on,
                recorded_on=recorded_on,
                id=pk,
                outcome=outcome.removeprefix("claim_"),
                compliance_date=compliance,
                articles=art.from_json(articles) if articles else None,
                corrects=corrects,
            )
        )
    return [(n, n.as_rules(events[n.pk])) for n in notices]
