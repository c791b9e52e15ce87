from datetime import date

from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static

from safereach.accounts.models import Role
from safereach.bookings.retention import contact_retention_days
from safereach.home.figures import FIGURES_BY_ROLE, sections_for


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_signed_out.html")
    sections = [
        {"role": role, "label": Role(role).label, **FIGURES_BY_ROLE[role](request.user)}
        for role in sections_for(request.user)
    ]
    return render(request, "home.html", {"sections": sections})


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file."""
    return redirect(static("favicon.ico"), permanent=True)


def accessibility(request):
    return render(
        request,
        "home/accessibility.html",
        {"site": request.get_host(), "contact": settings.SAFEREACH_CONTACT, "reviewed": date(2026, 12, 3)},
    )


def privacy(request):
    return render(
        request,
        "home/privacy.html",
        {"contact": settings.SAFEREACH_CONTACT, "contact_days": contact_retention_days()},
    )
