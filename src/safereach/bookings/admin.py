from django.contrib import admin

from safereach.accounts.admin import AdministratorAdmin
from safereach.bookings.models import (
    Booking,
    ChangeEmail,
    Closure,
    Invitation,
    KnownAddress,
    Term,
    Visit,
    VisitChange,
)


@admin.register(Term)
class TermAdmin(AdministratorAdmin):
    list_display = ["name", "la_code", "starts_on", "ends_on"]
    list_filter = ["la_code"]


@admin.register(Closure)
class ClosureAdmin(AdministratorAdmin):
    list_display = ["name", "la_code", "starts_on", "ends_on"]
    list_filter = ["la_code"]


@admin.register(KnownAddress)
class KnownAddressAdmin(AdministratorAdmin):
    list_display = ["school", "domain", "email", "verified_by", "verified_at"]
    search_fields = ["school__name", "domain", "email"]
    raw_id_fields = ["school"]


@admin.register(Booking)
class BookingAdmin(AdministratorAdmin):
    list_display = ["pk", "school", "status", "is_target", "contact_email", "created_at"]
    list_filter = ["status", "is_target"]
    search_fields = ["school__name", "contact_email"]
    raw_id_fields = ["school"]


@admin.register(Visit)
class VisitAdmin(AdministratorAdmin):
    list_display = ["starts_at", "school", "session", "officer", "status"]
    list_filter = ["status", "officer"]
    raw_id_fields = ["school", "booking"]


@admin.register(Invitation)
class InvitationAdmin(AdministratorAdmin):
    list_display = ["school", "programme", "sent_to", "sent_at", "sent_by"]
    list_filter = ["programme"]


@admin.register(ChangeEmail)
class ChangeEmailAdmin(AdministratorAdmin):
    list_display = ["booking", "to", "subject", "sent_at"]
    search_fields = ["to", "subject"]
    raw_id_fields = ["booking"]


@admin.register(VisitChange)
class VisitChangeAdmin(AdministratorAdmin):
    """The outbox of visit changes for case systems: written by the visits' own changes, read here."""

    list_display = ["occurred_at", "kind", "visit", "agency", "passed_on_at"]
    list_filter = ["kind", "agency"]
    list_select_related = ["visit", "visit__school", "visit__session", "agency"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
