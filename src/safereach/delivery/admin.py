from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from safereach.accounts.admin import AdministratorAdmin, is_administrator
from safereach.bookings.models import VisitChange
from safereach.delivery.models import (
    CaseSystem,
    CaseSystemSecret,
    VisitOutcome,
    WebhookAttempt,
    WebhookDelivery,
)
from safereach.delivery.webhooks import send_again


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


# Case systems and webhooks ------------------------------------------------------------------------


class CaseSystemForm(forms.ModelForm):
    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter the address the case system gave, like https://cfrmis.example/hooks"
        },
    )
    events = forms.MultipleChoiceField(
        label="Changes it hears of",
        choices=VisitChange.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one kind of change to send"},
    )

    class Meta:
        model = CaseSystem
        fields = ["agency", "name", "url", "events", "is_active"]


class ReadOnlyInline(admin.TabularInline):
    """Shown to administrators (by role, as AdministratorAdmin), never added to or changed here."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_administrator(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SecretInline(ReadOnlyInline):
    model = CaseSystemSecret
    fields = readonly_fields = ["secret", "created_at", "retires_at"]  # new ones by rotating


@admin.register(CaseSystem)
class CaseSystemAdmin(AdministratorAdmin):
    """Where an agency's visit changes are sent. Give the case system the secret shown; to change
    it, rotate: both sign for a day while the case system switches over."""

    form = CaseSystemForm
    list_display = ["name", "agency", "failed_shown", "waiting", "is_active", "url"]
    list_filter = ["agency", "is_active"]
    inlines = [SecretInline]
    actions = ["rotate_secrets"]

    def get_queryset(self, request):
        states = WebhookDelivery.State
        return (
            super()
            .get_queryset(request)
            .select_related("agency")
            .annotate(
                n_waiting=Count("deliveries", filter=Q(deliveries__state=states.WAITING)),
                n_failed=Count("deliveries", filter=Q(deliveries__state=states.FAILED)),
            )
        )

    @admin.display(description="waiting", ordering="n_waiting")
    def waiting(self, system):
        return system.n_waiting

    @admin.display(description="failed", ordering="n_failed")
    def failed_shown(self, system):
        if not system.n_failed:
            return 0
        url = reverse("admin:delivery_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?case_system__id__exact={}&state__exact=failed"><strong>{} failed</strong></a>',
            url,
            system.pk,
            system.n_failed,
        )

    @admin.action(description="Rotate the secret (the old one keeps signing for a day)")
    def rotate_secrets(self, request, queryset):
        for system in queryset:
            system.rotate_secret()
        self.message_user(request, f"New secrets made for {queryset.count()} case system(s).")


class AttemptInline(ReadOnlyInline):
    """The delivery log."""

    model = WebhookAttempt
    verbose_name, verbose_name_plural = "try", "delivery log: every try"
    fields = readonly_fields = ["at", "status_code", "error", "response"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdministratorAdmin):
    """Each change sent to each case system, with every try. Failed ones are sent again with the
    action below, or the button on a delivery's page."""

    list_display = ["change_shown", "case_system", "state", "attempts", "next_try", "last_error"]
    list_filter = ["state", "case_system", "change__kind"]
    list_select_related = ["change", "case_system"]
    search_fields = ["change__job__reference", "change__job__school_name"]
    readonly_fields = [
        "change_shown",
        "case_system",
        "state",
        "attempts",
        "first_attempt_at",
        "next_try",
        "delivered_at",
        "last_error",
        "body",
    ]
    fields = readonly_fields
    inlines = [AttemptInline]
    actions = ["send_failed_again"]
    change_form_template = "admin/delivery/webhookdelivery/change_form.html"

    @admin.display(description="change", ordering="change__occurred_at")
    def change_shown(self, delivery):
        change = delivery.change
        when = timezone.localtime(change.occurred_at)
        job = change.job
        what = f"{change.get_kind_display()}: {job.get('reference')} {job.get('school_name')}"
        return f"{what}, {when:%d %b %Y %H:%M}"

    @admin.display(description="next try", ordering="next_attempt_at")
    def next_try(self, delivery):
        if delivery.state != WebhookDelivery.State.WAITING:
            return "-"  # delivered, or failed and waiting for "Send again"
        return timezone.localtime(delivery.next_attempt_at).strftime("%d %b %Y %H:%M:%S")

    @admin.display(description="what is sent")
    def body(self, delivery):
        import json

        from safereach.delivery.webhooks import event

        return format_html("<pre>{}</pre>", json.dumps(event(delivery.change), indent=2))

    @admin.action(description="Send the selected failed deliveries again")
    def send_failed_again(self, request, queryset):
        count = send_again(queryset)
        self.message_user(
            request, f"{count} failed deliver{'y' if count == 1 else 'ies'} will be sent again."
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/send-again/",
                self.admin_site.admin_view(self.send_one_again),
                name="delivery_webhookdelivery_send_again",
            )
        ]
        return own + super().get_urls()

    def send_one_again(self, request, pk):
        """The "Send again" button on a failed delivery's page."""
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        if send_again(WebhookDelivery.objects.filter(pk=pk)):
            self.message_user(request, "It will be sent again within a minute.")
        else:
            self.message_user(request, "Only a failed delivery can be sent again.", messages.WARNING)
        return redirect("admin:delivery_webhookdelivery_change", pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
