"""Guessing passwords: after a few wrong ones for an account from one address, that account is
locked there (even the right password is refused) until an hour passes or an administrator
unlocks it; the lock-out is in the audit log and the admin."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from safereach.accounts.models import AuditEvent, Role
from safereach.accounts.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
SIGN_IN = reverse("accounts:sign-in")


def guess(client, email, password, address="203.0.113.5"):
    return client.post(SIGN_IN, {"email": email, "password": password}, REMOTE_ADDR=address)


def test_after_five_wrong_passwords_even_the_right_one_is_refused_until_unlocked(client, settings):
    make_user(Role.ANALYST, email="ana@example.org")
    for n in range(4):
        assert guess(client, "ana@example.org", f"wrong-{n}").status_code == 200
    assert guess(client, "ana@example.org", "wrong-4").status_code == 429  # the fifth locks

    locked = guess(client, "ana@example.org", PASSWORD)
    assert locked.status_code == 429
    assert "Signing in is locked for now" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.sign_in.locked_out", target="ana@example.org").exists()

    # Another address is not locked out of the account (a stranger cannot lock staff out).
    assert guess(client, "ana@example.org", PASSWORD, address="198.51.100.7").status_code == 302
    client.logout()

    admin_user = make_user(Role.ADMINISTRATOR, email="admin@example.org")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:axes_accessattempt_changelist") + "?locked_out=yes")
    assert listing.status_code == 200 and "ana@example.org" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="ana@example.org")
    unlock = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert unlock.status_code == 302 and not AccessAttempt.objects.exists()
    client.logout()

    assert guess(client, "ana@example.org", PASSWORD).status_code == 302


def test_an_address_that_is_not_one_is_no_error(client, settings):
    """A proxy header holding junk, or a request made inside the process (force_login), has no
    address to record: still no error (PostgreSQL's address column refuses junk)."""
    settings.SAFEREACH_RATE_LIMIT = {**settings.SAFEREACH_RATE_LIMIT,
                                     "CLIENT_ADDRESS_HEADER": "HTTP_X_REAL_IP"}
    user = make_user(Role.ANALYST, email="ana@example.org")
    signed = client.post(SIGN_IN, {"email": "ana@example.org", "password": PASSWORD},
                         HTTP_X_REAL_IP="not-an-ip")
    assert signed.status_code == 302
    client.force_login(user)
