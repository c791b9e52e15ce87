from django.contrib import admin

from safereach.matrix.models import Programme, ProgrammeVersion, TargetList


class VersionInline(admin.TabularInline):
    model = ProgrammeVersion
    fields = ["version", "created_at", "created_by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Administrators choose which agencies deliver a programme; analysts edit profiles on the
    programme's profile page, where every change becomes a version."""

    list_display = ["name", "slug", "version"]
    fields = ["name", "slug", "description", "agencies"]
    filter_horizontal = ["agencies"]
    inlines = [VersionInline]


@admin.register(TargetList)
class TargetListAdmin(admin.ModelAdmin):
    list_display = ["programme", "built_at", "until", "school_count", "is_current"]
    list_filter = ["programme", "is_current"]
    readonly_fields = ["programme", "profile_version", "built_at", "built_by", "until",
                       "school_count", "is_current", "details"]
