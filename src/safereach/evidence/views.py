from django.shortcuts import render

from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.evidence.models import Dataset


@role_required(Role.ANALYST, Role.COORDINATOR, Role.PARTNER, Role.ADMINISTRATOR)
def datasets(request):
    """Every dataset loaded, with where it came from and how it may be shared."""
    return render(
        request,
        "evidence/datasets.html",
        {"datasets": Dataset.objects.select_related("loaded_by").order_by("kind", "-loaded_at")},
    )
