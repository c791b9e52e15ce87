"""A school's page shows prevention staff the fire-safety notices near it: published entries to
all who may see the page, and the serving service's own staff its notices not on the register."""

import pytest
from django.urls import reverse

from safereach.accounts.models import Agency, Role
from safereach.accounts.tests.factories import make_agency, make_user
from safereach.areas.coordinates import to_bng
from safereach.matrix.build import seed_programmes
from safereach.register.rules import EventKind
from safereach.register.tests.factories import fire_service, happened, served
from safereach.register.tests.states import ago
from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db


def bng(lat, lon):
    e, n = to_bng([lon], [lat])
    return float(e[0]), float(n[0])


@pytest.fixture
def school_and_notices(register_today):
    seed_programmes()
    fire = fire_service()
    e, n = bng(51.7400, 0.4500)
    school = make_school(name="Brook Primary", easting=e, northing=n, lat=51.7400, lon=0.4500)
    near = served(fire, ago(60), number="NEAR/1", premises_name="Corner Takeaway", lat=51.7420, lon=0.4500)
    hidden = served(
        fire, ago(5), number="NEAR/2", premises_name="Flats Over The Shop", lat=51.7390, lon=0.4510
    )
    gone = served(fire, ago(60), number="NEAR/3", premises_name="Withdrawn Works", lat=51.7401, lon=0.4501)
    happened(gone, EventKind.WITHDRAWN, ago(50))
    served(fire, ago(60), number="FAR/1", premises_name="Far Away Farm", lat=51.80, lon=0.45)
    return {"fire": fire, "school": school, "near": near, "hidden": hidden}


def page(client, user, school):
    client.force_login(user)
    response = client.get(reverse("matrix:school", args=[school.urn]))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="fire-safety-notices"') :]


def test_staff_of_the_serving_service_see_its_notices_nearby(client, school_and_notices):
    s = school_and_notices
    html = page(client, make_user(Role.COORDINATOR, agency=s["fire"]), s["school"])
    assert "Corner Takeaway" in html and f'href="/register/notices/{s["near"].public_id}/"' in html
    assert "223 m" in html  # 0.002 degrees of latitude
    assert "Flats Over The Shop" in html and "Not public" in html and "appeal period ends" in html
    assert "Withdrawn Works" not in html and "Far Away Farm" not in html


def test_others_see_only_what_the_register_publishes(client, school_and_notices):
    s = school_and_notices
    police = make_agency("Northshire Police", kind=Agency.Kind.POLICE)
    html = page(client, make_user(Role.ANALYST, agency=police), s["school"])
    assert "Corner Takeaway" in html
    assert "Flats Over The Shop" not in html and "NEAR/2" not in html


def test_a_school_without_a_location_says_so(client, school_and_notices):
    school = make_school(name="Nowhere School")
    html = page(client, make_user(Role.ANALYST), school)
    assert "The school's location is not known" in html
