from django.contrib import admin

from safereach.accounts.admin import LoadedDataAdmin
from safereach.areas.models import Area


@admin.register(Area)
class AreaAdmin(LoadedDataAdmin):
    list_display = ["code", "name", "level", "vintage", "parent", "district", "area_km2",
                    "is_fictional"]
    list_filter = ["level", "vintage", "is_fictional"]
    list_select_related = ["parent", "district"]
    search_fields = ["code", "name"]
    # The boundary GeoJSON can run to megabytes; the admin shows where an area is, not its shape.
    exclude = ["geometry"]
