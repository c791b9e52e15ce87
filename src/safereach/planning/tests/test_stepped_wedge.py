"""A coordinator holds back an agreed random share of the schools waiting for a programme for a
term: a seeded draw anyone can repeat, kept and audited; the term planner leaves those
schools' requests out; a bad form changes nothing and says what is wrong."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safereach.accounts.models import AuditEvent, Role
from safereach.bookings.models import Booking, Term
from safereach.planning.models import HoldBack
from safereach.planning.stepped_wedge import draw, held_back, hold_back, waiting_schools
from safereach.planning.term_plan import gather
from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db


def test_the_draw_is_the_agreed_share_and_repeatable():
    pool = list(range(100100, 100140))
    first = draw(pool, 25, seed=12345)
    assert len(first) == 10 and set(first) <= set(pool)
    assert draw(list(reversed(pool)), 25, seed=12345) == first  # the order given does not matter
    assert draw(pool, 25, seed=54321) != first
    assert len(draw(pool[:3], 10, seed=1)) == 1  # at least one school
    assert draw([], 20, seed=1) == []


def request(county, school, session=None, days=(5, 9)):
    start = timezone.localdate()
    booking = Booking.objects.create(
        school=school,
        contact_name="Head",
        contact_email="head@school.example",
        dates_from=start + timedelta(days=days[0]),
        dates_to=start + timedelta(days=days[1]),
        pupils=28,
        year_groups=[5],
        status=Booking.Status.QUEUED,
    )
    booking.sessions.add(session or county["home_fire"])
    return booking


@pytest.fixture
def waiting(county):
    schools = [county["school"], county["other"]] + [
        make_school(name=f"Waiting School {k}", la_code="881", lon=0.47 + k / 200, lat=51.74)
        for k in range(8)
    ]
    for school in schools:
        request(county, school)
    request(county, schools[0], county["hoax"])  # another programme: not held back
    return schools


def term():
    return Term.objects.get(name="This year")


def test_holding_back_keeps_the_draw_and_the_planner_leaves_those_requests(county, waiting, sign_in_as):
    user = sign_in_as(Role.COORDINATOR, agency=county["fire"])
    assert waiting_schools(term(), county["home_fire"].programme).count() == 10
    made = hold_back(term(), county["home_fire"].programme, 30, "MACE meeting, 3 December", user)
    held = set(made.schools.values_list("urn", flat=True))
    assert len(held) == 3
    assert sorted(held) == draw(made.pool_urns, 30, made.seed)
    event = AuditEvent.objects.get(action="planning.hold_back.draw")
    assert event.detail["held_back"] == sorted(held) and event.detail["seed"] == made.seed

    today = timezone.localdate()
    plan = gather(today, today + timedelta(days=20), today=today)
    planned = {label[0] for label in plan.labels.values()}
    names = {s.name: s.urn for s in waiting}
    assert {n for n, urn in names.items() if urn in held}.isdisjoint(
        {name for name, title in plan.labels.values() if title == county["home_fire"].title}
    )
    assert len([1 for _, title in plan.labels.values() if title == county["home_fire"].title]) == 7
    # The hoax-calls request of a held-back school is still planned.
    assert (county["school"].name, county["hoax"].title) in plan.labels.values()
    assert planned
    # Days outside the term: nothing held back.
    assert not held_back(today + timedelta(days=400), today + timedelta(days=420)).pairs


def test_the_form_draws_and_shows_how_to_check_it(client, county, waiting, sign_in_as):
    sign_in_as(Role.COORDINATOR, agency=county["fire"])
    response = client.post(
        "/book/plan/hold-backs/",
        {
            "term": term().pk,
            "programme": "home-fire-safety",
            "share_percent": "20",
            "agreed_by": "MACE partnership meeting, 3 December 2026",
        },
    )
    made = HoldBack.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/book/plan/hold-backs/{made.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "2 of 10 waiting schools held back" in page
    assert f"default_rng({made.seed})" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"share_percent": "0"}, "share_percent", "The share must be at least 1 per cent"),
        ({"share_percent": "60"}, "share_percent", "The share must be 50 per cent or less"),
        ({"share_percent": "lots"}, "share_percent", "Enter the share as a whole number, like 20"),
        ({"agreed_by": ""}, "agreed_by", "Enter who agreed the share, and when"),
        ({"programme": "road-safety"}, "programme", "No school is waiting for road safety in This year"),
        ({"term": "999999"}, "term", "Choose a term from the list"),
    ],
)
def test_a_bad_form_says_what_is_wrong_and_changes_nothing(
    client, county, waiting, sign_in_as, table_counts, change, field, message
):
    sign_in_as(Role.COORDINATOR, agency=county["fire"])
    data = {
        "term": term().pk,
        "programme": "home-fire-safety",
        "share_percent": "20",
        "agreed_by": "MACE partnership meeting",
        **change,
    }
    before = table_counts()
    response = client.post("/book/plan/hold-backs/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html and f'href="#id_{field}"' in html and message in html
    assert "MACE partnership meeting" in html or field == "agreed_by"  # what was typed is kept
    assert table_counts() == before


def test_one_draw_per_term_and_programme(client, county, waiting, sign_in_as):
    user = sign_in_as(Role.COORDINATOR, agency=county["fire"])
    hold_back(term(), county["home_fire"].programme, 20, "MACE", user)
    response = client.post(
        "/book/plan/hold-backs/",
        {"term": term().pk, "programme": "home-fire-safety", "share_percent": "20", "agreed_by": "Again"},
    )
    assert response.status_code == 400
    assert "a term has one draw per programme" in response.content.decode()


def test_only_coordinators_draw(client, county, sign_in_as):
    sign_in_as(Role.ANALYST, agency=county["fire"])
    assert client.get("/book/plan/hold-backs/").status_code == 403
