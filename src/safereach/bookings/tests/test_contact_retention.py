"""Schools' contact details go once the retention period after a booking has passed; what was
booked stays."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safereach.bookings.models import Booking, ChangeEmail, Visit
from safereach.bookings.retention import FORGOTTEN, forget_old_contacts
from safereach.planning.tests.test_term_plan_page import ask

TODAY = date(2026, 11, 16)


def booked(county, monday, visit_day=None):
    booking = ask(county, county["school"], county["home_fire"], monday, contact_role="PSHE lead",
                  access_needs="Wheelchair access by the side gate")
    ChangeEmail.objects.create(booking=booking, to=booking.contact_email, subject="Booking confirmed")
    if visit_day:
        starts = timezone.make_aware(datetime.combine(visit_day, time(10)))
        Visit.objects.create(booking=booking, school=booking.school, session=county["home_fire"],
                             officer=county["owen"], starts_at=starts, ends_at=starts + timedelta(hours=1),
                             status=Visit.Status.CONFIRMED)
    return booking


def test_contacts_of_bookings_over_two_years_old_are_deleted_and_the_rest_kept(county, settings):
    settings.SAFEREACH_CONTACT_RETENTION_DAYS = 730
    old = booked(county, date(2024, 9, 2), visit_day=date(2024, 9, 3))
    recent = booked(county, date(2025, 9, 1), visit_day=date(2025, 9, 2))
    moved_late = booked(county, date(2024, 9, 2), visit_day=date(2025, 1, 14))  # visited later

    assert forget_old_contacts(TODAY) == 1

    old.refresh_from_db()
    assert (old.contact_name, old.contact_email) == (FORGOTTEN, "")
    assert (old.contact_role, old.access_needs) == ("", "")
    assert old.sessions.count() == 1 and old.visits.count() == 1  # what was delivered stays
    assert ChangeEmail.objects.get(booking=old).to == ""
    for kept in (recent, moved_late):
        kept.refresh_from_db()
        assert kept.contact_email == "sam@oakfield.sch.uk" and kept.access_needs
    assert forget_old_contacts(TODAY) == 0  # once only
    assert Booking.objects.count() == 3
