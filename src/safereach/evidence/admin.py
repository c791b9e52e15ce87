from django.contrib import admin

from safereach.accounts.admin import AdministratorAdmin, LoadedDataAdmin
from safereach.evidence.models import (
    AreaRate,
    Dataset,
    Deprivation,
    Incident,
    Notice,
    OutputAreaClassification,
    Place,
)


@admin.register(Dataset)
class DatasetAdmin(AdministratorAdmin):
    """Administrators may correct how a dataset is described and shared, not what was loaded."""

    list_display = ["name", "kind", "source_file", "publisher", "classification", "row_count",
                    "loaded_by_display", "loaded_at", "is_fictional"]
    list_filter = ["kind", "classification", "is_fictional", "publisher"]
    list_select_related = ["loaded_by"]
    search_fields = ["name", "source_file", "publisher", "checksum"]
    date_hierarchy = "loaded_at"
    readonly_fields = ["kind", "source_file", "row_count", "checksum", "loaded_by",
                       "loaded_by_name", "loaded_at", "is_fictional"]

    @admin.display(description="loaded by")
    def loaded_by_display(self, dataset):
        return dataset.loaded_by or dataset.loaded_by_name or "Not recorded"

    def has_add_permission(self, request):
        return False  # datasets are created by loading a file

    def has_delete_permission(self, request, obj=None):
        return False  # deleting one cascades to every row it loaded; see LoadedDataAdmin


@admin.register(Deprivation)
class DeprivationAdmin(LoadedDataAdmin):
    list_display = ["lsoa_code", "lsoa_name", "district_code", "vintage", "imd_score", "imd_rank",
                    "imd_decile", "idaci_decile"]
    list_filter = ["imd_decile", "idaci_decile", "vintage"]
    search_fields = ["lsoa_code", "lsoa_name", "district_code"]


@admin.register(Incident)
class IncidentAdmin(LoadedDataAdmin):
    list_display = ["category", "source", "month", "location", "lsoa", "deliberate", "outcome",
                    "dataset"]
    list_filter = ["source", "category", "deliberate"]
    list_select_related = ["lsoa", "dataset"]
    search_fields = ["reference", "category", "location", "reported_lsoa_code"]
    date_hierarchy = "month"


@admin.register(Place)
class PlaceAdmin(LoadedDataAdmin):
    list_display = ["name", "kind", "postcode", "lsoa", "dataset"]
    list_filter = ["kind"]
    list_select_related = ["lsoa", "dataset"]
    search_fields = ["name", "reference", "address", "postcode"]


@admin.register(Notice)
class NoticeAdmin(LoadedDataAdmin):
    list_display = ["reference", "kind", "premises", "postcode", "issued_on", "expires_on", "lsoa"]
    list_filter = ["kind"]
    list_select_related = ["lsoa"]
    search_fields = ["reference", "premises", "address", "postcode"]
    date_hierarchy = "issued_on"


@admin.register(AreaRate)
class AreaRateAdmin(LoadedDataAdmin):
    list_display = ["area_code", "level", "measure", "count", "rate_per_1000", "period", "dataset"]
    list_filter = ["measure", "level"]
    search_fields = ["area_code"]


@admin.register(OutputAreaClassification)
class OutputAreaClassificationAdmin(LoadedDataAdmin):
    list_display = ["lsoa_code", "output_areas", "supergroups", "dataset"]
    search_fields = ["lsoa_code"]
