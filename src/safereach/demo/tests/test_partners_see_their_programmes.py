"""Each demo partner delivers some programmes, so its staff see those target lists."""

from safereach.accounts.models import User
from safereach.matrix.models import Programme


def test_the_demo_partner_sees_the_programmes_its_charity_delivers(run_demo):
    run_demo()
    partner = User.objects.get(email="partner@demo.safereach.test")
    visible = set(Programme.visible(partner).values_list("slug", flat=True))
    assert visible == {"knife-crime", "exploitation"}


def test_rebuilding_the_demo_links_each_programme_once(run_demo):
    run_demo()
    run_demo()
    assert Programme.objects.get(slug="arson").agencies.filter(is_fictional=True).count() == 1
