from django import forms
from django.contrib import admin

from safereach.accounts.admin import AdministratorAdmin
from safereach.matrix.models import BacktestRun, Programme, ProgrammeVersion, TargetList
from safereach.schools.year_groups import YEAR_GROUPS


class ProgrammeForm(forms.ModelForm):
    year_groups = forms.TypedMultipleChoiceField(
        label="Year groups", choices=YEAR_GROUPS, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=Programme._meta.get_field("year_groups").help_text,
        error_messages={"required": "Select the year groups the programme serves"})

    class Meta:
        model = Programme
        fields = ["name", "slug", "description", "year_groups", "agencies"]


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

    form = ProgrammeForm
    list_display = ["name", "slug", "year_groups_text", "has_profile", "version"]
    fields = ["name", "slug", "description", "year_groups", "agencies"]
    filter_horizontal = ["agencies"]
    inlines = [VersionInline]


@admin.register(TargetList)
class TargetListAdmin(admin.ModelAdmin):
    list_display = ["programme", "built_at", "until", "school_count", "is_current"]
    list_filter = ["programme", "is_current"]
    readonly_fields = ["programme", "profile_version", "built_at", "built_by", "until",
                       "school_count", "is_current", "details"]


@admin.register(BacktestRun)
class BacktestRunAdmin(AdministratorAdmin):
    """Runs are asked for on a programme's back-test page and written by their task; here they
    are read, so an administrator can see what was asked and why a run failed."""

    list_display = ["created_at", "programme", "asked_by", "until", "horizon_months", "state", "percent"]
    list_filter = ["state", "programme"]
    list_select_related = ["programme", "asked_by"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
