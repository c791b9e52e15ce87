"""The coordinator's term plan: run the planner over the agency's open requests, see the plan
beside the diaries as they stand (travel before and after), pin or drop items, run it again,
and apply it, which books the visits and emails the schools.

The planner runs inside the request, synchronously, for the seconds the coordinator asks (at
most 60), so the page waits that long; the plan is kept in the coordinator's session (the
database), not in the web process, until it is applied or replaced."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.bookings.models import Term
from safereach.bookings.term_plan import apply_plan, make_plan
from safereach.bookings.views import _coordinator_bookings, site_url

SESSION_KEY = "term_plan"
MAX_SECONDS = 60


class PlanForm(forms.Form):
    first_day = forms.DateField(
        label="First day",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the first day to plan",
            "invalid": "Enter the first day as a real date",
        },
    )
    last_day = forms.DateField(
        label="Last day",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the last day to plan",
            "invalid": "Enter the last day as a real date",
        },
    )
    seconds = forms.IntegerField(
        label="Seconds to plan for",
        min_value=1,
        max_value=MAX_SECONDS,
        initial=20,
        help_text=f"Longer finds less travel. The page waits this long (at most {MAX_SECONDS} seconds).",
        error_messages={
            "required": "Enter how many seconds to plan for",
            "min_value": "Plan for at least 1 second",
            "max_value": f"Plan for at most {MAX_SECONDS} seconds",
        },
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "The last day must be on or after the first day")
        elif first and last and (last - first).days > 120:
            self.add_error("last_day", "Plan at most 120 days at a time")
        return data


def _default_term():
    today = timezone.localdate()
    term = Term.objects.filter(ends_on__gt=today).order_by("starts_on").first()
    if term is None:
        return today + timedelta(days=1), today + timedelta(days=28)
    return max(term.starts_on, today + timedelta(days=1)), term.ends_on


@role_required(Role.COORDINATOR)
def term_plan(request):
    stored = request.session.get(SESSION_KEY)
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            pinned, dropped = {}, set(request.POST.getlist("drop"))
            if stored:
                by_key = {v["request"]: v for v in stored["plan"]["visits"]}
                for key in request.POST.getlist("pin"):
                    if key in by_key and key not in dropped:
                        v = by_key[key]
                        h, m = map(int, v["starts"].split(":"))
                        pinned[key] = (v["officer_id"], date.fromisoformat(v["day"]), h * 60 + m)
                dropped |= set(stored.get("dropped", [])) - set(request.POST.getlist("undrop"))
            result = make_plan(
                form.cleaned_data["first_day"],
                form.cleaned_data["last_day"],
                seconds=form.cleaned_data["seconds"],
                pinned=pinned,
                dropped=dropped,
                requests=_coordinator_bookings(request.user),
                agency_id=None if request.user.has_role(Role.ADMINISTRATOR) else request.user.agency_id,
            )
            request.session[SESSION_KEY] = {
                "form": {k: str(v) for k, v in form.cleaned_data.items()},
                "plan": result.summary(),
                "pinned": sorted(pinned),
                "dropped": sorted(dropped),
            }
            return redirect("bookings:term-plan")
    else:
        if stored:
            form = PlanForm(initial=stored["form"])
        else:
            first, last = _default_term()
            form = PlanForm(initial={"first_day": first, "last_day": last, "seconds": 20})
    plan = stored["plan"] if stored else None
    return render(
        request,
        "bookings/term_plan.html",
        {
            "form": form,
            "plan": plan,
            "pinned": set(stored["pinned"]) if stored else set(),
            "dropped": stored["dropped"] if stored else [],
            "max_seconds": MAX_SECONDS,
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def apply_term_plan(request):
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.error(request, "There is no plan to apply. Plan the term first.")
        return redirect("bookings:term-plan")
    mine = set(_coordinator_bookings(request.user).values_list("pk", flat=True))
    visits = [v for v in stored["plan"]["visits"] if int(v["request"].split(":")[0]) in mine]
    by = f"{request.user.get_full_name() or request.user.email} (booking coordinator, term plan)"
    booked, failed = apply_plan(visits, by=by, site_url=site_url(request))
    del request.session[SESSION_KEY]
    messages.success(
        request,
        f"Booked {len(booked)} request{'s' if len(booked) != 1 else ''} from the plan; "
        "each school has been emailed its times.",
    )
    if failed:
        messages.error(
            request,
            f"{len(failed)} planned visit{'s' if len(failed) != 1 else ''} no longer "
            "fitted and {} not booked: plan again to find them a time.".format(
                "were" if len(failed) != 1 else "was"
            ),
        )
    return redirect("bookings:term-plan")
