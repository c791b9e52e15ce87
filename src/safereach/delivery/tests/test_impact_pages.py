"""The impact evaluation over the database: schools treated from the term of their first
delivered visit, incidents counted within each school's radius month by month, an effect put
into the incidents found; the page and `safereach impact` refuse when there is too little."""

import io
import json
from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.areas.models import Area
from safereach.areas.tests.factories import make_area
from safereach.bookings.models import Term, Visit
from safereach.bookings.tests.factories import make_session
from safereach.delivery.impact_data import evaluate, treatment_terms
from safereach.delivery.models import ImpactRun, VisitOutcome
from safereach.evidence.models import Incident
from safereach.evidence.tests.factories import make_dataset
from safereach.matrix.models import Programme
from safereach.schools.tests.factories import make_school

pytestmark = pytest.mark.django_db
ARSON = "Criminal damage and arson"
MONTHS = [date(2024 + (m // 12), m % 12 + 1, 1) for m in range(24)]  # January 2024 to December 2025
TERMS = [
    ("Spring term 2025", date(2025, 1, 6), date(2025, 3, 28)),
    ("Autumn term 2025", date(2025, 9, 3), date(2025, 12, 19)),
]


def deliver(school, session, officer, day, delivered=True):
    starts = timezone.make_aware(datetime.combine(day, time(10)))
    visit = Visit.objects.create(
        school=school,
        session=session,
        officer=officer,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=Visit.Status.CONFIRMED,
    )
    if delivered:
        VisitOutcome.objects.create(visit=visit, delivered=True, pupils_by_year_group={"Year 5": 25})
    else:
        VisitOutcome.objects.create(visit=visit, delivered=False, reason=VisitOutcome.Reason.SCHOOL_CLOSED)


def world(county, *, schools=60, treated=24, effect=0.5, seed=1):
    """Primary schools 4 km apart (their 1.5 km radii do not overlap), each with Poisson
    arson crimes a month within 500 m; the first `treated` get a delivered arson visit in one of
    two terms, and their incidents are multiplied by `effect` from the month after."""
    rng = np.random.default_rng(seed)
    lsoa = make_area(Area.Level.LSOA, centroid_easting=575000.0, centroid_northing=207000.0)
    session = make_session(county["fire"], "Deliberate fires", programme="arson", slug="deliberate-fires")
    crime = make_dataset(kind="crime", row_count=0)
    rows = []
    made = []
    for k in range(schools):
        e, n = 560000.0 + 4000 * (k % 8), 190000.0 + 4000 * (k // 8)
        school = make_school(
            name=f"Grid School {k}",
            phase="Primary",
            lsoa=lsoa,
            easting=e,
            northing=n,
            la_code="881",
            percent_fsm=float(rng.uniform(5, 40)),
        )
        level = rng.gamma(4.0, 1.5)
        term = TERMS[k % 2] if k < treated else None
        if term:
            deliver(school, session, county["owen"], term[1] + timedelta(days=7 + k))
        for month in MONTHS:
            expected = level * (effect if term and month > term[1] else 1.0)
            for _ in range(rng.poisson(expected)):
                angle, r = rng.uniform(0, 2 * np.pi), rng.uniform(0, 500)
                rows.append(
                    Incident(
                        dataset=crime,
                        source="police",
                        category=ARSON,
                        month=month,
                        easting=e + r * np.cos(angle),
                        northing=n + r * np.sin(angle),
                    )
                )
        made.append(school)
    Incident.objects.bulk_create(rows)
    for name, starts, ends in TERMS:
        Term.objects.create(la_code="881", name=name, starts_on=starts, ends_on=ends)
    return made, session


def test_treated_from_the_term_of_the_first_delivered_visit(county):
    Term.objects.create(
        la_code="881", name="Autumn term 2025", starts_on=date(2025, 9, 3), ends_on=date(2025, 12, 19)
    )
    school = make_school(la_code="881")
    found = treatment_terms({school.pk: date(2025, 10, 14)}, {school.pk: "881"})
    assert found == {school.pk: (date(2025, 9, 3), "Autumn term 2025")}
    # A visit in the holidays starts in its own month.
    assert treatment_terms({school.pk: date(2025, 8, 14)}, {school.pk: "881"})[school.pk][0] == date(
        2025, 8, 1
    )


def test_finds_the_effect_put_into_the_incidents(county):
    schools, session = world(county, effect=0.5)
    # A visit that was not delivered does not start anything; nor does a later one.
    deliver(schools[-1], session, county["owen"], date(2025, 2, 3), delivered=False)
    deliver(schools[0], session, county["owen"], date(2025, 10, 6))
    result = evaluate(Programme.objects.get(slug="arson"), bootstrap=299)
    assert result["status"] == "estimate", result.get("reasons")
    assert result["treated"] == 24 and result["months"] == 24
    assert [c["term"] for c in result["cohorts"]] == ["Spring term 2025", "Autumn term 2025"]
    low, high = result["overall"]["ci95"]
    assert high < 0
    assert -0.65 < result["overall"]["relative"] < -0.35  # half the incidents, give or take
    assert result["pretrend"]["passed"]


def test_the_page_refuses_with_too_little_data_and_says_the_thresholds(client, county, sign_in_as):
    world(county, schools=16, treated=6)
    sign_in_as(Role.ANALYST, agency=county["fire"])
    response = client.post("/delivery/impact/arson/")
    run = ImpactRun.objects.get()
    assert response["Location"] == f"/delivery/impact/arson/runs/{run.pk}/"
    assert run.state == ImpactRun.State.DONE and run.result["status"] == "refused"
    page = client.get(response["Location"]).content.decode()
    assert "No estimate" in page
    assert "6 schools received the programme" in page and "an estimate needs at least 10" in page
    assert "Maryland" in page and "It cannot show" in page
    # The programme's page shows the latest estimate made.
    assert "an estimate needs at least 10" in client.get("/delivery/impact/arson/").content.decode()


def test_partners_read_but_do_not_run_estimates(client, county, sign_in_as):
    programme = Programme.objects.get(slug="arson")
    programme.agencies.add(county["fire"])
    sign_in_as(Role.PARTNER, agency=county["fire"])
    assert client.get("/delivery/impact/arson/").status_code == 200
    assert client.post("/delivery/impact/arson/").status_code == 403
    assert client.get("/delivery/impact/knife-crime/").status_code == 403  # not their programme
    assert not ImpactRun.objects.exists()


def test_the_command_gives_the_same_answer(county):
    world(county, schools=16, treated=6)
    out = io.StringIO()
    call_command("impact", "--programme", "arson", "--json", "--bootstrap", "99", stdout=out)
    result = json.loads(out.getvalue())
    assert result["status"] == "refused" and result["thresholds"]["treated_schools"] == 10
    with pytest.raises(CommandError, match="No programme 'juggling'"):
        call_command("impact", "--programme", "juggling")
    with pytest.raises(CommandError, match="--bootstrap"):
        call_command("impact", "--programme", "arson", "--bootstrap", "5")
