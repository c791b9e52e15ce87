"""Partners' sessions on offer to schools: the one-stop catalogue.

A partner is an `accounts.Agency` (fire and rescue, police, council team, charity); this app adds
what each one offers. Year groups are stored and key stages follow from them, so the two can
never disagree.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from safereach.schools.models import School
from safereach.schools.year_groups import YEAR_LABEL, describe

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


class SessionQuerySet(models.QuerySet):
    def booked_here(self):
        """Sessions a school books through SafeReach: an officer delivers it (the slot search
        offers times), or none does yet and the partner gave no contact of its own (a request
        joins the partner coordinator's queue, who finds a time). The rest, with no officer
        and a contact, the school books directly with the partner. The one rule for both."""
        has_officer = models.Exists(
            Session.officers.through.objects.filter(session=models.OuterRef("pk"))
        )
        return self.filter(has_officer | (Q(contact_email="") & Q(contact_phone="")))


class Session(models.Model):
    """A session a partner offers to schools, delivering one of the matrix's programmes within
    the year groups that programme serves."""

    class Place(models.TextChoices):
        SCHOOL = "school", "At the school"
        PARTNER = "partner", "At the partner's venue"
        ONLINE = "online", "Online"

    partner = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="sessions")
    programme = models.ForeignKey("matrix.Programme", on_delete=models.PROTECT,
                                  related_name="sessions")
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
    contact_email = models.EmailField(
        blank=True, help_text="Where a school books the session directly when no officer here delivers it."
    )
    contact_phone = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["programme__name", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_booked_directly(self) -> bool:
        """The school books it with the partner, not here (see SessionQuerySet.booked_here)."""
        return not Session.objects.filter(pk=self.pk).booked_here().exists()

    @property
    def has_officer(self) -> bool:
        return self.officers.exists()

    def clean(self):
        years = self.year_groups
        if not isinstance(years, list) or not years or any(
                not isinstance(y, int) or isinstance(y, bool) or y not in YEAR_LABEL for y in years):
            raise ValidationError({"year_groups": "Give the year groups as a list of numbers from "
                                                  "0 (Reception) to 13, at least one"})
        if self.programme_id is None:
            return
        outside = set(self.year_groups) - set(self.programme.year_groups)
        if outside:
            raise ValidationError({"year_groups": (
                f"{self.programme.name} is for {describe(self.programme.year_groups)}: "
                f"choose year groups within those ({describe(outside)} "
                f"{'is' if len(outside) == 1 else 'are'} not)")})

    def suits(self, school: School) -> bool:
        """Whether the school teaches any of the session's year groups: the catalogue shows it,
        the request form offers it and the term planner plans it only then."""
        return school.teaches_any_of(self.year_groups)

    @property
    def year_groups_text(self) -> str:
        return describe(self.year_groups)

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
