from django.contrib import admin

from safereach.accounts.admin import AdministratorAdmin
from safereach.catalogue.models import Session


@admin.register(Session)
class SessionAdmin(AdministratorAdmin):
    list_display = ["title", "partner", "programme", "length_minutes", "cost_pence", "is_published"]
    list_filter = ["programme", "partner", "is_published"]
    search_fields = ["title", "description", "partner__name"]
    prepopulated_fields = {"slug": ["title"]}
