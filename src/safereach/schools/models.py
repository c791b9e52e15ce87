"""Schools, from the DfE's Get Information About Schools (GIAS); what each school says would
help it and its tier of need; and the safeguarding concerns its lead passes on."""

import secrets
from datetime import date, timedelta

from django.db import models
from django.utils import timezone

from safereach.accounts.models import ConcernTopic
from safereach.schools.year_groups import describe, teaches_any, years_taught

# What the year-group rule reads of a school.
TAUGHT_FROM = ("phase", "low_age", "high_age", "name")


class SchoolQuerySet(models.QuerySet):
    def year_groups_taught(self) -> dict[int, frozenset[int]]:
        """School id → the year groups it teaches, for many schools in one query."""
        return {pk: years_taught(*row) for pk, *row in self.values_list("pk", *TAUGHT_FROM)}


class School(models.Model):
    class Tier(models.IntegerChoices):
        UNIVERSAL = 1, "Tier 1: universal"
        ENHANCED = 2, "Tier 2: enhanced"
        COMPLEX = 3, "Tier 3: complex"

    urn = models.PositiveIntegerField("URN", unique=True, help_text="DfE unique reference number")
    name = models.CharField(max_length=200)
    type_name = models.CharField("type of establishment", max_length=120, blank=True)
    type_group = models.CharField("establishment type group", max_length=120, blank=True)
    phase = models.CharField("phase of education", max_length=60, blank=True, db_index=True)
    status = models.CharField(max_length=60, blank=True)
    # GIAS's StatutoryLowAge and StatutoryHighAge: what year groups the school teaches.
    low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    town = models.CharField(max_length=100, blank=True)
    la_code = models.CharField("local authority code", max_length=3, blank=True)
    la_name = models.CharField("local authority", max_length=100, blank=True)
    district_code = models.CharField(max_length=9, blank=True,
                                     help_text="Administrative district as GIAS gives it.")
    easting = models.FloatField(null=True, blank=True)
    northing = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lsoa = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="schools",
                             help_text="LSOA (2011) containing the school's location.")
    lsoa21 = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+",
                               help_text="LSOA (2021) containing the school's location.")
    pupils = models.PositiveIntegerField(null=True, blank=True)
    percent_fsm = models.FloatField("% free school meals", null=True, blank=True)
    need_tier = models.PositiveSmallIntegerField(
        choices=Tier.choices, null=True, blank=True,
        help_text="The tier of need in force: a coordinator's or council's decision, else the "
                  "school's own view (schools/tiers.py).")
    is_fictional = models.BooleanField(default=False)
    dataset = models.ForeignKey("evidence.Dataset", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (URN {self.urn})"

    @property
    def year_groups_taught(self) -> frozenset[int]:
        return years_taught(*(getattr(self, name) for name in TAUGHT_FROM))

    @property
    def year_groups_text(self) -> str:
        """"Reception to Year 6", for pages that tell a school what it is offered and why."""
        return describe(self.year_groups_taught)

    def teaches_any_of(self, year_groups) -> bool:
        """Whether the school has pupils in any of `year_groups`: a session or programme for
        those year groups suits it (schools.year_groups.teaches_any)."""
        return teaches_any(self.year_groups_taught, year_groups)


# What each tier means, as the school reads it before choosing (Dorset's review of safety
# education assessed 73% of its schools as Tier 1, 12% as Tier 2 and 16% as Tier 3).
TIER_DEFINITIONS = {
    School.Tier.UNIVERSAL: "Most pupils need the safety education every school gets: whole-class "
                           "sessions for their year group.",
    School.Tier.ENHANCED: "Some pupils or year groups face more risk than most, and the school "
                          "wants more than the universal offer: targeted sessions or repeat visits.",
    School.Tier.COMPLEX: "The school has pupils facing serious or several risks at once (for "
                         "example exploitation, exclusion or fire-setting) and needs specialist, "
                         "joined-up support from partners.",
}


class Cohort(models.TextChoices):
    """Groups of pupils a school may want reached, beyond whole year groups."""

    SEND = "send", "Pupils with special educational needs and disabilities (SEND)"
    AT_RISK_OF_EXCLUSION = "at-risk-of-exclusion", "Pupils at risk of exclusion"
    LOOKED_AFTER = "looked-after", "Looked-after children"
    YOUNG_CARERS = "young-carers", "Young carers"
    NEW_ARRIVALS = "new-arrivals", "Pupils new to the country or learning English"


def school_year_of(day: date) -> int:
    """The school year a day falls in, by the year it starts: 1 September 2026 to 31 August
    2027 is 2026."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(year: int) -> str:
    return f"{year} to {year + 1}"


class SchoolNeed(models.Model):
    """What a school says would help it in one school year, in its own words and from a list:
    the topics and the cohorts it wants covered, how urgent, and its own view of its tier."""

    class Urgency(models.TextChoices):
        THIS_TERM = "this-term", "This term: it is pressing"
        THIS_YEAR = "this-year", "This school year"
        WHEN_POSSIBLE = "when-possible", "Whenever it can be arranged"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="needs")
    school_year = models.PositiveSmallIntegerField(
        help_text="The year the school year starts: 2026 for 2026 to 2027.")
    topics = models.JSONField(default=list, blank=True,
                              help_text="Programme slugs, as the catalogue names them.")
    in_own_words = models.TextField("in the school's own words", blank=True)
    year_groups = models.JSONField(default=list, blank=True, help_text="0 = Reception.")
    cohorts = models.JSONField(default=list, blank=True, help_text="Cohort values.")
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    own_tier = models.PositiveSmallIntegerField(
        "the school's view of its tier", choices=School.Tier.choices, null=True, blank=True,
        help_text="Blank when the school was not sure.")
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-school_year", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="one_need_per_school_year")
        ]

    def __str__(self) -> str:
        return f"{self.school.name}, {school_year_label(self.school_year)}"

    @property
    def cohort_labels(self) -> list[str]:
        labels = dict(Cohort.choices)
        return [labels[c] for c in self.cohorts if c in labels]


class TierDecision(models.Model):
    """A coordinator's confirmation or change of a school's tier of need, or a council's tier
    loaded from its CSV, with the reason. The latest decision is the tier in force."""

    class Source(models.TextChoices):
        COORDINATOR = "coordinator", "A coordinator"
        COUNCIL = "council", "The council's assessment"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="tier_decisions")
    tier = models.PositiveSmallIntegerField(choices=School.Tier.choices)
    reason = models.TextField()
    source = models.CharField(max_length=20, choices=Source.choices)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    dataset = models.ForeignKey("evidence.Dataset", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+",
                                help_text="The council's file the tier was loaded from.")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        get_latest_by = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.school.name}: {self.get_tier_display()} ({self.get_source_display()})"


def new_concern_reference() -> str:
    """A reference the school can quote that says nothing and cannot be guessed: SC- and eight
    letters and digits, without ones easily misread (0/O, 1/I/L)."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "SC-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Concern(models.Model):
    """A concern or piece of intelligence a school's designated safeguarding lead passes to the
    partners who can act on it. OFFICIAL-SENSITIVE: only its named recipients open it, every
    view is audited, and it is deleted once its retention period is over."""

    CLASSIFICATION = "OFFICIAL-SENSITIVE"

    class Urgency(models.TextChoices):
        TODAY = "today", "Today: someone should act within 24 hours"
        THIS_WEEK = "this-week", "This week"
        FOR_INFORMATION = "for-information", "For information: no action needed from you now"

    reference = models.CharField(max_length=20, unique=True, default=new_concern_reference)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="concerns")
    topic = models.CharField(max_length=40)
    area_code = models.CharField(max_length=9, blank=True)
    area_name = models.CharField(max_length=200)
    what_was_seen = models.TextField(help_text="Stored exactly as written.")
    when_seen = models.CharField(max_length=200, blank=True)
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    reporter_name = models.CharField(max_length=200)
    reporter_role = models.CharField(max_length=200)
    reporter_email = models.EmailField()
    agencies = models.ManyToManyField("accounts.Agency", related_name="+")
    recipients = models.ManyToManyField("accounts.User", related_name="concerns_received")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    delete_after = models.DateField(db_index=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        # Never the content: this may end up in logs or the audit trail.
        return self.reference

    @property
    def topic_label(self) -> str:
        return dict(ConcernTopic.choices).get(self.topic, self.topic)

    @staticmethod
    def deletion_date(received: date, retention_days: int) -> date:
        return received + timedelta(days=retention_days)
