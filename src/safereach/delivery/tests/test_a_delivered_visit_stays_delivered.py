"""A visit that has been delivered (its outcome recorded) is a record: the school's manage link
(valid for months) neither cancels nor moves it."""

from django.urls import reverse

from safereach.bookings.links import manage_url
from safereach.bookings.models import Booking, Visit
from safereach.delivery.models import VisitOutcome
from safereach.delivery.tests.factories import last_week, make_visit


def test_a_manage_link_does_not_cancel_a_delivered_visit(client, county):
    visit = make_visit(county, last_week())
    client.force_login(county["owen"].user)
    client.post(reverse("delivery:outcome", args=[visit.pk]),
                {"delivered": "yes", "pupils_3": "", "pupils_4": "", "pupils_5": "28", "pupils_6": ""})
    assert VisitOutcome.objects.filter(visit=visit).exists()
    client.logout()
    booking = visit.booking
    cancel_url = manage_url(booking).rstrip("/") + "/cancel/"

    page = client.get(manage_url(booking))
    assert "Cancel this booking" not in page.content.decode()
    assert "can no longer be cancelled" in page.content.decode()
    response = client.post(cancel_url, {"reason": "Changed our minds"})
    assert response.status_code == 302
    moved = client.get(reverse("bookings:reschedule", args=[manage_url(booking).split("/")[-2], visit.pk]))
    assert moved.status_code == 404

    visit.refresh_from_db()
    booking.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED and booking.status == Booking.Status.CONFIRMED
    assert VisitOutcome.objects.get(visit=visit).delivered
