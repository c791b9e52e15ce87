"""A session no officer here delivers is never offered with "Book this session" and then
dropped: the school is told to book it with the partner (at the partner's contact), or, when
the partner gave none, its request joins the partner coordinator's queue. One rule decides
(Session.objects.booked_here), for the catalogue and the request form alike."""

from django.core import mail
from django.urls import reverse

from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import make_session, request_data
from safereach.catalogue.models import Session


def test_booked_directly_says_so_with_the_partner_s_contact(client, county):
    session = make_session(
        county["fire"], "Water safety assembly", slug="water-safety", contact_email="schools@fire.example",
        contact_phone="01245 000 000",
    )
    assert session.is_booked_directly and session not in Session.objects.booked_here()

    page = client.get(reverse("catalogue:session", args=["water-safety"])).content.decode()
    assert "Book this session" not in page and "Request this session" not in page
    assert "books Water safety assembly directly" in page
    assert "mailto:schools@fire.example" in page and "01245 000 000" in page

    form = client.get(reverse("bookings:request", args=[county["school"].urn]), {"session": "water-safety"})
    html = form.content.decode()
    assert "books Water safety assembly directly" in html and "It is not booked here" in html
    assert session not in form.context["form"].fields["sessions"].queryset
    # Listed with the sessions the school can book, with its contact, even when not asked for.
    plain = client.get(reverse("bookings:request", args=[county["school"].urn]))
    assert plain.context["booked_directly"] == [session]
    assert "mailto:schools@fire.example" in plain.content.decode()

    refused = client.post(
        reverse("bookings:request", args=[county["school"].urn]),
        request_data(county, sessions=[session.pk]),
    )
    assert refused.status_code == 200 and "sessions" in refused.context["form"].errors
    assert not Booking.objects.exists()


def test_with_no_officer_and_no_contact_the_request_joins_the_queue(client, county):
    session = make_session(county["fire"], "Water safety assembly", slug="water-safety")
    assert not session.is_booked_directly

    page = client.get(reverse("catalogue:session", args=["water-safety"])).content.decode()
    assert "Request this session" in page and "booking coordinator will find a time" in page

    response = client.post(
        reverse("bookings:request", args=[county["school"].urn]), request_data(county, sessions=[session.pk])
    )
    assert response.status_code == 302
    page = client.get(response["Location"])

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.QUEUED and list(booking.sessions.all()) == [session]
    assert "coordinator@fire.example" in mail.outbox[1].to
    client.force_login(county["coordinator"])
    queue = client.get(reverse("bookings:queue"))
    assert booking in dict(queue.context["sections"])["No time fitted: find one"]


def test_a_session_with_an_officer_is_booked_here_whatever_its_contact(client, county):
    county["home_fire"].contact_email = "schools@fire.example"
    county["home_fire"].save()
    assert not county["home_fire"].is_booked_directly
    page = client.get(reverse("catalogue:session", args=["home-fire-safety-juniors"])).content.decode()
    assert "Book this session" in page
