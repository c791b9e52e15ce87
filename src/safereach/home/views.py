from django.shortcuts import render

from safereach.accounts.models import Role
from safereach.home.figures import FIGURES_BY_ROLE, sections_for


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_signed_out.html")
    sections = [
        {"role": role, "label": Role(role).label, **FIGURES_BY_ROLE[role](request.user)}
        for role in sections_for(request.user)
    ]
    return render(request, "home.html", {"sections": sections})
