"""A school's tier of need feeds the priority its requests get in the coordinator's queue:
after target schools, a school in more need comes before an earlier request."""

import pytest

from safereach.accounts.models import Role
from safereach.bookings.models import Booking
from safereach.bookings.tests.factories import quiet_monday

pytestmark = pytest.mark.django_db


def queued(school, name):
    monday = quiet_monday()
    return Booking.objects.create(school=school, contact_name=name, contact_email="x@y.sch.uk",
                                  dates_from=monday, dates_to=monday, pupils=20, year_groups=[5],
                                  status=Booking.Status.QUEUED)


def test_a_tier_3_school_comes_before_an_earlier_tier_1_request(client, county):
    county["school"].need_tier = 1
    county["school"].save()
    county["other"].need_tier = 3
    county["other"].save()
    first = queued(county["school"], "Earlier, tier 1")
    second = queued(county["other"], "Later, tier 3")
    for booking in (first, second):
        booking.sessions.add(county["home_fire"])
    client.force_login(county["coordinator"])
    assert county["coordinator"].has_role(Role.COORDINATOR)
    html = client.get("/book/queue/").content.decode()
    assert html.index("Riverside Junior School") < html.index("Oakfield Primary School")
