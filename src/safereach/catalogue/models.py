"""Partners' sessions on offer to schools: the one-stop catalogue.

A partner is an `accounts.Agency` (fire and rescue, police, council team, charity); this app adds
what each one offers. Year groups are stored and key stages follow from them, so the two can
never disagree.
"""

from django.db import models
from django.urls import reverse

from safereach.schools.models import School

# Year groups as schools name them; 0 is Reception.
YEAR_GROUPS = [(0, "Reception")] + [(y, f"Year {y}") for y in range(1, 14)]
YEAR_LABEL = dict(YEAR_GROUPS)

# Key stage → the year groups in it (EYFS is Reception here: nurseries are not visited).
KEY_STAGES = {
    "EYFS": (0,),
    "KS1": (1, 2),
    "KS2": (3, 4, 5, 6),
    "KS3": (7, 8, 9),
    "KS4": (10, 11),
    "KS5": (12, 13),
}
KEY_STAGE_LABEL = {
    "EYFS": "Early years (Reception)",
    "KS1": "Key stage 1",
    "KS2": "Key stage 2",
    "KS3": "Key stage 3",
    "KS4": "Key stage 4",
    "KS5": "Key stage 5 (sixth form)",
}


def key_stages_of(year_groups) -> list[str]:
    years = set(year_groups)
    return [ks for ks, members in KEY_STAGES.items() if years & set(members)]


def age_range_of(year_groups) -> tuple[int, int] | None:
    """Pupils' ages in a set of year groups: Reception children are 4 to 5, Year 6 are 10 to 11."""
    if not year_groups:
        return None
    return min(year_groups) + 4, max(year_groups) + 5


class Programme(models.TextChoices):
    """The programmes partners teach; the slugs are the vulnerability matrix's programme slugs
    (matrix/programmes.py), so a session's programme finds its target list."""

    HOME_FIRE_SAFETY = "home-fire-safety", "Home fire safety"
    ARSON = "arson", "Arson and deliberate fires"
    HOAX_CALLS = "hoax-calls", "Hoax calls"
    KNIFE_CRIME = "knife-crime", "Knife crime and gangs"
    ROAD_SAFETY = "road-safety", "Road safety"
    WATER_SAFETY = "water-safety", "Water safety"
    ONLINE_SAFETY = "online-safety", "Online safety"
    EXPLOITATION = "exploitation", "Exploitation and county lines"
    ANTI_SOCIAL = "asb", "Anti-social behaviour"
    DRUGS_ALCOHOL = "drugs-alcohol", "Drugs and alcohol"


class Session(models.Model):
    """A session a partner offers to schools."""

    class Place(models.TextChoices):
        SCHOOL = "school", "At the school"
        PARTNER = "partner", "At the partner's venue"
        ONLINE = "online", "Online"

    partner = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="sessions")
    programme = models.CharField(max_length=40, choices=Programme.choices, db_index=True)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField()
    year_groups = models.JSONField(default=list, help_text="Year groups taught: 0 = Reception.")
    length_minutes = models.PositiveSmallIntegerField(default=60)
    group_size = models.PositiveSmallIntegerField(default=30, help_text="Pupils in one group, at most.")
    cost_pence = models.PositiveIntegerField(default=0, help_text="Cost to the school; free by default.")
    cost_note = models.CharField(max_length=200, blank=True)
    delivery_place = models.CharField(max_length=10, choices=Place.choices, default=Place.SCHOOL)
    tiers_served = models.JSONField(
        default=list, help_text="Tiers of need served: 1 universal, 2 enhanced, 3 complex."
    )
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalogue:session", args=[self.slug])

    @property
    def key_stages(self) -> list[str]:
        return key_stages_of(self.year_groups)

    @property
    def key_stage_labels(self) -> list[str]:
        return [KEY_STAGE_LABEL[ks] for ks in self.key_stages]

    @property
    def year_group_labels(self) -> list[str]:
        return [YEAR_LABEL[y] for y in sorted(self.year_groups)]

    @property
    def tier_labels(self) -> list[str]:
        return [School.Tier(t).label for t in sorted(self.tiers_served)]

    @property
    def is_free(self) -> bool:
        return self.cost_pence == 0

    @property
    def cost_text(self) -> str:
        if self.is_free:
            return "Free"
        pounds = f"£{self.cost_pence / 100:,.2f}".replace(".00", "")
        return f"{pounds} {self.cost_note}".strip()

    @property
    def is_visit(self) -> bool:
        """Sessions at the school need an officer to travel there."""
        return self.delivery_place == self.Place.SCHOOL
