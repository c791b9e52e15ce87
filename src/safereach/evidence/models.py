"""The evidence SafeReach reasons over, and where each piece of it came from."""

from django.conf import settings
from django.db import models


class Classification(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class Dataset(models.Model):
    """One load of one source file: its provenance, classification and size."""

    kind = models.CharField(max_length=30, db_index=True)
    name = models.CharField(max_length=300)
    source_file = models.CharField(max_length=300, help_text="File name as loaded (no folders).")
    publisher = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    classification = models.CharField(max_length=20, choices=Classification.choices,
                                      default=Classification.OFFICIAL)
    sharing_agreement = models.CharField(max_length=300, blank=True,
                                         help_text="The agreement the data was shared under, if any.")
    row_count = models.PositiveIntegerField(help_text="Data rows in the source file.")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file as loaded.")
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    loaded_by_name = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    is_fictional = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "source_file", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "checksum"], name="dataset_kind_checksum")
        ]

    def __str__(self) -> str:
        return self.name


class Deprivation(models.Model):
    """English Indices of Deprivation for one LSOA (rank 1 and decile 1 are the most deprived)."""

    lsoa_code = models.CharField(max_length=9, unique=True)
    lsoa_name = models.CharField(max_length=200, blank=True)
    district_code = models.CharField(max_length=9, blank=True)
    vintage = models.PositiveSmallIntegerField(default=2019)
    imd_score = models.FloatField(null=True, blank=True)
    imd_rank = models.PositiveIntegerField(null=True, blank=True)
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    income_score = models.FloatField(null=True, blank=True)
    income_rank = models.PositiveIntegerField(null=True, blank=True)
    income_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    employment_score = models.FloatField(null=True, blank=True)
    employment_rank = models.PositiveIntegerField(null=True, blank=True)
    employment_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    education_score = models.FloatField(null=True, blank=True)
    education_rank = models.PositiveIntegerField(null=True, blank=True)
    education_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    health_score = models.FloatField(null=True, blank=True)
    health_rank = models.PositiveIntegerField(null=True, blank=True)
    health_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    crime_score = models.FloatField(null=True, blank=True)
    crime_rank = models.PositiveIntegerField(null=True, blank=True)
    crime_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    housing_score = models.FloatField(null=True, blank=True)
    housing_rank = models.PositiveIntegerField(null=True, blank=True)
    housing_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    living_environment_score = models.FloatField(null=True, blank=True)
    living_environment_rank = models.PositiveIntegerField(null=True, blank=True)
    living_environment_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    idaci_score = models.FloatField(null=True, blank=True)
    idaci_rank = models.PositiveIntegerField(null=True, blank=True)
    idaci_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    children_population = models.PositiveIntegerField(null=True, blank=True)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ["lsoa_code"]

    def __str__(self) -> str:
        return f"IMD {self.vintage} {self.lsoa_code}"


class Incident(models.Model):
    """A crime or fire incident with a location; police.uk gives months, fire services dates."""

    class Source(models.TextChoices):
        POLICE = "police", "Police"
        FIRE = "fire", "Fire and rescue"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="incidents")
    source = models.CharField(max_length=10, choices=Source.choices)
    category = models.CharField(max_length=100, help_text="Crime type or incident type.")
    month = models.DateField(help_text="First day of the month it happened in.")
    occurred_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True,
                                 help_text="The source's own identifier, where it gives one.")
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    easting = models.FloatField(null=True, blank=True)
    northing = models.FloatField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    reported_lsoa_code = models.CharField(max_length=9, blank=True,
                                          help_text="LSOA code as the source gave it.")
    # No index or database constraint on the LSOA links: analysis reads incidents in bulk,
    # an index slows every import of a month of crime, and a constraint without an index
    # makes PostgreSQL scan the table once per area deleted. Django still nulls the links
    # of a deleted area.
    lsoa = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", db_index=False, db_constraint=False,
                             help_text="LSOA (2011) containing the location.")
    lsoa21 = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", db_index=False, db_constraint=False,
                               help_text="LSOA (2021) containing the location.")
    outcome = models.CharField(max_length=120, blank=True)
    property_type = models.CharField(max_length=120, blank=True)
    deliberate = models.BooleanField(null=True, blank=True)
    reported_by = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["source", "category", "month"])]

    def __str__(self) -> str:
        return f"{self.category} {self.month:%Y-%m}"


class Place(models.Model):
    """A place where vulnerable people may be: care homes, hotels, transport hubs and the like."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(max_length=60, db_index=True)
    name = models.CharField(max_length=200)
    reference = models.CharField(max_length=100, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    lon = models.FloatField()
    lat = models.FloatField()
    easting = models.FloatField()
    northing = models.FloatField()
    lsoa = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class Notice(models.Model):
    """A notice served on premises: child abduction warning, closure, fire-safety enforcement."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=80, db_index=True)
    reference = models.CharField(max_length=100)
    premises = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    easting = models.FloatField(null=True, blank=True)
    northing = models.FloatField(null=True, blank=True)
    lsoa = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta:
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], name="notice_kind_reference")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class AreaRate(models.Model):
    """A figure a source publishes only per area, not per incident: dwelling fires a year in
    an MSOA and per 1,000 people living there, say. The matrix attaches it to a school through
    the school's LSOA (directly, or through the LSOA's MSOA, ward or district).

    One current figure per measure and area: a later load of the same measure for the same
    area replaces the earlier one."""

    class Level(models.TextChoices):
        LSOA = "lsoa", "LSOA"
        MSOA = "msoa", "MSOA"
        WARD = "ward", "ward"
        DISTRICT = "district", "district"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="area_rates")
    measure = models.CharField(max_length=100, help_text="What is counted, e.g. 'dwelling fires'.")
    level = models.CharField(max_length=10, choices=Level.choices)
    area_code = models.CharField(max_length=9, help_text="ONS code (E01… LSOA, E02… MSOA…).")
    count = models.FloatField(null=True, blank=True, help_text="Incidents a year (may be an average).")
    rate_per_1000 = models.FloatField(null=True, blank=True,
                                      help_text="Incidents a year per 1,000 people living in the area.")
    period = models.CharField(max_length=100, blank=True,
                              help_text="The years the figure covers, as the source says.")

    class Meta:
        ordering = ["measure", "area_code"]
        constraints = [models.UniqueConstraint(fields=["measure", "area_code"],
                                               name="area_rate_measure_code")]

    def __str__(self) -> str:
        return f"{self.measure} {self.area_code}"


class OutputAreaClassification(models.Model):
    """How the output areas of one LSOA fall into the eight supergroups of the 2011 Output Area
    Classification (ONS): an open picture of who lives there, the counterpart of the commercial
    segmentations fire services use. Output areas hold about the same number of people, so the
    shares of output areas stand for shares of residents."""

    lsoa_code = models.CharField(max_length=9, unique=True)
    output_areas = models.PositiveIntegerField()
    supergroups = models.JSONField(help_text="Supergroup code (1-8) → output areas in it.")
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ["lsoa_code"]

    def __str__(self) -> str:
        return f"Output Area Classification 2011 of {self.lsoa_code}"
