"""What happened at a visit, as the officer records it: delivered or not and why, the pupils
reached in each year group, and what the school said. Reach figures and exports read these.
And the partners' case systems that hear of each visit change by webhook, with the log of
every delivery; and the runs of the impact evaluation."""

import base64
import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from safereach.bookings.models import Visit, VisitChange
from safereach.catalogue.models import YEAR_LABEL
from safereach.core.background import BackgroundRun

# A whole year group of a large secondary school; a bigger count is a typing slip.
MOST_PUPILS_IN_A_YEAR_GROUP = 500


def can_be_recorded(visit: Visit) -> bool:
    """A live visit whose day has come: the officer may record the outcome from the morning of
    the visit on."""
    return visit.status in Visit.LIVE and timezone.localdate(visit.starts_at) <= timezone.localdate()


def year_groups_of(visit: Visit, outcome: "VisitOutcome | None" = None) -> list[int]:
    """The year groups a count is asked for, in school order: those the school booked, those
    the session is for (a class may join on the day) and any already counted."""
    years = set(visit.session.year_groups or [])
    if visit.booking is not None:
        years |= set(visit.booking.year_groups or [])
    if outcome is not None:
        number = {label: year for year, label in YEAR_LABEL.items()}
        years |= {number[label] for label in outcome.pupils_by_year_group if label in number}
    return sorted(y for y in years if y in YEAR_LABEL) or sorted(YEAR_LABEL)


class VisitOutcome(models.Model):
    """The outcome of one visit. Changed only through the outcome page, which audits each change."""

    class Reason(models.TextChoices):
        SCHOOL_CANCELLED = "school_cancelled", "The school cancelled on the day"
        OFFICER_UNAVAILABLE = "officer_unavailable", "The officer was unavailable"
        SCHOOL_CLOSED = "school_closed", "The school was closed"
        OTHER = "other", "Another reason"

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="outcome")
    delivered = models.BooleanField()
    reason = models.CharField("why it was not delivered", max_length=20, choices=Reason.choices, blank=True)
    reason_other = models.CharField("what happened", max_length=300, blank=True)
    pupils_by_year_group = models.JSONField(
        default=dict, blank=True, help_text='Pupils reached in each year group, e.g. {"Year 5": 28}.'
    )
    # Kept beside the counts, so that reach figures can add up visits in the database.
    pupils_reached = models.PositiveIntegerField(default=0, editable=False)
    school_feedback = models.TextField("feedback from the school", blank=True)
    officer_notes = models.TextField("officer's notes", blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            # A backstop behind the form: delivered to someone and no reason, or not delivered,
            # a reason given and nobody reached.
            models.CheckConstraint(
                condition=Q(delivered=True, reason="", pupils_reached__gt=0)
                | (Q(delivered=False, pupils_reached=0) & ~Q(reason="")),
                name="outcome_is_delivered_or_has_a_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit}: {self.summary}"

    def save(self, *args, **kwargs):
        self.pupils_reached = sum(self.pupils_by_year_group.values()) if self.delivered else 0
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "pupils_reached"}
        super().save(*args, **kwargs)

    def for_case_systems(self) -> dict:
        """The outcome as a job's row and a webhook's data carry it."""
        return {
            "delivered": self.delivered,
            "pupils_reached": self.pupils_reached,
            "pupils_by_year_group": dict(self.pupils_by_year_group) if self.delivered else {},
            "reason": "" if self.delivered else self.reason_text,
        }

    @property
    def reason_text(self) -> str:
        if self.reason == self.Reason.OTHER:
            return self.reason_other
        label = self.get_reason_display()
        return label[:1].lower() + label[1:]

    @property
    def summary(self) -> str:
        """One line for the officer's week: 'Delivered to 28 pupils' or 'Not delivered: …'."""
        if self.delivered:
            return f"Delivered to {self.pupils_reached} pupil{'' if self.pupils_reached == 1 else 's'}"
        return f"Not delivered: {self.reason_text}"


# Case systems: where visits go as jobs ----------------------------------------------------------


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes one: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class CaseSystem(models.Model):
    """A partner's case system (CFRMIS and the like) that hears of the agency's visits by
    webhook: where to send, and which changes. Set up by an administrator."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="case_systems")
    name = models.CharField(max_length=200, help_text="For example, CFRMIS (live).")
    url = models.URLField("address", max_length=500, help_text="Where SafeReach posts each change (https).")
    events = models.JSONField(
        default=list,
        help_text="The changes it hears of: " + ", ".join(k for k, _ in VisitChange.Kind.choices),
    )
    is_active = models.BooleanField("sending", default=True)
    created_at = models.DateTimeField(
        default=timezone.now,
        help_text="Changes from this moment on are sent; earlier ones are in the export.",
    )

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding and not self.secrets.exists():
            self.secrets.create(created_at=self.created_at)

    def signing_secrets(self, now) -> list[str]:
        """Every secret in use: a rotated one signs beside its successor until it retires."""
        return [
            s.secret
            for s in self.secrets.all()
            if s.retires_at is None or s.retires_at > now
        ]

    def rotate_secret(self, now=None, overlap=timedelta(days=1)) -> "CaseSystemSecret":
        """A new secret; the ones before it keep signing for `overlap`, while the receiver
        changes over, then retire."""
        now = now or timezone.now()
        self.secrets.filter(Q(retires_at__isnull=True) | Q(retires_at__gt=now + overlap)).update(
            retires_at=now + overlap
        )
        return self.secrets.create(created_at=now)


class CaseSystemSecret(models.Model):
    """A secret the case system checks signatures with."""

    case_system = models.ForeignKey(CaseSystem, on_delete=models.CASCADE, related_name="secrets")
    secret = models.CharField(max_length=100, default=new_secret)
    created_at = models.DateTimeField(default=timezone.now)
    retires_at = models.DateTimeField(null=True, blank=True, help_text="No longer signs from then.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.secret[:12]}… from {self.created_at:%Y-%m-%d}"


class WebhookDelivery(models.Model):
    """One visit change on its way to one case system: waiting (to be tried, or tried again
    after a failure), delivered, or failed after a day of trying."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed: not accepted within a day"

    change = models.ForeignKey(VisitChange, on_delete=models.CASCADE, related_name="deliveries")
    case_system = models.ForeignKey(CaseSystem, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-change__occurred_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["change", "case_system"], name="one_delivery_per_change_and_system"
            )
        ]

    def __str__(self) -> str:
        return f"{self.change} to {self.case_system.name}: {self.get_state_display()}"


