"""Administrators' governance pages: sharing agreements, the data inventory, the audit log;
and the page where anyone about to open OFFICIAL-SENSITIVE data says why."""

import csv
import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from safereach.accounts.audit import AREAS, area_of, label, record
from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.permissions import role_required
from safereach.governance.access import give_reason
from safereach.governance.forms import AgreementForm, AuditFilterForm, ReasonForm
from safereach.governance.inventory import INVENTORY_HEADER, as_rows, stores
from safereach.governance.models import SharingAgreement, agreement_warnings

AUDIT_PAGE = 200


def _csv(name: str, header: list[str], rows) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        # A cell starting with =, +, - or @ would run as a formula in a spreadsheet.
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@role_required(Role.ADMINISTRATOR)
def agreements(request):
    today = timezone.localdate()
    rows = list(SharingAgreement.objects.select_related("provider")
                .prefetch_related("parties", "datasets"))
    for a in rows:
        a.state = "In force" if a.in_force(today) else ("Ended" if a.ends_on < today else "Not started")
    return render(request, "governance/agreements.html", {
        "agreements": rows, "warnings": agreement_warnings(today, rows), "today": today})


def _snapshot(agreement: SharingAgreement) -> dict:
    return {
        "title": agreement.title, "provider": str(agreement.provider),
        "parties": sorted(str(p) for p in agreement.parties.all()),
        "purpose": agreement.purpose, "legal_basis": agreement.legal_basis,
        "datasets": sorted(str(d) for d in agreement.datasets.all()),
        "sensitive_roles": sorted(agreement.sensitive_roles),
        "starts_on": agreement.starts_on.isoformat(), "ends_on": agreement.ends_on.isoformat(),
        "review_on": agreement.review_on.isoformat(),
    }


@role_required(Role.ADMINISTRATOR)
def agreement(request, pk=None):
    existing = get_object_or_404(SharingAgreement, pk=pk) if pk else None
    before = _snapshot(existing) if existing else {}
    form = AgreementForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        after = _snapshot(saved)
        changed = {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}
        record("agreement.change" if existing else "agreement.create", user=request.user,
               target=saved.title, changes=changed)
        messages.success(request, f"Saved the sharing agreement “{saved.title}”.")
        return redirect("governance:agreements")
    return render(request, "governance/agreement_form.html", {"form": form, "agreement": existing},
                  status=400 if form.is_bound else 200)


def reason(request):
    """Ask why before OFFICIAL-SENSITIVE data is shown; then back to the page asked for."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        give_reason(request, form.cleaned_data["reason"])
        return redirect(next_url)
    return render(request, "governance/reason.html", {"form": form, "next": next_url},
                  status=400 if form.is_bound else 200)


@role_required(Role.ADMINISTRATOR)
def inventory(request, fmt=None):
    items = stores(timezone.localdate())
    if fmt == "csv":
        record("inventory.export", user=request.user, target="data inventory")
        return _csv(f"data-inventory-{timezone.localdate():%Y-%m-%d}", INVENTORY_HEADER, as_rows(items))
    return render(request, "governance/inventory.html", {"stores": items})


AUDIT_HEADER = ["When", "Who", "Action", "What", "Reason", "Details"]


def _audit_rows(events):
    for e in events:
        detail = dict(e.detail or {})
        why = detail.pop("reason", "")
        yield [timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
               e.actor or (e.user.email if e.user else ""), label(e.action), e.target, why,
               "; ".join(f"{k}: {v}" for k, v in detail.items())]


@role_required(Role.ADMINISTRATOR)
def audit(request, fmt=None):
    present = set(AuditEvent.objects.values_list("action", flat=True).distinct())
    areas = sorted({(area_of(a), AREAS.get(area_of(a), area_of(a))) for a in present}, key=lambda x: x[1])
    form = AuditFilterForm(request.GET or None, areas=areas)
    events = AuditEvent.objects.select_related("user")
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        events = events.none()
    elif form.is_bound:
        f = form.cleaned_data
        if f["area"]:
            events = events.filter(action__startswith=f["area"] + ".")
        if f["who"]:
            from django.db.models import Q

            events = events.filter(Q(actor__icontains=f["who"]) | Q(user__email__icontains=f["who"])
                                   | Q(user__first_name__icontains=f["who"])
                                   | Q(user__last_name__icontains=f["who"]))
        if f["since"]:
            events = events.filter(at__date__gte=f["since"])
        if f["until"]:
            events = events.filter(at__date__lte=f["until"])
    if fmt == "csv" and status == 200:
        record("audit.export", user=request.user, target="audit log", filters=request.GET.dict())
        return _csv(f"audit-log-{timezone.localdate():%Y-%m-%d}", AUDIT_HEADER, _audit_rows(events))
    shown = list(events[:AUDIT_PAGE])
    rows = list(_audit_rows(shown))
    return render(request, "governance/audit.html", {
        "form": form, "rows": rows, "total": events.count(), "limit": AUDIT_PAGE,
        "query": request.GET.urlencode()}, status=status)
