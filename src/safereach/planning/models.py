"""Runs of the term planner: what a coordinator asked for, how far the planner has got, the plan
it made, and what applying it did; and the stepped-wedge draws that hold schools back for a
term."""

from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from safereach.accounts.access import only_theirs
from safereach.bookings.models import Term
from safereach.core.background import BackgroundRun


class PlanRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PlanRunQuerySet":
        """Runs of the user's own agency; an administrator sees every agency's; staff of no
        agency see none (accounts.access)."""
        return only_theirs(self, user, "agency")


class PlanRun(BackgroundRun):
    """One run of the term planner, asked for on the term plan page and carried out as a
    background task. Applying books the plan's visits, as a second background task on the
    same row; a run is applied at most once, and `applied` records what applying did."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        RUNNING = "running", "Planning"
        DONE = "done", "Plan ready"
        FAILED = "failed", "Failed"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        APPLY_STOPPED = "stopped", "Applying stopped"

    # The planner searches for the seconds asked for: it has stopped when this much more has
    # passed without it finishing.
    STOPPED_AFTER = timedelta(minutes=5)
    NEVER_STARTED = (
        "The planner never started. The background worker may not be running: tell your administrator."
    )
    STOPPED = "The planner stopped without finishing, perhaps because the server restarted."
    FINISHED_TEXT = "Plan ready"

    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
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
    plan = models.JSONField(null=True, blank=True, help_text="What the planner proposed.")
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

    class Meta(BackgroundRun.Meta):
        constraints = [
            *BackgroundRun.Meta.constraints,
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="plan_run_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.first_day} to {self.last_day} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state not in (self.State.WAITING, self.State.RUNNING, self.State.APPLYING)

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

    def has_stopped(self, now) -> bool:
        return now - self.started_at > timedelta(seconds=self.seconds) + self.STOPPED_AFTER

    def give_up_if_stalled(self, now=None) -> None:
        now = now or timezone.now()
        if self.state == self.State.APPLYING:
            self._give_up_applying_if_stalled(now)
        else:
            super().give_up_if_stalled(now)

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
        claimed = self._update(
            {"state": self.State.DONE, "applied_at__isnull": True},
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
        self._update(
            {"state": self.State.APPLYING},
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
        stopped = self._update({"state": self.State.APPLYING, **only_if}, **values)
        self.refresh_from_db()
        return bool(stopped)

    def _record_applying(self, applied: dict, **only_if) -> bool:
        fraction = 0.0
        if applied["total"]:
            fraction = min(1.0, (len(applied["booked"]) + len(applied["not_booked"])) / applied["total"])
        text = self.applying_text(applied)
        written = self._update(
            {"state": self.State.APPLYING, **only_if},
            applied=applied,
            progress=fraction,
            progress_text=text,
            updated_at=timezone.now(),
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


class HoldBack(models.Model):
    """A stepped-wedge draw: an agreed share of the schools waiting for a programme, drawn at
    random, whose requests the term planner leaves for a later term. Schools held back this term
    are the fair comparison for those visited: only chance decided which was which.

    The draw is reproducible: the eligible schools' URNs in ascending order, shuffled by numpy's
    default generator from `seed`; the first `held_back_count` are held back. The pool and the
    schools drawn are kept, so anyone can repeat the draw and check it."""

    # A draw is for its term: when the term's dates go, so does the draw.
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="hold_backs")
    programme = models.ForeignKey("matrix.Programme", on_delete=models.CASCADE, related_name="hold_backs")
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
        return f"{self.programme}, {self.term.name}: {self.share_percent}% held back"
