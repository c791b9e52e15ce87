"""What happened at a visit, as the officer records it: delivered or not and why, the pupils
reached in each year group, and what the school said. Reach figures and exports read these."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from safereach.bookings.models import Visit
from safereach.catalogue.models import YEAR_LABEL

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
