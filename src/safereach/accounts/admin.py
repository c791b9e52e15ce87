from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from safereach.accounts.forms import StaffUserChangeForm, StaffUserCreationForm
from safereach.accounts.models import Agency, AuditEvent, ConcernRoute, Role, User

admin.site.site_header = "SafeReach administration"
admin.site.site_title = "SafeReach administration"
admin.site.index_title = "Agencies, users, officers and evidence"
# What a user may do follows their SafeReach roles, so Django's groups would only mislead.
admin.site.unregister(Group)


def is_administrator(request) -> bool:
    user = request.user
    return user.is_active and user.has_role(Role.ADMINISTRATOR)


class AdministratorAdmin(admin.ModelAdmin):
    """Admin pages are for holders of the administrator role.

    Access follows the role rather than Django's per-model permissions, so giving someone the
    role in SafeReach is all it takes (User.save keeps is_staff in step with it).
    """

    def has_module_permission(self, request):
        return is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request)

    def has_add_permission(self, request):
        return is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request)


class LoadedDataAdmin(AdministratorAdmin):
    """Data that arrives by `safereach load` or `safereach demo` is looked at here, not edited.

    Editing a row by hand would break the link between a dataset and the file it came from
    (its checksum and row count); correct the file and load it again instead. Deleting here
    would also make Django list every dependent row on one page, which for incidents is
    tens of thousands.
    """

    show_full_result_count = False  # counting a large table twice per page is slow

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # Roles are a JSON list and SQLite cannot search inside one, so match in Python;
        # staff users number in the hundreds at most.
        holders = [
            pk for pk, roles in queryset.values_list("pk", "roles") if self.value() in (roles or [])
        ]
        return queryset.filter(pk__in=holders)


@admin.register(User)
class UserAdmin(AdministratorAdmin, DjangoUserAdmin):
    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "agency", "role_list", "is_active",
                    "last_login"]
    list_filter = [RoleFilter, "agency", "is_active"]
    list_select_related = ["agency"]
    search_fields = ["email", "first_name", "last_name", "agency__name"]
    readonly_fields = ["is_staff", "is_superuser", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Agency and roles", {"fields": ["agency", "roles"]}),
        (
            "Status",
            {
                "fields": ["is_active", "is_staff", "is_superuser"],
                "description": "Only administrators can use this administration site: "
                "giving the administrator role gives access.",
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email", "first_name", "last_name", "agency", "roles",
                    "usable_password", "password1", "password2",
                ],
            },
        ),
    ]

    @admin.display(description="roles")
    def role_list(self, user):
        labels = dict(Role.choices)
        return ", ".join(labels.get(role, role) for role in user.roles or []) or "None"


@admin.register(Agency)
class AgencyAdmin(AdministratorAdmin):
    list_display = ["name", "kind", "website", "is_fictional"]
    list_filter = ["kind", "is_fictional"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ConcernRoute)
class ConcernRouteAdmin(AdministratorAdmin):
    """Who receives schools' safeguarding concerns. The concerns themselves are not in the admin:
    only their recipients may read them."""

    list_display = ["agency", "topic", "area_code"]
    list_filter = ["topic", "agency"]
    filter_horizontal = ["recipients"]


@admin.register(AuditEvent)
class AuditEventAdmin(LoadedDataAdmin):
    """The audit log is evidence of what happened, so nobody edits it."""

    list_display = ["at", "user", "actor", "action", "target"]
    list_filter = ["action"]
    list_select_related = ["user"]
    search_fields = ["action", "target", "actor", "user__email"]
    date_hierarchy = "at"
