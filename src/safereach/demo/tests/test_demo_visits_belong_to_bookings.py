"""Every visit the demo puts in a diary is part of a school's booking, so the coordinator's
queue counts the visits ahead and each has a booking page, as on a real site."""

from django.utils import timezone

from safereach.bookings.models import Booking, Visit
from safereach.demo.bookings import EXISTING_VISITS


def test_every_demo_visit_ahead_belongs_to_a_confirmed_booking(run_demo):
    run_demo()

    ahead = Visit.objects.filter(is_fictional=True, starts_at__gte=timezone.now(), status__in=Visit.LIVE)
    assert ahead.count() >= EXISTING_VISITS * 0.8
    assert not Visit.objects.filter(is_fictional=True, booking__isnull=True).exists()
    confirmed = ahead.filter(status=Visit.Status.CONFIRMED).select_related("booking")
    for visit in confirmed:
        booking = visit.booking
        assert booking.status == Booking.Status.CONFIRMED
        assert booking.school_id == visit.school_id and visit.session in booking.sessions.all()
        assert booking.created_at <= timezone.now() and booking.confirmed_at <= timezone.now()
        assert booking.pupils <= visit.session.group_size


def test_demo_sessions_no_officer_delivers_are_booked_with_the_partner(run_demo):
    from safereach.catalogue.models import Session

    run_demo()

    demo = Session.objects.filter(partner__is_fictional=True)
    away = demo.exclude(delivery_place=Session.Place.SCHOOL)
    assert away.exists()
    for session in away:
        assert session.is_booked_directly and session.contact_email.endswith(".test")
    assert set(demo.booked_here()) == {s for s in demo if s.officers.exists()}
