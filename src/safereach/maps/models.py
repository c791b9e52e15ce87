"""Incident counts kept per grid cell and per LSOA for each month (refreshed whenever incidents
are loaded), and map packs asked for on the map pack page."""

from django.conf import settings
from django.db import models

from safereach.core.background import BackgroundRun


class IncidentCellCount(models.Model):
    """Incidents in one square of the British National Grid in one month: of one category, or
    of every category of a source where `category` is blank. The map's incident layers and hot
    spots read these, so a county's counts come from thousands of rows, not millions.

    Squares are kept at several sizes (CELL_SIZES in maps/grid.py), each four times the one before,
    so any view reads squares of a size that suits it."""

    size = models.PositiveIntegerField(help_text="Side of the square in metres.")
    col = models.IntegerField(help_text="Easting divided by the size, rounded down.")
    row = models.IntegerField(help_text="Northing divided by the size, rounded down.")
    month = models.DateField()
    source = models.CharField(max_length=10)
    category = models.CharField(max_length=100, blank=True, help_text="Blank: every category of the source.")
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Every filter a layer asks for, then the count, so the answer comes from the index alone.
            # A view asks for each of its months and rows (equalities), then a range of columns, so
            # only its own cells are read however big the country around it.
            models.Index(
                fields=["size", "category", "source", "month", "row", "col", "count"], name="maps_cell_lookup"
            ),
        ]

    def __str__(self) -> str:
        what = self.category or self.source
        return f"{self.size} m ({self.col}, {self.row}) {self.month:%Y-%m} {what}: {self.count}"


class IncidentAreaCount(models.Model):
    """Incidents located in one LSOA (2011, the deprivation indices' vintage) in one month: of one
    category, or of every category of a source where `category` is blank. Wards and districts
    add up their LSOAs."""

    lsoa = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    month = models.DateField()
    source = models.CharField(max_length=10)
    category = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["category", "source", "month", "lsoa", "count"], name="maps_area_lookup")
        ]

    def __str__(self) -> str:
        return f"LSOA {self.lsoa_id} {self.month:%Y-%m} {self.category or self.source}: {self.count}"


class IncidentCountsState(models.Model):
    """What the kept counts were made from: the last incident and the incident datasets seen, and
    the incidents in each month. Any load or deletion changes one of these, and the months whose
    totals moved are counted again."""

    key = models.PositiveSmallIntegerField(unique=True, default=1)
    last_incident_id = models.BigIntegerField(default=0)
    datasets = models.JSONField(default=list)
    month_totals = models.JSONField(default=dict, help_text="YYYY-MM-DD → incidents that month.")
    refreshed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Incident counts as of {self.refreshed_at:%Y-%m-%d %H:%M}"


class MapPackRun(BackgroundRun):
    """One map pack for the monthly multi-agency meeting, asked for on the map pack page and built
    by a background task: the area and month asked for, and the PDF it made."""

    FINISHED_TEXT = "Map pack ready"
    NEVER_STARTED = (
        "The map pack was never started. The background worker may not be running: tell your administrator."
    )
    STOPPED = "The map pack stopped without finishing, perhaps because the server restarted."

    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area_code = models.CharField(max_length=9, blank=True, help_text="A district; blank for the county.")
    area_name = models.CharField(max_length=200)
    month = models.DateField(help_text="The month the pack is for (its first day).")
    shared = models.BooleanField(
        default=True, help_text="Counts of 1 to 4 given as 'fewer than 5', as other agencies see them."
    )
    sensitive = models.BooleanField(
        default=False,
        help_text="Holds OFFICIAL-SENSITIVE notices (child "
        "abduction warning notices), for those allowed to see them.",
    )
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    classification = models.CharField(max_length=20, blank=True)

    class Meta(BackgroundRun.Meta):
        pass

    def __str__(self) -> str:
        return f"Map pack {self.area_name} {self.month:%Y-%m} ({self.get_state_display()})"

    @property
    def file_name(self) -> str:
        slug = "".join(ch if ch.isalnum() else "-" for ch in self.area_name.lower()).strip("-")
        return f"map-pack-{slug}-{self.month:%Y-%m}.pdf"
