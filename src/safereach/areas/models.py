"""Statistical and administrative geographies: LSOAs, wards and districts."""

from django.db import models


class Area(models.Model):
    """One LSOA, ward or local authority district, identified by its ONS code.

    Boundaries are kept as GeoJSON in WGS84 (what ONS publishes); the bounding box and the
    centroid in both WGS84 and British National Grid make quick filters and distances cheap.
    An area may exist without a boundary when only a lookup named it.
    """

    class Level(models.TextChoices):
        LSOA = "lsoa", "Lower layer super output area"
        WARD = "ward", "Electoral ward"
        DISTRICT = "district", "Local authority district"

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=Level.choices, db_index=True)
    vintage = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="First year of the geography the area was published in, e.g. 2011 for LSOAs."
    )
    last_vintage = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="Last year it was published in: an LSOA unchanged in 2021 keeps its 2011 code.")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="children",
                               help_text="The ward of an LSOA, the district of a ward.")
    district = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="The district an area lies in.")
    msoa_code = models.CharField(
        max_length=9, null=True, blank=True,
        help_text="The MSOA (E02…) an LSOA lies in, from an LSOA → MSOA lookup; empty when "
                  "no lookup said. MSOAs are not areas here: only their aggregates are loaded.")
    geometry = models.TextField(blank=True, help_text="GeoJSON geometry, WGS84 longitude/latitude.")
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_easting = models.FloatField(null=True, blank=True)
    centroid_northing = models.FloatField(null=True, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)
    is_fictional = models.BooleanField(default=False)
    dataset = models.ForeignKey("evidence.Dataset", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "vintage"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
