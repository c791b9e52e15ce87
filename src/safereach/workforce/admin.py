from django.contrib import admin

from safereach.accounts.admin import AdministratorAdmin, LoadedDataAdmin, is_administrator
from safereach.workforce.models import BusyTime, Leave, Officer, Station


@admin.register(Station)
class StationAdmin(LoadedDataAdmin):
    list_display = ["name", "service", "operator", "postcode", "lsoa", "is_fictional"]
    list_filter = ["service", "operator", "is_fictional"]
    list_select_related = ["lsoa"]
    search_fields = ["name", "operator", "postcode"]


class LeaveInline(admin.TabularInline):
    model = Leave
    extra = 1

    def has_view_permission(self, request, obj=None):
        return is_administrator(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Officer)
class OfficerAdmin(AdministratorAdmin):
    """Officers are people an administrator sets up, so unlike loaded data they are edited here."""

    list_display = ["name", "agency", "user", "base", "working_days", "max_visits_per_day",
                    "is_fictional"]
    list_filter = ["agency", "is_fictional"]
    list_select_related = ["agency", "user", "base"]
    search_fields = ["name", "user__email", "agency__name", "base__name"]
    autocomplete_fields = ["user", "base"]
    filter_horizontal = ["sessions"]
    inlines = [LeaveInline]


@admin.register(Leave)
class LeaveAdmin(AdministratorAdmin):
    list_display = ["officer", "starts_on", "ends_on", "reason"]
    list_filter = ["officer__agency"]
    list_select_related = ["officer"]
    search_fields = ["officer__name", "reason"]


@admin.register(BusyTime)
class BusyTimeAdmin(AdministratorAdmin):
    """Busy times as last read from officers' own calendars: written by the reader only."""

    list_display = ["officer", "starts_at", "ends_at"]
    list_filter = ["officer"]
    date_hierarchy = "starts_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
