"""Applying a term plan is a background task: the Apply button claims the plan and queues the
task, which books each request in its own transaction, writes how many are booked as it goes,
and ends with what was booked, what could not be any more and why, and the schools emailed. A
plan is applied once; a failure part way keeps, and lists, what was booked before it."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings import services
from safereach.bookings.models import Booking, Visit
from safereach.bookings.tests.factories import quiet_monday
from safereach.planning import views as term_plan_views
from safereach.planning.models import PlanRun
from safereach.planning.tasks import ApplyingRecord, apply_the_plan
from safereach.planning.tests.test_term_plan_page import ask, form, plan

SITE = "http://testserver"


@pytest.fixture
def three_requests(county):
    """Three requests of the fire service, each from its own school contact."""
    monday = quiet_monday()
    requests = [
        ask(county, county["school"], county["home_fire"], monday),
        ask(county, county["other"], county["hoax"], monday, part_of_day="morning"),
        ask(county, county["other"], county["home_fire"], monday),
    ]
    for n, booking in enumerate(requests, start=1):
        Booking.objects.filter(pk=booking.pk).update(contact_email=f"office{n}@school.example")
    return monday, requests


@pytest.fixture
def planned(client, county, three_requests):
    """A ready plan of the three requests, and the coordinator signed in."""
    monday, requests = three_requests
    client.force_login(county["coordinator"])
    run = plan(client, form(monday))
    assert run.plan["visits_planned"] == 3, run.plan["left_out_requests"]
    return run


def booking_order(run: PlanRun) -> list[int]:
    """The bookings in the order applying takes them (the plan's order)."""
    return list(dict.fromkeys(int(v["request"].split(":")[0]) for v in run.plan["visits"]))


def row_of(run: PlanRun, booking_id: int) -> dict:
    return next(v for v in run.plan["visits"] if v["request"].startswith(f"{booking_id}:"))


def test_the_task_books_each_visit_and_writes_its_progress(client, county, planned, monkeypatch):
    written = []
    record = PlanRun.record_applying

    def writing(self, applied):
        written.append(self.applying_text(applied))
        return record(self, applied)

    monkeypatch.setattr(PlanRun, "record_applying", writing)
    mail.outbox.clear()

    response = client.post(reverse("planning:term-plan-apply", args=[planned.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("planning:term-plan-run", args=[planned.pk])
    planned.refresh_from_db()
    assert planned.state == PlanRun.State.APPLIED and planned.error == ""
    assert planned.applied_by == county["coordinator"] and planned.applied_at is not None
    assert planned.progress == 1.0 and planned.progress_text == "Applied: 3 of 3 visits booked"
    assert written == [
        "Applying: 1 of 3 visits booked",
        "Applying: 2 of 3 visits booked",
        "Applying: 3 of 3 visits booked",
    ]
    keys = [v["request"] for v in planned.plan["visits"]]
    assert sorted(planned.applied["booked"]) == sorted(keys) and planned.applied["not_booked"] == {}
    assert sorted(planned.applied["emailed"].values()) == [f"office{n}@school.example" for n in (1, 2, 3)]
    for booking in Booking.objects.all():
        assert booking.status == Booking.Status.CONFIRMED
        assert "(booking coordinator, term plan)" in booking.confirmed_by
        visit = booking.visits.get()
        row = row_of(planned, booking.pk)
        assert visit.status == Visit.Status.CONFIRMED and visit.officer_id == row["officer_id"]
        assert (
            timezone.localtime(visit.starts_at).strftime("%Y-%m-%d %H:%M") == f"{row['day']} {row['starts']}"
        )
    to_schools = sorted(m.to[0] for m in mail.outbox if m.to[0].endswith("@school.example"))
    assert to_schools == [f"office{n}@school.example" for n in (1, 2, 3)]
    assert all(m.subject.startswith("Booking confirmed") for m in mail.outbox)

    page = client.get(response["Location"]).content.decode()
    assert '<h1 class="govuk-heading-l">Plan applied</h1>' in page
    assert "What applying did" in page and "Booked (3)" in page and "Could not be booked (0)" in page
    assert "3 to schools with the times booked" in page and "Sent to office2@school.example" in page
    assert "Apply the plan and email the schools" not in page


def test_a_slot_taken_while_applying_is_reported_and_the_rest_booked(client, county, planned, monkeypatch):
    first, second, third = booking_order(planned)
    row = row_of(planned, third)
    day = datetime.fromisoformat(row["day"]).date()
    starts, ends = (
        timezone.make_aware(datetime.combine(day, time.fromisoformat(row[end]))) for end in ("starts", "ends")
    )
    booked = ApplyingRecord.booked

    def and_meanwhile(self, booking, keys):
        booked(self, booking, keys)
        if booking.pk == first:
            # Another request from the same school takes the third visit's officer at that
            # very time, as applying goes on.
            school = Booking.objects.get(pk=third).school
            taker = ask(county, school, county["home_fire"], quiet_monday())
            Visit.objects.create(
                booking=taker,
                school=school,
                session=county["home_fire"],
                officer_id=row["officer_id"],
                # Inside the planned visit's own time, so it meets no other planned visit.
                starts_at=starts + timedelta(minutes=5),
                ends_at=ends - timedelta(minutes=5),
                status=Visit.Status.CONFIRMED,
            )

    monkeypatch.setattr(ApplyingRecord, "booked", and_meanwhile)

    client.post(reverse("planning:term-plan-apply", args=[planned.pk]))

    planned.refresh_from_db()
    assert planned.state == PlanRun.State.APPLIED
    assert planned.progress_text == "Applied: 2 of 3 visits booked"
    why = f"{row['officer']}'s diary on {day:%-d %B} has changed: "
    assert list(planned.applied["not_booked"]) == [row["request"]]
    assert planned.applied["not_booked"][row["request"]].startswith(why)
    assert set(planned.applied["emailed"]) == {str(first), str(second)}
    assert Booking.objects.get(pk=third).status == Booking.Status.QUEUED
    assert not Visit.objects.filter(booking=third).exists()
    for pk in (first, second):
        assert Booking.objects.get(pk=pk).status == Booking.Status.CONFIRMED

    page = client.get(reverse("planning:term-plan-run", args=[planned.pk])).content.decode()
    assert "Booked (2)" in page and "Could not be booked (1)" in page
    assert why.replace("'", "&#x27;") in page and "Plan again to find them a time" in page


def test_an_error_part_way_stops_and_keeps_what_was_booked(client, county, planned, monkeypatch):
    first, second, third = booking_order(planned)
    send = services.send_to_school

    def mail_server(booking, kind, site_url, **options):
        if booking.pk == second:
            raise ConnectionRefusedError("the mail server did not answer")
        return send(booking, kind, site_url, **options)

    monkeypatch.setattr(services, "send_to_school", mail_server)

    client.post(reverse("planning:term-plan-apply", args=[planned.pk]))

    planned.refresh_from_db()
    assert planned.state == PlanRun.State.APPLY_STOPPED
    assert planned.error == "Applying stopped with an error: the mail server did not answer."
    # The second was booked (and confirmed) before its email failed; the third never tried.
    assert planned.applied["booked"] == [row_of(planned, pk)["request"] for pk in (first, second)]
    assert list(planned.applied["emailed"]) == [str(first)]
    assert Booking.objects.get(pk=second).visits.filter(status__in=Visit.LIVE).count() == 1
    assert Booking.objects.get(pk=third).status == Booking.Status.QUEUED

    page = client.get(reverse("planning:term-plan-run", args=[planned.pk])).content.decode()
    assert "Applying the plan stopped" in page and "the mail server did not answer" in page
    assert "The 2 visits listed as booked below are in the officers' diaries" in page
    assert "Booked (2)" in page and "Not sent" in page and "Not tried (1)" in page
    assert "The school of 1 booked visit marked “Not sent” below has not been emailed" in page
    assert "Apply the plan and email the schools" not in page
    # It cannot be applied again: the coordinator plans again for what is still open.
    again = client.post(reverse("planning:term-plan-apply", args=[planned.pk]), follow=True).content.decode()
    assert "This plan has already been applied" in again


def test_a_run_given_up_on_books_no_more(client, county, planned, monkeypatch):
    first, second, third = booking_order(planned)
    emailed = ApplyingRecord.emailed

    def given_up_after_the_first(self, booking):
        emailed(self, booking)
        # A page decides the task has stopped (it took too long), while it goes on.
        PlanRun.objects.get(pk=self.run.pk).stop_applying("Applying stopped without finishing.")

    monkeypatch.setattr(ApplyingRecord, "emailed", given_up_after_the_first)

    client.post(reverse("planning:term-plan-apply", args=[planned.pk]))

    planned.refresh_from_db()
    assert planned.state == PlanRun.State.APPLY_STOPPED
    assert planned.applied["booked"] == [row_of(planned, first)["request"]]
    # The record and the diaries agree: the second's visits went with its transaction.
    assert Booking.objects.get(pk=first).status == Booking.Status.CONFIRMED
    for pk in (second, third):
        assert Booking.objects.get(pk=pk).status == Booking.Status.QUEUED
        assert not Visit.objects.filter(booking=pk).exists()


def test_a_plan_is_applied_once_however_often_asked(client, county, planned, monkeypatch):
    queued = []

    class Counted:
        @staticmethod
        def enqueue(*args):
            queued.append(args)
            return apply_the_plan.enqueue(*args)

    monkeypatch.setattr(term_plan_views, "apply_the_plan", Counted)

    client.post(reverse("planning:term-plan-apply", args=[planned.pk]))
    again = client.post(reverse("planning:term-plan-apply", args=[planned.pk]), follow=True)

    assert len(queued) == 1
    assert "This plan has already been applied" in again.content.decode()
    # A second task for the same run (a worker trying again) finds it applied and books nothing.
    mail.outbox.clear()
    assert apply_the_plan.call(planned.pk, SITE) == "applied"
    assert mail.outbox == [] and Visit.objects.count() == 3


def test_a_task_that_begins_late_finds_the_run_taken(county, planned):
    assert planned.claim_for_applying(county["coordinator"])
    assert planned.begin_applying({"total": 3, "booked": [], "not_booked": {}, "emailed": {}})

    # Another task for the same claim (say, enqueued twice) does nothing.
    assert apply_the_plan.call(planned.pk, SITE) == "applying"
    assert Visit.objects.count() == 0


def test_applying_progress_as_json(client, county, planned):
    url = reverse("planning:term-plan-progress", args=[planned.pk])
    assert planned.claim_for_applying(county["coordinator"])

    waiting = client.get(url).json()
    assert waiting["state"] == "applying" and waiting["state_label"] == "Applying"
    assert not waiting["finished"] and waiting["text"] == "Waiting to start applying"
    assert waiting["percent"] == 0 and waiting["seconds_left"] is None

    record = ApplyingRecord(planned, 3)
    assert planned.begin_applying(record.applied)
    key = planned.plan["visits"][0]["request"]
    record.booked(None, [key])
    running = client.get(url).json()
    assert running["text"] == "Applying: 1 of 3 visits booked" and running["percent"] == 33
    assert running["url"] == reverse("planning:term-plan-run", args=[planned.pk])

    page = client.get(reverse("planning:term-plan-run", args=[planned.pk])).content.decode()
    assert '<h1 class="govuk-heading-l">Applying the plan</h1>' in page
    assert 'data-progress-url="' + url + '"' in page and "How far applying has got" in page
    assert "Applying: 1 of 3 visits booked" in page and 'value="33"' in page

    planned.finish_applying(record.applied)
    done = client.get(url).json()
    assert done["finished"] and done["state"] == "applied" and done["text"] == "Applied: 1 of 3 visits booked"


@pytest.fixture
def police_coordinator(county):
    return make_user(Role.COORDINATOR, email="coordinator@police.example", agency=county["police"])


def test_another_agency_cannot_apply_or_watch_it(client, county, planned, police_coordinator):
    client.force_login(police_coordinator)

    assert client.post(reverse("planning:term-plan-apply", args=[planned.pk])).status_code == 404
    planned.refresh_from_db()
    assert planned.state == PlanRun.State.DONE and planned.applied_at is None

    client.force_login(county["coordinator"])
    client.post(reverse("planning:term-plan-apply", args=[planned.pk]))
    client.force_login(police_coordinator)
    for name in ("term-plan-run", "term-plan-progress"):
        assert client.get(reverse(f"planning:{name}", args=[planned.pk])).status_code == 404


def test_a_task_that_never_starts_or_stops_midway_is_given_up_on(client, county, planned):
    never = planned
    assert never.claim_for_applying(county["coordinator"])
    PlanRun.objects.filter(pk=never.pk).update(applied_at=timezone.now() - timedelta(hours=2))

    progress = client.get(reverse("planning:term-plan-progress", args=[never.pk])).json()
    assert progress["finished"] and progress["state"] == "stopped"
    assert "Applying never started" in progress["error"] and "Nothing was booked" in progress["error"]
    # If its task turns up after all, it finds the run given up on and books nothing.
    assert apply_the_plan.call(never.pk, SITE) == "stopped" and Visit.objects.count() == 0

    stopped = PlanRun.objects.create(
        asked_by=county["coordinator"],
        agency=county["fire"],
        first_day=never.first_day,
        last_day=never.last_day,
        seconds=1,
        state=PlanRun.State.DONE,
        plan=never.plan,
    )
    assert stopped.claim_for_applying(county["coordinator"])
    record = ApplyingRecord(stopped, 3)
    assert stopped.begin_applying(record.applied)
    record.booked(None, [stopped.plan["visits"][0]["request"]])
    PlanRun.objects.filter(pk=stopped.pk).update(updated_at=timezone.now() - timedelta(minutes=10))

    page = client.get(reverse("planning:term-plan-run", args=[stopped.pk])).content.decode()
    stopped.refresh_from_db()
    assert stopped.state == PlanRun.State.APPLY_STOPPED
    assert "Applying stopped without finishing, perhaps because the server restarted." in page
    assert "Booked (1)" in page and "Not tried (2)" in page


def test_applying_that_cannot_be_queued_says_so(client, county, planned, monkeypatch):
    class Refused:
        @staticmethod
        def enqueue(*args):
            raise RuntimeError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(term_plan_views, "apply_the_plan", Refused)

    page = client.post(reverse("planning:term-plan-apply", args=[planned.pk]), follow=True).content.decode()

    planned.refresh_from_db()
    assert planned.state == PlanRun.State.APPLY_STOPPED and Visit.objects.count() == 0
    assert "Applying could not be started: no such table" in page and "Nothing was booked." in page


def test_runs_applied_before_applying_was_a_task_show_as_applied(county):
    from importlib import import_module

    migration = import_module("safereach.bookings.migrations.0003_plan_run_applying")

    class Apps:  # the model as the migration saw it, which now lives in planning
        @staticmethod
        def get_model(app_label, name):
            return PlanRun

    run = PlanRun.objects.create(
        asked_by=county["coordinator"],
        agency=county["fire"],
        first_day=quiet_monday(),
        last_day=quiet_monday(),
        seconds=1,
        state=PlanRun.State.DONE,
        plan={"visits": []},
        applied_at=timezone.now(),
    )

    migration.mark_applied_runs(Apps, None)

    run.refresh_from_db()
    assert run.state == PlanRun.State.APPLIED and run.applied is None and run.applying_result() is None


def test_a_confirmed_bookings_waiting_session_is_planned_and_booked(client, county):
    """A school booked two sessions and only one fitted: once the booking is confirmed, the
    plan takes the other, and applying it books that one, confirmed, and sends the school
    both times. A booking the school has not confirmed yet is left alone."""
    monday = quiet_monday()
    both = ask(county, county["school"], county["home_fire"], monday)
    both.sessions.add(county["hoax"])
    first = Visit.objects.create(
        booking=both,
        school=both.school,
        session=county["home_fire"],
        officer=county["owen"],
        starts_at=timezone.make_aware(datetime.combine(monday, time(9, 30))),
        ends_at=timezone.make_aware(datetime.combine(monday, time(10, 30))),
        status=Visit.Status.CONFIRMED,
    )
    Booking.objects.filter(pk=both.pk).update(status=Booking.Status.CONFIRMED)
    unconfirmed = ask(county, county["other"], county["home_fire"], monday)
    unconfirmed.sessions.add(county["hoax"])
    Visit.objects.create(
        booking=unconfirmed,
        school=unconfirmed.school,
        session=county["home_fire"],
        officer=county["owen"],
        starts_at=timezone.make_aware(datetime.combine(monday + timedelta(days=1), time(9, 30))),
        ends_at=timezone.make_aware(datetime.combine(monday + timedelta(days=1), time(10, 30))),
        status=Visit.Status.HELD,
    )
    Booking.objects.filter(pk=unconfirmed.pk).update(status=Booking.Status.HELD)
    client.force_login(county["coordinator"])

    run = plan(client, form(monday))

    assert [v["request"] for v in run.plan["visits"]] == [f"{both.pk}:{county['hoax'].pk}"]
    mail.outbox.clear()
    client.post(reverse("planning:term-plan-apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == PlanRun.State.APPLIED, run.error
    both.refresh_from_db()
    assert both.status == Booking.Status.CONFIRMED
    visits = {v.session_id: v for v in both.visits.filter(status__in=Visit.LIVE)}
    assert set(visits) == {county["home_fire"].pk, county["hoax"].pk}
    assert visits[county["hoax"].pk].status == Visit.Status.CONFIRMED
    assert visits[county["home_fire"].pk].starts_at == first.starts_at
    to_school = [m for m in mail.outbox if both.contact_email in m.to]
    assert to_school and county["hoax"].title in to_school[0].body
    assert county["home_fire"].title in to_school[0].body
    assert Booking.objects.get(pk=unconfirmed.pk).status == Booking.Status.HELD
