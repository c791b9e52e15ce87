"""Programmes with their targeting profiles (every version kept), target lists, scores and
back-tests."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from safereach.core.background import BackgroundRun
from safereach.matrix.profiles import Profile
from safereach.schools.year_groups import EVERY_YEAR, YEAR_LABEL, describe


def every_year_group() -> list[int]:
    return sorted(EVERY_YEAR)


class ProgrammeQuerySet(models.QuerySet):
    def choices(self) -> list[tuple[str, str]]:
        """(slug, name) of each programme, for forms that choose one by its slug."""
        return list(self.order_by("name").values_list("slug", "name"))

    def targeted(self):
        """Programmes with a targeting profile: those the matrix ranks schools for."""
        return self.filter(profile__isnull=False)


class Programme(models.Model):
    """A safety programme delivered in schools: the year groups it serves, and the profile
    that targets it, where it has one yet (road safety, say, is taught before anyone has
    said which schools need it most)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    year_groups = models.JSONField(
        default=every_year_group,
        help_text="Year groups it serves (0 = Reception): its sessions teach within them, and "
                  "its target list ranks only schools teaching at least one of them.")
    profile = models.JSONField(
        null=True, blank=True,
        help_text="The current targeting profile (see matrix/profiles.py); empty while the "
                  "programme has none, and then no school is ranked for it.")
    version = models.PositiveIntegerField(default=1)
    agencies = models.ManyToManyField(
        "accounts.Agency", blank=True, related_name="programmes",
        help_text="Agencies that deliver it: their partner users see its target list.")

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_profile(self) -> bool:
        return self.profile is not None

    @property
    def year_groups_text(self) -> str:
        return describe(self.year_groups)

    def clean(self):
        years = self.year_groups
        if not isinstance(years, list) or not years or any(
                not isinstance(y, int) or isinstance(y, bool) or y not in YEAR_LABEL for y in years):
            raise ValidationError({"year_groups": "Choose the year groups the programme serves, "
                                                  "from Reception (0) to Year 13"})
        if self.pk:
            # Its sessions must still fit: say which, rather than leave them teaching outside it.
            outside = [s for s in self.sessions.all() if not set(s.year_groups) <= set(years)]
            if outside:
                session = outside[0]
                raise ValidationError({"year_groups": (
                    f"{session.title} ({session.partner}) is for {describe(session.year_groups)}: "
                    f"keep those year groups, or change the session first")})

    def parsed_profile(self) -> Profile:
        if self.profile is None:
            raise ValueError(f"{self.name} has no targeting profile yet")
        return Profile.from_json(self.profile)

    def current_version(self) -> "ProgrammeVersion":
        return self.versions.get(version=self.version)

    @transaction.atomic
    def change_profile(self, profile: dict, *, user=None, note: str = "") -> "ProgrammeVersion":
        """Save a new profile as the next version; the old one stays for lists it made."""
        Profile.from_json(profile)  # refuses a profile that cannot be built
        self.version = (self.versions.aggregate(models.Max("version"))["version__max"] or 0) + 1
        self.profile = profile
        self.save(update_fields=["version", "profile"])
        return ProgrammeVersion.objects.create(programme=self, version=self.version,
                                               profile=profile, created_by=user, note=note)

    def visible_to(self, user) -> bool:
        from safereach.accounts.models import Role

        if user.has_role(Role.ANALYST, Role.COORDINATOR):
            return True
        return user.agency_id is not None and self.agencies.filter(pk=user.agency_id).exists()

    @classmethod
    def visible(cls, user):
        from safereach.accounts.models import Role

        if user.has_role(Role.ANALYST, Role.COORDINATOR):
            return cls.objects.all()
        return cls.objects.filter(agencies=user.agency_id) if user.agency_id else cls.objects.none()


class ProgrammeVersion(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    profile = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "-version"]
        constraints = [models.UniqueConstraint(fields=["programme", "version"],
                                               name="programme_version_unique")]

    def __str__(self) -> str:
        return f"{self.programme} v{self.version}"


