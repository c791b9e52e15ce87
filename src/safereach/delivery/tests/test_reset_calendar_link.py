"""The officer, or a coordinator of their agency, resets the calendar link from the week page:
the old address stops working at once, the new one works, and the reset is audited."""

import pytest
from django.test import Client
from django.urls import reverse

from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.tests.factories import make_user
from safereach.bookings.tests.factories import quiet_monday
from safereach.delivery.officer_week import feed_token


def feed(client, officer, token):
    return client.get(reverse("week:feed", args=[officer.pk, token]))


def reset(client, officer, week=""):
    return client.post(reverse("week:reset-feed", args=[officer.pk]), {"week": week})


@pytest.mark.parametrize("who", ["officer", "coordinator"])
def test_after_a_reset_the_old_address_is_gone_and_the_new_one_works(client, county, who):
    owen = county["owen"]
    user = owen.user if who == "officer" else county["coordinator"]
    old = feed_token(owen)
    assert feed(client, owen, old).status_code == 200
    client.force_login(user)
    monday = quiet_monday()
    response = reset(client, owen, monday.isoformat())
    assert response.status_code == 302
    assert response.url == reverse("week:officer", args=[owen.pk]) + f"?week={monday.isoformat()}"
    owen.refresh_from_db()
    new = feed_token(owen)
    assert new != old
    assert feed(client, owen, old).status_code == 404
    assert feed(client, owen, new).status_code == 200
    event = AuditEvent.objects.get(action="week.calendar_feed.reset")
    assert event.user == user and event.detail == {"officer": owen.pk}
    assert old not in str(event.detail) and new not in str(event.detail)

    page = client.get(response.url).content.decode()
    assert "govuk-notification-banner--success" in page and "calendar link has been reset" in page
    if who == "officer":
        assert response.wsgi_request.build_absolute_uri(reverse("week:feed", args=[owen.pk, new])) in page


def test_the_week_page_offers_the_reset_to_the_officer_and_the_coordinator(client, county):
    owen = county["owen"]
    for user in (owen.user, county["coordinator"]):
        client.force_login(user)
        html = client.get(reverse("week:officer", args=[owen.pk])).content.decode()
        assert f'action="{reverse("week:reset-feed", args=[owen.pk])}"' in html
        assert "Reset the calendar link</button>" in html and "csrfmiddlewaretoken" in html
    # Only the officer sees the address itself.
    assert feed_token(owen) not in html


def test_only_the_officer_and_their_agencys_coordinators_may_reset(client, county):
    owen = county["owen"]
    old = feed_token(owen)
    for user in (
        make_user(Role.COORDINATOR, email="c@police.example", agency=county["police"]),
        make_user(Role.OFFICER, email="o@fire.example", agency=county["fire"]),
    ):
        client.force_login(user)
        assert reset(client, owen).status_code == 403
    client.logout()
    assert reset(client, owen).status_code == 302  # to sign in
    owen.refresh_from_db()
    assert feed_token(owen) == old and not AuditEvent.objects.exists()


def test_a_reset_needs_a_post_with_the_forms_csrf_token(county):
    owen = county["owen"]
    old = feed_token(owen)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owen.user)
    assert client.get(reverse("week:reset-feed", args=[owen.pk])).status_code == 405
    assert reset(client, owen).status_code == 403  # no CSRF token
    owen.refresh_from_db()
    assert feed_token(owen) == old


def test_each_officer_gets_a_token_of_their_own(county):
    tokens = {county["owen"].calendar_token, county["fatima"].calendar_token}
    assert len(tokens) == 2
    county["owen"].reset_calendar_token()
    assert county["owen"].calendar_token not in tokens
