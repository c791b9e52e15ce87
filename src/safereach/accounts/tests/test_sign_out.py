import pytest
from django.urls import reverse

from safereach.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_page_offers_sign_out_as_a_form_button(client):
    client.force_login(make_user("officer", email="olu@example.org"))

    html = client.get(reverse("home")).content.decode()

    assert f'<form method="post" action="{reverse("accounts:sign-out")}"' in html
    assert '<button type="submit" class="app-link-button">Sign out</button>' in html
    assert "Signed in as <strong>olu@example.org</strong>" in html


def test_sign_out_ends_the_session(client):
    client.force_login(make_user("officer"))

    response = client.post(reverse("accounts:sign-out"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_link_cannot_sign_anyone_out(client):
    # A GET (a link or an image on another site) must not end the session.
    client.force_login(make_user("officer"))

    response = client.get(reverse("accounts:sign-out"))

    assert response.status_code == 405
    assert "_auth_user_id" in client.session
