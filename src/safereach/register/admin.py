"""The register in the admin: to look at, never to change. Notices and their events are recorded
on the protection staff's pages, checked by the rules and audited; an event is kept for ever."""

from django.contrib import admin

from safereach.accounts.admin import LoadedDataAdmin
from safereach.register.models import NoticeEvent, RegisterNotice


class EventInline(admin.TabularInline):
    model = NoticeEvent
    fk_name = "notice"
    fields = ["on", "kind", "outcome", "compliance_date", "recorded_at", "recorded_by", "recorded_by_name",
              "corrects", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["on", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RegisterNotice)
class RegisterNoticeAdmin(LoadedDataAdmin):
    list_display = ["number", "kind", "premises_name", "recipient", "postcode", "served_on", "public_from",
                    "agency"]
    list_filter = ["kind", "premises_type", "agency"]
    list_select_related = ["agency"]
    search_fields = ["number", "premises_name", "recipient", "address", "postcode"]
    date_hierarchy = "served_on"
    inlines = [EventInline]


@admin.register(NoticeEvent)
class NoticeEventAdmin(LoadedDataAdmin):
    list_display = ["notice", "kind", "on", "recorded_at", "recorded_by", "recorded_by_name"]
    list_filter = ["kind"]
    list_select_related = ["notice", "recorded_by"]
    search_fields = ["notice__number", "note"]
    date_hierarchy = "recorded_at"
