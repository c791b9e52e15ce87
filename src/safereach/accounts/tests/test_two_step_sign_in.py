"""Staff who may see OFFICIAL-SENSITIVE data sign in in two steps: password, then a code from an
authenticator app they set up the first time. Others sign in with their password alone."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safereach.accounts.models import ConcernRoute, Role
from safereach.accounts.roles import OFFICIAL_SENSITIVE_ROLES, may_see_official_sensitive
from safereach.accounts.tests.factories import PASSWORD, make_agency, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.two_step]
SIGN_IN = reverse("accounts:sign-in")
TWO_STEP = reverse("accounts:two-step")


def code_of(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("role", sorted(Role.values))
def test_which_roles_may_see_official_sensitive_data(role):
    user = make_user(role)
    assert may_see_official_sensitive(user) == (role in OFFICIAL_SENSITIVE_ROLES)


def test_a_named_recipient_of_concerns_may_see_official_sensitive_data_whatever_their_role():
    partner = make_user(Role.PARTNER, agency=make_agency())
    assert not may_see_official_sensitive(partner)
    ConcernRoute.objects.create(agency=partner.agency).recipients.add(partner)
    assert may_see_official_sensitive(partner)


def test_an_analyst_sets_up_an_authenticator_then_signs_in_with_a_code(client):
    analyst = make_user(Role.ANALYST, email="ana@example.org")
    signed = client.post(SIGN_IN, {"email": "ana@example.org", "password": PASSWORD, "next": "/matrix/"})
    assert signed.status_code == 302
    # With the password alone, every page leads to the second step.
    page = client.get("/matrix/")
    assert page.status_code == 302 and page["Location"].startswith(TWO_STEP)

    setup = client.get(page["Location"])
    html = setup.content.decode()
    assert "Set up two-step sign-in" in html and "data:image/svg+xml" in html and "Key:" in html

    wrong = client.post(TWO_STEP, {"code": "12345x", "next": "/matrix/"})
    assert "Enter the code as 6 numbers" in wrong.content.decode()
    assert 'href="#id_code"' in wrong.content.decode()
    assert client.get("/matrix/").status_code == 302

    done = client.post(TWO_STEP, {"code": code_of(analyst), "next": "/matrix/"})
    assert done.status_code == 302 and done["Location"] == "/matrix/"
    assert client.get("/matrix/").status_code == 200
    assert TOTPDevice.objects.get(user=analyst).confirmed

    # Next time: the code only, no key shown again.
    client.post(reverse("accounts:sign-out"))
    client.post(SIGN_IN, {"email": "ana@example.org", "password": PASSWORD})
    again = client.get(TWO_STEP).content.decode()
    assert "Enter your code" in again and "Key:" not in again


def test_an_officer_signs_in_with_the_password_alone(client):
    make_user(Role.OFFICER, email="owen@example.org", agency=make_agency())
    client.post(SIGN_IN, {"email": "owen@example.org", "password": PASSWORD})
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "owen@example.org" in home.content.decode()
