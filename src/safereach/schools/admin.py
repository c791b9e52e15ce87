from django.contrib import admin

from safereach.accounts.admin import LoadedDataAdmin
from safereach.schools.models import School, SchoolNeed, TierDecision


@admin.register(School)
class SchoolAdmin(LoadedDataAdmin):
    list_display = ["urn", "name", "phase", "type_group", "town", "la_name", "lsoa", "pupils",
                    "percent_fsm", "need_tier", "is_fictional"]
    list_filter = ["phase", "type_group", "status", "need_tier", "is_fictional", "la_name"]
    list_select_related = ["lsoa"]
    search_fields = ["urn", "name", "postcode", "town"]


@admin.register(SchoolNeed)
class SchoolNeedAdmin(LoadedDataAdmin):
    """What schools said would help them: they change it through their own page."""

    list_display = ["school", "school_year", "urgency", "own_tier", "updated_at"]
    list_filter = ["school_year", "urgency", "own_tier"]
    list_select_related = ["school"]
    search_fields = ["school__name", "school__urn"]


@admin.register(TierDecision)
class TierDecisionAdmin(LoadedDataAdmin):
    """Decisions are evidence of who set a tier and why: made on the tiers page or loaded."""

    list_display = ["school", "tier", "source", "decided_by", "decided_at"]
    list_filter = ["source", "tier"]
    list_select_related = ["school", "decided_by"]
    search_fields = ["school__name", "school__urn"]
