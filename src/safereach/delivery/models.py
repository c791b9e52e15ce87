"""What happened at a visit, as the officer records it: delivered or not and why, the pupils
reached in each year group, and what the school said. Reach figures and exports read these.
Also the runs of the impact evaluation, and the stepped-wedge draws that hold schools back."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from safereach.bookings.models import Term, Visit
from safereach.catalogue.models import YEAR_LABEL, Programme
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


class HoldBack(models.Model):
    """A stepped-wedge draw: an agreed share of the schools waiting for a programme, drawn at
    random, whose requests the term planner leaves for a later term. Schools held back this term
    are the fair comparison for those visited: only chance decided which was which.

    The draw is reproducible: the eligible schools' URNs in ascending order, shuffled by numpy's
    default generator from `seed`; the first `held_back_count` are held back. The pool and the
    schools drawn are kept, so anyone can repeat the draw and check it."""

    # A draw is for its term: when the term's dates go, so does the draw.
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="hold_backs")
    programme = models.CharField(max_length=40, choices=Programme.choices)
    share_percent = models.PositiveSmallIntegerField(
        help_text="The share of waiting schools to hold back, in per cent, as agreed.")
    agreed_by = models.CharField(
        max_length=300, help_text="Who agreed the share, and when: a meeting or a decision reference.")
    seed = models.BigIntegerField(help_text="The random seed of the draw.")
    pool_urns = models.JSONField(default=list, help_text="URNs of every school waiting, ascending.")
    drawn_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)
    schools = models.ManyToManyField("schools.School", related_name="hold_backs", blank=True,
                                     help_text="The schools held back.")

    class Meta:
        ordering = ["-drawn_at"]
        constraints = [
            models.UniqueConstraint(fields=["term", "programme"],
                                    name="one_hold_back_per_term_and_programme"),
            models.CheckConstraint(condition=Q(share_percent__gte=1) & Q(share_percent__lte=50),
                                   name="hold_back_share_from_1_to_50_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()}, {self.term.name}: {self.share_percent}% held back"
