from django.contrib import admin

from safereach.accounts.admin import AdministratorAdmin, LoadedDataAdmin
from safereach.workforce.models import Officer, Station


@admin.register(Station)
class StationAdmin(LoadedDataAdmin):
    list_display = ["name", "service", "operator", "postcode", "lsoa", "is_fictional"]
    list_filter = ["service", "operator", "is_fictional"]
    list_select_related = ["lsoa"]
    search_fields = ["name", "operator", "postcode"]


@admin.register(Officer)
class OfficerAdmin(AdministratorAdmin):
    """Officers are people an administrator sets up, so unlike loaded data they are edited here."""

    list_display = ["name", "agency", "user", "base", "working_days", "max_visits_per_day",
                    "is_fictional"]
    list_filter = ["agency", "is_fictional"]
    list_select_related = ["agency", "user", "base"]
    search_fields = ["name", "user__email", "agency__name", "base__name"]
    autocomplete_fields = ["user", "base"]
