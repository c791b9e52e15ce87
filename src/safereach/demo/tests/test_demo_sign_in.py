"""The demo sign-ins the command prints work, one per role."""

import re

from django.contrib.auth import authenticate
from django.http import HttpRequest

from safereach.accounts.models import Role
from safereach.workforce.models import Officer


def test_printed_sign_ins_authenticate_with_their_roles(run_demo):
    output = run_demo()
    password = re.search(r"password (\S+)\):", output).group(1)
    assert len(password) >= 10
    sign_ins = re.findall(r"^\s+(\S+@\S+)\s+(\S+)\s+(\w+)$", output, flags=re.M)
    assert sorted(role for _, _, role in sign_ins) == sorted(Role.values)
    for email, printed, role in sign_ins:
        assert printed == password
        user = authenticate(HttpRequest(), email=email, password=password)
        assert user is not None, email
        assert user.roles == [role]
        assert user.agency.is_fictional
        assert user.is_staff == (role == Role.ADMINISTRATOR)
    assert authenticate(HttpRequest(), email=sign_ins[0][0], password="not-the-password") is None


def test_the_officer_sign_in_is_an_officer(run_demo):
    run_demo()
    officer = Officer.objects.get(user__email="officer@demo.safereach.test")
    assert officer.base is not None and officer.agency == officer.user.agency
    assert Officer.objects.filter(base__isnull=True).count() == 0
