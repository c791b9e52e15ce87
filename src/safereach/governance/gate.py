"""What a view does before it shows OFFICIAL-SENSITIVE data: ask the person why (once in a
while), then write the audit entry. Views call `sensitive_gate` and return its answer when
there is one."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from safereach.governance.access import audit_sensitive, reason_given


def sensitive_gate(request, datasets, *, export: bool = False, what: str = ""):
    """None when the page may go on (nothing sensitive, or a fresh reason given, now audited);
    otherwise the redirect to the page that asks for the reason and comes back."""
    if not datasets:
        return None
    if not reason_given(request):
        return redirect(reverse("governance:reason") + "?" + urlencode({"next": request.get_full_path()}))
    audit_sensitive(request, datasets, export=export, what=what)
    return None
