"""Two-step sign-in (TOTP, django-otp) for those who may see OFFICIAL-SENSITIVE data
(accounts.roles). After the password, such a user is sent here until they give a code from
their authenticator app; the first time, the page shows the key (and a QR code of it) to add
to the app. django-otp limits wrong codes: each one doubles the wait before the next."""

from base64 import b32encode
from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from safereach.accounts.roles import needs_two_step_sign_in


def required_for(request) -> bool:
    user = request.user
    return (
        getattr(settings, "SAFEREACH_TWO_STEP", True)
        and user.is_authenticated
        and not user.is_verified()
        and needs_two_step_sign_in(user)
    )


class TwoStepRequiredMiddleware:
    """Until the second step is done, a signed-in user who needs it reaches only the two-step
    page, signing out, and static files."""

    OPEN = ("accounts:two-step", "accounts:sign-out")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        if match is None or match.view_name in self.OPEN or not required_for(request):
            return None
        return redirect(f"{reverse('accounts:two-step')}?next={quote(request.get_full_path())}")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        help_text="6 numbers, for example 123456.",
        error_messages={"required": "Enter the 6-number code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "spellcheck": "false"}),
    )

    def __init__(self, *args, device, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 numbers, like 123456")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError("Too many wrong codes: wait a minute, then enter a new code")
        if not self.device.verify_token(code):
            raise forms.ValidationError("That code is not right: enter the code your app shows now")
        return code


def device_for(user) -> TOTPDevice:
    """The user's authenticator: the confirmed one, or one waiting to be set up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


@never_cache
def two_step(request):
    if not request.user.is_authenticated:
        return redirect("accounts:sign-in")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    if not required_for(request):
        return redirect(next_url or "home")
    device = device_for(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None, device=device)
    if form.is_valid():
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(next_url or "home")
    context = {"form": form, "next": next_url, "setting_up": not device.confirmed}
    if not device.confirmed:
        uri = device.config_url
        context.update(
            key=" ".join(_key_groups(device)),
            qr=segno.make(uri, error="m").svg_data_uri(scale=5, dark="#0b0c0c"),
        )
    return render(request, "accounts/two_step.html", context)


def _key_groups(device) -> list[str]:
    key = b32encode(device.bin_key).decode().rstrip("=")
    return [key[i:i + 4] for i in range(0, len(key), 4)]
