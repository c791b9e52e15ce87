"""A fresh demo lets a newcomer see each capability work: next term's requests wait in the queue
for the term planner (which plans them from the command line), school contacts are verified and
printed, and the three things to try it prints are real links of this demo that work: plan the
term, book as a school and confirm by the emailed link, manage a booking. The invitation page
can invite target schools through the verified contacts."""

import io
import json
import re
from datetime import timedelta

from django.core import mail
from django.core.management import call_command

from safereach.accounts.models import User
from safereach.bookings import invitations
from safereach.bookings.models import Booking, KnownAddress, Term, Visit
from safereach.catalogue.models import Session
from safereach.demo.schools import LA_CODE
from safereach.schools.models import School


def printed_section(output: str, heading: str) -> list[str]:
    lines = output.split(heading, 1)[1].splitlines()[1:]
    return [
        line.strip() for line in lines[: next((i for i, x in enumerate(lines) if not x.strip()), len(lines))]
    ]


def test_next_terms_requests_wait_in_the_queue_and_the_planner_plans_them(run_demo, fixed_today):
    output = run_demo()

    next_term = Term.objects.filter(la_code=LA_CODE, starts_on__gt=fixed_today).order_by("starts_on").first()
    requests = Booking.objects.filter(
        school__is_fictional=True, status=Booking.Status.QUEUED, dates_from__gte=next_term.starts_on
    )
    assert requests.count() >= 30
    assert not Booking.objects.filter(status=Booking.Status.REQUESTED).exists(), "sent, not abandoned"
    assert all(b.dates_to <= next_term.ends_on for b in requests)
    districts = {b.school.lsoa.district_id for b in requests.select_related("school__lsoa")}
    assert len(districts) >= 4, "from schools across the county"
    for booking in requests.prefetch_related("sessions"):
        (session,) = booking.sessions.all()
        assert set(booking.year_groups) <= set(session.year_groups) & booking.school.year_groups_taught
    queued = Booking.objects.filter(school__is_fictional=True, status=Booking.Status.QUEUED).count()
    said = f"Requests in the coordinators' queue: {queued}, {requests.count()} of them for next term"
    assert said in output
    assert f"({queued} requests wait in the queue)" in output, "the same count in the things to try"
    ahead = Visit.objects.filter(is_fictional=True, starts_at__date__gt=fixed_today)
    assert ahead.count() >= 100
    assert not ahead.filter(booking__isnull=True).exists(), "every demo visit is a school's booking"

    # The lead's check: the next twelve weeks, planned from the command line on a fresh demo.
    out = io.StringIO()
    twelve_weeks = f"{fixed_today + timedelta(days=1)}:{fixed_today + timedelta(weeks=12)}"
    call_command("plan", "--term", twelve_weeks, "--seconds", "10", "--json", stdout=out)
    plan = json.loads(out.getvalue())
    assert plan["feasible"]
    assert plan["visits_planned"] >= 20
    assert plan["requests"] >= requests.count()


def test_the_printed_contacts_and_things_to_try_all_work(run_demo, client, monkeypatch):
    output = run_demo()

    # Verified contacts, printed after the sign-ins.
    assert output.index("Demo sign-ins") < output.index("Demo school contacts")
    contacts = [
        line.split()[0] for line in printed_section(output, "Demo school contacts") if "@" in line.split()[0]
    ]
    assert len(contacts) >= 3
    coordinator = User.objects.get(email="coordinator@demo.safereach.test")
    for email in contacts:
        known = KnownAddress.objects.get(email=email)
        assert known.school.is_fictional and known.verified_by == coordinator
    verified = KnownAddress.objects.exclude(email="").values("school").distinct().count()
    assert verified >= 0.6 * School.objects.filter(is_fictional=True).count()

    things = printed_section(output, "things to try:")
    assert output.index("Demo sign-ins") < output.index("things to try:")
    assert len(things) == 3 and [t[:2] for t in things] == ["1.", "2.", "3."]
    urls = [re.search(r"http://127\.0\.0\.1:8000(/\S*?)[,;]?(?:\s|$)", t).group(1) for t in things]

    # 1. The term planner, for the coordinator.
    client.force_login(coordinator)
    assert client.get(urls[0]).status_code == 200
    client.logout()

    # 2. Book as the printed school contact, and confirm by the link emailed to it.
    booking_url = urls[1]
    email = re.search(r"give (\S+@\S+)", things[1]).group(1)
    assert email in contacts
    school = School.objects.get(urn=int(re.search(r"/book/school/(\d+)/", booking_url).group(1)))
    session = Session.objects.get(slug=booking_url.split("session=")[1])
    page = client.get(booking_url)
    assert page.status_code == 200 and school.name in page.content.decode()
    days_from = Booking.objects.filter(status=Booking.Status.QUEUED).order_by("dates_from").first().dates_from
    response = client.post(
        booking_url,
        {
            "sessions": [session.pk],
            "dates_from": days_from.isoformat(),
            "dates_to": (days_from + timedelta(days=13)).isoformat(),
            "part_of_day": "any",
            "school_day_starts": "8:45",
            "lunch_starts": "12:00",
            "school_day_ends": "15:15",
            "pupils": "28",
            "year_groups": [str(min(set(session.year_groups) & school.year_groups_taught))],
            "contact_name": "Demo Contact",
            "contact_role": "PSHE lead",
            "contact_email": email,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    times = client.get(response["Location"])
    field = times.context["form"][f"session_{session.pk}"]
    client.post(response["Location"], {field.html_name: field.field.choices[0][0]})
    booking = Booking.objects.get(contact_email=email, school=school, contact_name="Demo Contact")
    assert booking.status == Booking.Status.HELD, "a verified contact confirms by email, no approval"
    (message,) = [m for m in mail.outbox if m.to == [email]]
    confirm = re.search(r"http://testserver(/book/confirm/\S+/)", message.body).group(1)
    client.post(confirm)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    # 3. The school's manage link: a confirmed booking with its visit ahead.
    page = client.get(urls[2])
    assert page.status_code == 200
    managed = page.context["booking"]
    assert managed.status == Booking.Status.CONFIRMED
    assert managed.visits.filter(status=Visit.Status.CONFIRMED).exists()

    # The invitation page can invite the matrix's target schools through verified contacts.
    programme = session.programme.slug
    targets = {s.pk for s in School.objects.filter(is_fictional=True) if session.suits(s)}
    monkeypatch.setattr(
        invitations, "target_school_ids", lambda slug: targets if slug == programme else set()
    )
    client.force_login(coordinator)
    page = client.get(
        re.search(r"invites target schools through these contacts: \S+?(/\S+)", output).group(1),
        {"programme": programme},
    )
    assert page.status_code == 200
    assert page.context["can_send"] >= 10
