"""The stepped-wedge draws: a coordinator holds back an agreed, random share of the schools waiting
for a programme for one term (the term planner leaves their requests out of that term's plans),
and anyone who may read the impact evaluation can check a draw."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.bookings.models import Term
from safereach.matrix.models import Programme
from safereach.planning.models import HoldBack
from safereach.planning.stepped_wedge import hold_back as draw_hold_back
from safereach.planning.stepped_wedge import waiting_schools


class HoldBackForm(forms.Form):
    term = forms.ModelChoiceField(
        label="Term",
        queryset=Term.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the term the schools are held back for",
            "invalid_choice": "Choose a term from the list",
        },
    )
    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        empty_label=None,
        error_messages={
            "required": "Choose the programme",
            "invalid_choice": "Choose a programme from the list",
        },
    )
    share_percent = forms.IntegerField(
        label="Share of waiting schools to hold back, in per cent",
        min_value=1,
        max_value=50,
        help_text="As agreed with the partners, from 1 to 50.",
        error_messages={
            "required": "Enter the share of waiting schools to hold back",
            "invalid": "Enter the share as a whole number, like 20",
            "min_value": "The share must be at least 1 per cent",
            "max_value": "The share must be 50 per cent or less: most waiting schools must still be visited",
        },
    )
    agreed_by = forms.CharField(
        label="Who agreed it, and when",
        max_length=300,
        help_text="For example: MACE partnership meeting, 3 December 2026.",
        error_messages={
            "required": "Enter who agreed the share, and when",
            "max_length": "Keep who agreed it to 300 characters or fewer",
        },
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(ends_on__gte=today).order_by(
            "starts_on", "la_code"
        )

    def clean(self):
        data = super().clean()
        term, programme = data.get("term"), data.get("programme")
        if term is None or programme is None:
            return data
        label = programme.name
        earlier = HoldBack.objects.filter(term=term, programme=programme).first()
        if earlier is not None:
            self.add_error(
                "programme",
                f"Schools were already drawn for {label.lower()} in {term.name} on "
                f"{timezone.localtime(earlier.drawn_at):%-d %B %Y}: a term has one draw "
                "per programme",
            )
        elif not waiting_schools(term, programme).exists():
            self.add_error(
                "programme",
                f"No school is waiting for {label.lower()} in {term.name}, so there is nothing to draw from",
            )
        return data


@role_required(Role.COORDINATOR)
def hold_backs(request):
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = HoldBackForm(request.POST, today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = draw_hold_back(
                    data["term"],
                    data["programme"],
                    data["share_percent"],
                    data["agreed_by"].strip(),
                    request.user,
                )
            except ValueError:
                form.add_error("programme", "No school is waiting any more, so there is nothing to draw from")
            else:
                messages.success(
                    request,
                    f"Drew {made.schools.count()} of {len(made.pool_urns)} waiting schools "
                    f"to hold back in {made.term.name}.",
                )
                return redirect("planning:hold-back", pk=made.pk)
        status = 400
    else:
        form = HoldBackForm(today=today, initial={"share_percent": 20})
    return render(
        request,
        "planning/hold_backs.html",
        {
            "form": form,
            "first_field": form["term"],
            "draws": HoldBack.objects.select_related("term", "programme", "drawn_by")[:50],
        },
        status=status,
    )


@role_required(Role.COORDINATOR, Role.ANALYST)
def hold_back(request, pk):
    found = get_object_or_404(HoldBack.objects.select_related("term", "programme", "drawn_by"), pk=pk)
    return render(
        request, "planning/hold_back.html", {"draw": found, "schools": found.schools.order_by("urn")}
    )
