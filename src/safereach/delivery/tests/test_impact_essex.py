"""The impact evaluation on real Essex data: GIAS schools, LSOA boundaries and a year of police.uk
crime (January 2018 to February 2019; August and September are missing from the data and are
stepped over). Visits are synthetic: eighty schools, chosen at random, received anti-social
behaviour sessions in one of two terms. With the crime as published the estimate finds no
change; with half of those incidents near visited schools taken out after their visit,
it finds the fall."""

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from django.utils import timezone
from scipy.spatial import cKDTree

from safereach.accounts.tests.factories import make_agency
from safereach.bookings.models import Term, Visit
from safereach.bookings.tests.factories import make_session
from safereach.delivery.impact_data import evaluate
from safereach.delivery.models import VisitOutcome
from safereach.evidence.importers.run import load
from safereach.evidence.models import Incident
from safereach.matrix.evidence import load_evidence
from safereach.matrix.models import Programme
from safereach.schools.models import School
from safereach.workforce.tests.factories import make_officer, make_station

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]

MONTHS = ["2018-01", "2018-02", "2018-03", "2018-04", "2018-05", "2018-06", "2018-07", "2018-10", "2018-11",
          "2018-12", "2019-01", "2019-02"]
TERMS = [("Summer term 2018, last weeks", date(2018, 7, 2), date(2018, 7, 20)),
         ("Autumn term 2018, after the half term", date(2018, 11, 5), date(2018, 12, 19))]


@pytest.fixture
def essex(shared_data):
    load("boundaries", sorted((shared_data / "boundaries_essex" / "lsoa_2011").glob("*.geojson")))
    load("schools", [shared_data / "schools_essex" / "schools_essex_gias_format.csv"])
    crime = shared_data / "police_uk_street_crime_essex"
    load("crime", [crime / f"{month}-essex-street.csv.gz" for month in MONTHS])


def visit_eighty_schools(profile) -> dict[int, date]:
    """Delivered asb visits to eighty random schools of the programme's phases, in two terms."""
    evidence, ids = load_evidence()
    members = [ids[k] for k in np.flatnonzero(np.isin(evidence.school_phase_group, profile.phases))]
    rng = np.random.default_rng(2018)
    chosen = [members[int(k)] for k in rng.choice(len(members), size=80, replace=False)]
    agency = make_agency("Essex Police (test)")
    officer = make_officer(agency, "Alex Rivers", base=make_station("Chelmsford (test)"))
    session = make_session(agency, "Respect in our community", programme="asb", slug="respect")
    for name, starts, ends in TERMS:
        Term.objects.create(la_code="", name=name, starts_on=starts, ends_on=ends)
    first = {}
    for k, school_id in enumerate(chosen):
        day = TERMS[k % 2][1] + timedelta(days=k // 2 % 14)
        starts = timezone.make_aware(datetime.combine(day, time(9 + k % 3 * 2)))
        visit = Visit.objects.create(school_id=school_id, session=session, officer=officer, starts_at=starts,
                                     ends_at=starts + timedelta(hours=1), status=Visit.Status.CONFIRMED)
        VisitOutcome.objects.create(visit=visit, delivered=True, pupils_by_year_group={"Year 7": 28})
        first[school_id] = day
    return first


def take_out_after_visits(profile, first: dict[int, date], share: float) -> int:
    """Delete `share` of the programme's incidents within each visited school's radius, from the
    month of its visit on."""
    rows = list(Incident.objects.filter(category__in=profile.target_categories, easting__isnull=False)
                .values_list("pk", "easting", "northing", "month"))
    tree = cKDTree(np.array([[e, n] for _, e, n, _ in rows]))
    rng = np.random.default_rng(7)
    chance = rng.random(len(rows))
    gone = set()
    from safereach.matrix.indicators import phase_group

    for school in School.objects.filter(pk__in=first):
        radius = profile.radius_m[phase_group(school.phase)]
        visit_month = first[school.pk].replace(day=1)
        for k in tree.query_ball_point([school.easting, school.northing], radius):
            if rows[k][3] >= visit_month and chance[k] < share:
                gone.add(rows[k][0])
    Incident.objects.filter(pk__in=gone).delete()
    return len(gone)


def test_no_change_found_in_real_crime_and_the_fall_found_once_it_is_put_in(essex):
    programme = Programme.objects.get(slug="asb")
    profile = programme.parsed_profile()
    first = visit_eighty_schools(profile)

    none = evaluate(programme, bootstrap=299)
    assert none["status"] == "estimate", none.get("reasons")
    # Schools whose surroundings overlap one visited in the term before are left out: their
    # months before were not free of the programme.
    assert none["months"] == 12 and 50 <= none["treated"] <= 80
    assert none["treated"] + sum(c["exposed_before"] for c in none["cohorts"]) == 80
    low, high = none["overall"]["ci95"]
    assert low <= 0 <= high

    assert take_out_after_visits(profile, first, 0.5) > 1000
    found = evaluate(programme, bootstrap=299)
    low, high = found["overall"]["ci95"]
    assert high < 0
    assert found["overall"]["relative"] < -0.1
