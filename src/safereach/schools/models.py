"""Schools, from the DfE's Get Information About Schools (GIAS)."""

from django.db import models

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
        help_text="The school's own assessment of its pupils' need.")
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
