from django.contrib import admin

from safereach.accounts.admin import LoadedDataAdmin
from safereach.schools.models import School


@admin.register(School)
class SchoolAdmin(LoadedDataAdmin):
    list_display = ["urn", "name", "phase", "type_group", "town", "la_name", "lsoa", "pupils",
                    "percent_fsm", "need_tier", "is_fictional"]
    list_filter = ["phase", "type_group", "status", "need_tier", "is_fictional", "la_name"]
    list_select_related = ["lsoa"]
    search_fields = ["urn", "name", "postcode", "town"]
