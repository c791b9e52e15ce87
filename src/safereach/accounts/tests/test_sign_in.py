import pytest
from django.urls import reverse

from safereach.accounts.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
SIGN_IN = reverse("accounts:sign-in")


def test_signs_in_with_email_and_password_and_goes_home(client):
    user = make_user("analyst", email="ana@example.org")

    response = client.post(SIGN_IN, {"email": "ana@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_email_is_matched_whatever_its_case(client):
    make_user("analyst", email="ana@example.org")

    response = client.post(SIGN_IN, {"email": "  Ana@Example.ORG ", "password": PASSWORD})

    assert response.status_code == 302


def test_wrong_password_shows_the_error_summary_and_keeps_the_email(client):
    make_user("analyst", email="ana@example.org")

    response = client.post(SIGN_IN, {"email": "ana@example.org", "password": "not-the-password"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "<title>Error: Sign in" in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_email">Enter a correct email address and password</a>' in html
    assert 'class="govuk-input govuk-input--error" id="id_email"' in html
    assert 'value="ana@example.org"' in html
    assert "not-the-password" not in html


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    response = client.post(SIGN_IN, {"email": "nobody@example.org", "password": PASSWORD})

    assert "Enter a correct email address and password" in response.content.decode()


def test_empty_form_links_each_error_to_its_field(client):
    response = client.post(SIGN_IN, {"email": "", "password": ""})

    html = response.content.decode()
    assert '<a href="#id_email">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    # Field-level messages sit beside the fields, announced as errors.
    assert 'id="id_email-error" class="govuk-error-message"' in html
    assert 'id="id_password-error" class="govuk-error-message"' in html
    assert 'aria-describedby="id_email-error"' in html


def test_malformed_email_is_explained_and_kept(client):
    response = client.post(SIGN_IN, {"email": "ana.example.org", "password": PASSWORD})

    html = response.content.decode()
    assert "Enter an email address in the correct format, like name@example.com" in html
    assert 'value="ana.example.org"' in html


def test_deactivated_users_cannot_sign_in(client):
    make_user("analyst", email="gone@example.org", is_active=False)

    response = client.post(SIGN_IN, {"email": "gone@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_returns_to_the_page_that_asked_for_sign_in(client):
    make_user("analyst", email="ana@example.org")
    datasets = reverse("evidence:datasets")

    response = client.post(
        SIGN_IN, {"email": "ana@example.org", "password": PASSWORD, "next": datasets}
    )

    assert response["Location"] == datasets


def test_never_sends_people_to_another_site_after_sign_in(client):
    make_user("analyst", email="ana@example.org")

    response = client.post(
        SIGN_IN,
        {"email": "ana@example.org", "password": PASSWORD, "next": "https://evil.example.com/"},
    )

    assert response["Location"] == reverse("home")


def test_signed_in_users_are_sent_on_from_the_sign_in_page(client):
    client.force_login(make_user("analyst"))

    response = client.get(SIGN_IN)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
