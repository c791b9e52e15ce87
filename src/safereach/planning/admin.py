from django.contrib import admin

from safereach.accounts.admin import AdministratorAdmin
from safereach.planning.models import HoldBack, PlanRun


@admin.register(PlanRun)
class PlanRunAdmin(AdministratorAdmin):
    """Runs are asked for on the term plan page and written by the planner's task; here they
    are read, so an administrator can see what was asked and why a run failed."""

    list_display = [
        "created_at",
        "agency",
        "asked_by",
        "first_day",
        "last_day",
        "seconds",
        "state",
        "progress_shown",
    ]
    list_filter = ["state", "agency"]
    list_select_related = ["agency", "asked_by"]
    date_hierarchy = "created_at"

    @admin.display(description="progress", ordering="progress")
    def progress_shown(self, run):
        return f"{run.percent}%"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HoldBack)
class HoldBackAdmin(AdministratorAdmin):
    """Draws are made on the hold-back page, which audits each; here they are read."""

    list_display = ["term", "programme", "share_percent", "agreed_by", "drawn_by", "drawn_at"]
    list_select_related = ["term", "drawn_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
