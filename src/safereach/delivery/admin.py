from django.contrib import admin

from safereach.accounts.admin import AdministratorAdmin
from safereach.delivery.models import HoldBack, VisitOutcome


@admin.register(VisitOutcome)
class VisitOutcomeAdmin(AdministratorAdmin):
    """Outcomes are changed on the outcome page, where every change is audited; here they are read."""

    list_display = ["visit", "delivered", "pupils_reached", "reason", "recorded_by", "recorded_at"]
    list_filter = ["delivered", "reason"]
    list_select_related = ["visit", "visit__school", "visit__session", "recorded_by"]
    search_fields = ["visit__school__name", "visit__officer__name"]
    date_hierarchy = "recorded_at"

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
