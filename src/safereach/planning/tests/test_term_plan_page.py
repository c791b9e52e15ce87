"""The coordinator's term plan: plan, see travel before and after, pin and drop, plan again,
apply (visits booked through the booking services, schools emailed). Each plan is a PlanRun
made by a background task, and applied by another, both run here inside the request (see
conftest)."""

from datetime import date, datetime, time, timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import quiet_monday
from safereach.planning.models import PlanRun


def ask(county, school, session, monday, **extra):
    booking = Booking.objects.create(
        school=school,
        contact_name="Sam",
        contact_email="sam@oakfield.sch.uk",
        dates_from=monday,
        dates_to=monday + timedelta(days=4),
        pupils=30,
        **{"status": Booking.Status.QUEUED, **extra},
    )
    booking.sessions.add(session)
    return booking


def form(monday, **extra):
    return {
        "first_day": monday.isoformat(),
        "last_day": (monday + timedelta(days=4)).isoformat(),
        "seconds": "1",
        **extra,
    }


def plan(client, data) -> PlanRun:
    """Ask for a plan as the page does; the run it made, finished."""
    response = client.post(reverse("planning:term-plan"), data)
    run = PlanRun.objects.first()
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:term-plan-run", args=[run.pk])
    assert run.state == PlanRun.State.DONE, run.error
    return run


def test_plan_pin_drop_rerun_and_apply(client, county):
    monday = quiet_monday()
    a = ask(county, county["school"], county["home_fire"], monday)
    b = ask(county, county["other"], county["hoax"], monday, part_of_day="morning")
    c = ask(county, county["other"], county["home_fire"], monday)
    police = ask(county, county["school"], county["knife"], monday)  # another agency's request
    client.force_login(county["coordinator"])

    first = plan(client, form(monday))
    planned = {v["request"]: v for v in first.plan["visits"]}
    keys = {f"{x.pk}:{x.sessions.get().pk}" for x in (a, b, c)}
    assert set(planned) == keys, first.plan["left_out_requests"]
    assert not any(k.startswith(f"{police.pk}:") for k in planned)
    assert first.plan["travel_minutes_after"] > first.plan["travel_minutes_before"] == 0
    assert first.agency == county["fire"] and first.asked_by == county["coordinator"]
    page = client.get(reverse("planning:term-plan-run", args=[first.pk])).content.decode()
    assert "Travel with the plan" in page and "Riverside Junior School" in page

    pin_key = f"{b.pk}:{county['hoax'].pk}"
    drop_key = f"{c.pk}:{county['home_fire'].pk}"
    again = plan(client, form(monday, previous=first.pk, pin=[pin_key], drop=[drop_key]))
    assert again.pk != first.pk
    replanned = {v["request"]: v for v in again.plan["visits"]}
    assert drop_key not in replanned and again.dropped == [drop_key]
    assert list(again.pinned) == [pin_key]
    for field in ("officer_id", "day", "starts", "ends"):
        assert replanned[pin_key][field] == planned[pin_key][field]

    mail.outbox.clear()
    client.post(reverse("planning:term-plan-apply", args=[again.pk]))
    again.refresh_from_db()
    assert again.applied_at is not None and again.applied_by == county["coordinator"]
    for booking in (a, b):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CONFIRMED
        v = booking.visits.get(status=Visit.Status.CONFIRMED)
        row = replanned[f"{booking.pk}:{v.session_id}"]
        assert v.officer_id == row["officer_id"] and v.starts_at.date().isoformat() == row["day"]
    c.refresh_from_db()
    assert c.status == Booking.Status.QUEUED and not c.visits.exists()
    assert any("Booking confirmed" in m.subject and "sam@oakfield.sch.uk" in m.to for m in mail.outbox)


def test_a_plan_whose_diary_changed_is_not_applied(client, county):
    monday = quiet_monday()
    a = ask(county, county["school"], county["hoax"], monday, part_of_day="morning")
    a.dates_to = monday
    a.save()
    client.force_login(county["coordinator"])
    run = plan(client, {**form(monday), "last_day": monday.isoformat()})
    row = run.plan["visits"][0]
    # Meanwhile the officer is booked at that very time by someone else.
    other = ask(county, county["other"], county["home_fire"], monday)
    h, m = map(int, row["starts"].split(":"))
    starts = timezone.make_aware(datetime.combine(monday, time(h, m)))
    Visit.objects.create(
        booking=other,
        school=county["other"],
        session=county["home_fire"],
        officer_id=row["officer_id"],
        starts_at=starts - timedelta(minutes=30),
        ends_at=starts + timedelta(minutes=30),
        status=Visit.Status.CONFIRMED,
    )
    response = client.post(reverse("planning:term-plan-apply", args=[run.pk]), follow=True)
    a.refresh_from_db()
    assert a.status == Booking.Status.QUEUED and not a.visits.exists()
    html = response.content.decode()
    assert "Plan applied" in html and "Could not be booked (1)" in html
    assert f"{row['officer']}&#x27;s diary on" in html and "has changed: " in html


def test_the_form_explains_its_errors_and_plans_nothing(client, county):
    client.force_login(county["coordinator"])
    response = client.post(
        reverse("planning:term-plan"), {"first_day": "2027-02-10", "last_day": "2027-02-01", "seconds": "600"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert '<a href="#id_last_day">The last day must be on or after the first day</a>' in html
    assert '<a href="#id_seconds">Plan for at most 300 seconds</a>' in html
    assert "<title>Error: " in html
    assert not PlanRun.objects.exists()


def test_a_term_in_year_9999_is_refused_beside_the_field(client, county):
    client.force_login(county["coordinator"])
    response = client.post(
        reverse("planning:term-plan"), {"first_day": "9999-12-30", "last_day": "9999-12-31", "seconds": "5"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_first_day">The first day must be before' in html
    assert not PlanRun.objects.exists()


def test_a_request_left_at_choose_a_time_is_not_planned(client, county):
    """The school never sent it: the planner books only requests in the queue."""
    monday = quiet_monday()
    abandoned = ask(county, county["school"], county["home_fire"], monday, status=Booking.Status.REQUESTED)
    sent = ask(county, county["other"], county["home_fire"], monday)
    client.force_login(county["coordinator"])

    run = plan(client, form(monday))

    planned = {v["request"].split(":")[0] for v in run.plan["visits"]}
    assert planned == {str(sent.pk)} and str(abandoned.pk) not in planned


def test_plan_pages_speak_of_schools_and_days_and_an_applied_plan_offers_no_changes(client, county):
    monday = quiet_monday()
    a = ask(county, county["school"], county["home_fire"], monday)
    ask(county, county["other"], county["home_fire"], monday)
    client.force_login(county["coordinator"])
    first = plan(client, form(monday))
    dropped = f"{a.pk}:{county['home_fire'].pk}"
    second = plan(client, {**form(monday), "previous": str(first.pk), "drop": [dropped]})

    page = client.get(reverse("planning:term-plan-run", args=[second.pk])).content.decode()

    assert f"Put {county['school'].name} ({county['home_fire'].title}) back in" in page
    visit = second.plan["visits"][0]
    day = date.fromisoformat(visit["day"])
    assert f"{day:%a} {day.day} {day:%b %Y}, {visit['starts']} to {visit['ends']}" in page  # Mon 30 Nov 2026
    client.post(reverse("planning:term-plan-apply", args=[second.pk]))
    applied = client.get(reverse("planning:term-plan-run", args=[second.pk])).content.decode()
    assert "Plan again with these changes" not in applied and 'name="pin"' not in applied
    assert 'name="drop"' not in applied and "Plan the requests still open" in applied
