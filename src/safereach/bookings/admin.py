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
