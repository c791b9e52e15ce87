"""A school that asks again for a session it already has (a visit to come, or a request in the
queue) is told so and asked whether it is for another group; nothing is saved until it says yes."""

from django.urls import reverse

from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import request_data
from safereach.bookings.tests.test_book_a_session import book


def test_asking_again_for_a_booked_session_needs_a_yes(client, county):
    book(client, county)
    assert Booking.objects.count() == 1
    url = reverse("bookings:request", args=[county["school"].urn])

    page = client.post(url, request_data(county))
    assert page.status_code == 200
    assert Booking.objects.count() == 1, "nothing saved while the school has not said"
    form = page.context["form"]
    said = form.errors["book_again"][0]
    assert "Home fire safety for juniors is already booked at Oakfield Primary School on" in said
    assert "Yes, book it again" in page.content.decode()
    assert form.data["pupils"] == "28", "what the school typed is kept"

    response = client.post(url, request_data(county, book_again="1"))
    assert response.status_code == 302
    assert Booking.objects.count() == 2


def test_a_queued_request_counts_as_asked(client, county):
    url = reverse("bookings:request", args=[county["school"].urn])
    assert client.post(url, request_data(county)).status_code == 302
    Booking.objects.update(status=Booking.Status.QUEUED)
    page = client.post(url, request_data(county))
    assert "in the coordinator's queue" in page.context["form"].errors["book_again"][0]
    # A request still at "choose a time" (perhaps left there) is no reason to ask.
    Booking.objects.update(status=Booking.Status.REQUESTED)
    assert client.post(url, request_data(county)).status_code == 302


def test_other_sessions_are_not_held_up(client, county):
    book(client, county)
    url = reverse("bookings:request", args=[county["school"].urn])
    response = client.post(url, request_data(county, sessions=[county["hoax"].pk]))
    assert response.status_code == 302, response.context["form"].errors


def test_pupils_below_one_are_refused_in_words(client, county):
    url = reverse("bookings:request", args=[county["school"].urn])
    for pupils in ("0", "-5"):
        page = client.post(url, request_data(county, pupils=pupils))
        assert page.context["form"].errors["pupils"] == ["Enter at least 1 pupil"]
    assert Booking.objects.count() == 0


def test_the_times_page_says_why_they_are_not_in_date_order(client, county):
    page, _, _ = book(client, county)
    assert "listed best first, not in date order" in page.content.decode()


def test_the_question_comes_where_it_is_on_the_page(client, county):
    book(client, county)
    url = reverse("bookings:request", args=[county["school"].urn])
    page = client.post(url, request_data(county, pupils="0")).content.decode()
    summary = page[page.index("govuk-error-summary__list"):]
    assert summary.index("#id_book_again") < summary.index("#id_pupils"), "just below the sessions"
    # In a fieldset with its question, so the summary's link shows the question and the error.
    box = page[page.index("Is this for another group of pupils?") - 300:page.index('id="id_book_again"')]
    assert "<legend" in box and "<fieldset" in box and "id_book_again-error" in box
