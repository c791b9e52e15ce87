from django.contrib import admin

from safereach.core.models import PeriodicTask


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(admin.ModelAdmin):
    """When each periodic task last started and is next due: a task that stopped starting shows
    here (is the ticker or `safereach periodic` running?). Core imports no SafeReach app, so
    this follows Django's own permissions (superusers) rather than the administrator role."""

    list_display = ["name", "every_seconds", "last_started_at", "next_due_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