class TargetList(models.Model):
    """One build of one programme's list: which profile version and which data made it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="target_lists")
    profile_version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT,
                                        related_name="target_lists")
    built_at = models.DateTimeField(auto_now_add=True)
    built_by = models.CharField(max_length=200, blank=True)
    until = models.DateField(null=True, blank=True,
                             help_text="Last month of incidents the list was built from.")
    school_count = models.PositiveIntegerField(default=0)
    area = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+",
                             help_text="The district whose schools were compared; empty for "
                                       "every school loaded.")
    is_current = models.BooleanField(default=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-built_at"]

    def __str__(self) -> str:
        return f"{self.programme} target list, {self.built_at:%Y-%m-%d %H:%M}"


class Score(models.Model):
    """A school's place on one target list, with the named contributions that make its score."""

    target_list = models.ForeignKey(TargetList, on_delete=models.CASCADE, related_name="scores")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE,
                               related_name="matrix_scores")
    phase_group = models.CharField(max_length=30)
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    decile = models.PositiveSmallIntegerField(help_text="1 is the tenth of schools most in need.")
    need = models.FloatField(null=True, blank=True,
                             help_text="0-100 from the need indicators (about the children); empty "
                                       "when none has a figure.")
    risk = models.FloatField(null=True, blank=True,
                             help_text="0-100 from the risk indicators (what happens around the "
                                       "school); empty when none has a figure.")
    expected = models.FloatField(null=True, blank=True,
                                 help_text="Incidents the forecast expects near the school over "
                                           "the profile's horizon; empty without a forecast.")
    contributions = models.JSONField(help_text="One entry per indicator, biggest first.")

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["target_list", "school"],
                                               name="score_list_school_unique")]

    def __str__(self) -> str:
        return f"{self.school} #{self.rank} for {self.programme}"

    def top_reasons(self, n: int = 3, *, shared: bool = False, hidden=frozenset()) -> list[str]:
        """The reasons that add most to the score; `shared` gives counts under 5 as "fewer
        than 5", for partners; indicators of `hidden` kinds (data withheld from the reader's
        agency, matrix.sharing) are left out."""
        key = "reason_shared" if shared else "reason"
        reasons = [c.get(key, c["reason"]) for c in self.contributions
                   if c["points"] > 0 and c.get("kind") not in hidden][:n]
        # A school at the foot of a list ranked by its forecast still says what is expected.
        return reasons or [c.get(key, c["reason"]) for c in self.contributions
                           if c["kind"] == "forecast" and "forecast" not in hidden][:1]

    def shared_contributions(self) -> list[dict]:
        """Contributions as a partner sees them: small counts suppressed."""
        return [{**c, "reason": c.get("reason_shared", c["reason"]),
                 "display": c.get("display_shared", c["display"]),
                 "parts": c.get("parts_shared", c.get("parts"))} for c in self.contributions]


class Backtest(models.Model):
    """One back-test of a programme's profile: its figures kept, so the page can show them
    beside earlier runs without recomputing."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="backtests")
    profile_version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT,
                                        related_name="backtests")
    until = models.DateField(help_text="Last month of data the list was built from.")
    horizon_months = models.PositiveSmallIntegerField()
    ran_at = models.DateTimeField(auto_now_add=True)
    ran_by = models.CharField(max_length=200, blank=True)
    result = models.JSONField()

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.programme} back-test to {self.until:%Y-%m} + {self.horizon_months} months"


class BacktestRun(BackgroundRun):
    """One back-test asked for on the back-test page and carried out as a background task: what
    was asked, how far it has got, and its figures (kept as a Backtest too) or why it has none."""

    MAX_HORIZON = 24
    MAX_ORIGINS = 24
    FINISHED_TEXT = "Results ready"
    NEVER_STARTED = ("The back-test never started. The background worker may not be running: "
                     "tell your administrator.")
    STOPPED = "The back-test stopped without finishing, perhaps because the server restarted."

    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="backtest_runs")
    until = models.DateField(help_text="Last month of data the list is built from.")
    horizon_months = models.PositiveSmallIntegerField()
    origins = models.PositiveSmallIntegerField(
        default=6, help_text="How many months, up to `until`, forecasts are made from.")
    result = models.JSONField(null=True, blank=True, help_text="The back-test's figures.")
    backtest = models.OneToOneField(Backtest, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="run", help_text="The figures as kept with the others.")

    class Meta(BackgroundRun.Meta):
        constraints = [
            *BackgroundRun.Meta.constraints,
            models.CheckConstraint(condition=Q(horizon_months__gte=1) & Q(horizon_months__lte=24),
                                   name="backtest_run_horizon_in_range"),
        ]

    def __str__(self) -> str:
        return (f"{self.programme} back-test to {self.until:%Y-%m} + {self.horizon_months} months "
                f"({self.get_state_display()})")


class BuildRun(BackgroundRun):
    """One rebuild of a programme's target list asked for on its profile page (after the
    profile changed, say) and carried out as a background task."""

    FINISHED_TEXT = "List rebuilt"
    NEVER_STARTED = ("The rebuild never started. The background worker may not be running: "
                     "tell your administrator.")
    STOPPED = "The rebuild stopped without finishing, perhaps because the server restarted."

    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="build_runs")
    target_list = models.ForeignKey(TargetList, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text="The list the rebuild made.")

    def __str__(self) -> str:
        return f"{self.programme} rebuild ({self.get_state_display()})"