class WebhookAttempt(models.Model):
    """The delivery log: each try, and what the receiver answered."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts_made")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response = models.CharField(max_length=500, blank=True, help_text="The start of the receiver's answer.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"


class ProjectedFeedKey(models.Model):
    """The secret in the address of a user's projected-delivery calendar feed. A calendar app
    cannot sign in, so the address is the key: it lasts DAYS from when it was made, and the user
    can reset it (the old address stops at once)."""

    DAYS = 180

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="projected_feed_key")
    key = models.CharField(max_length=64, unique=True)
    made_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Projected delivery feed of {self.user}"

    @property
    def expires_at(self):
        return self.made_at + timedelta(days=self.DAYS)

    def has_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @classmethod
    def current_for(cls, user, now=None) -> "ProjectedFeedKey":
        """The user's key, a new one when they had none or theirs has expired."""
        now = now or timezone.now()
        found = cls.objects.filter(user=user).first()
        if found is None or found.has_expired(now):
            return cls.reset_for(user, now)
        return found

    @classmethod
    def reset_for(cls, user, now=None) -> "ProjectedFeedKey":
        found, _ = cls.objects.update_or_create(
            user=user, defaults={"key": secrets.token_urlsafe(32), "made_at": now or timezone.now()}
        )
        return found

    @classmethod
    def user_with(cls, key: str, now=None):
        """The active user whose unexpired key this is, or None."""
        found = cls.objects.select_related("user").filter(key=key[:64], user__is_active=True).first()
        if found is None or found.has_expired(now) or not secrets.compare_digest(found.key, key):
            return None
        return found.user


# The impact evaluation ------------------------------------------------------------------------


class ImpactRun(BackgroundRun):
    """One impact evaluation of a programme, asked for on its impact page and carried out as a
    background task: how far it has got, then the estimate (or why there is none) as it stood on
    the data loaded then. The page shows the latest finished run."""

    FINISHED_TEXT = "Estimate ready"
    NEVER_STARTED = ("The evaluation never started. The background worker may not be running: "
                     "tell your administrator.")
    STOPPED = "The evaluation stopped without finishing, perhaps because the server restarted."

    programme = models.ForeignKey("matrix.Programme", on_delete=models.CASCADE, related_name="impact_runs")
    asked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.JSONField(null=True, blank=True, help_text="The estimate, or the reasons there is none.")

    class Meta(BackgroundRun.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.programme} impact evaluation ({self.get_state_display()})"
