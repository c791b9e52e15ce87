"""The reach figures for a large county: every breakdown, the share of target schools reached
and the schools never visited, as the shared reach page and its CSV export work them out.

A county of 1,500 schools in 12 districts and 60 wards, three agencies with eight sessions, and
30,000 delivered visits over four school years (a generous size: Essex's fire service reports
some 1,300 visits a year). Measured, median of five:

- `reach_data.report` for every agency (what the page and `safereach reach` read), with a
  viewer who sees only their own agency's counts exactly, so small counts are suppressed;
- the CSV export through Django's test client, signed in as an analyst;
- beside them, the floor: the same outcomes read from the database and summed by district with
  no terms, targets, suppression or other breakdowns (values_list + Counter), in the same run.
"""

import statistics
import sys
from collections import Counter
from datetime import date, datetime, time, timedelta

import numpy as np

from common import report, setup_django, signed_in, timed

SCHOOLS, VISITS, DISTRICTS, WARDS_PER_DISTRICT, RUNS = 1500, 30000, 12, 5, 5
SCHOOL_YEAR = 2026


def build(rng):
    from django.utils import timezone

    from safereach.accounts.models import Agency, Role, User
    from safereach.areas.models import Area
    from safereach.bookings.models import Visit
    from safereach.bookings.tests.factories import make_session
    from safereach.delivery.models import VisitOutcome
    from safereach.schools.models import School
    from safereach.workforce.models import Officer

    agencies = [
        Agency.objects.create(name=name, kind=kind, slug=slug)
        for name, kind, slug in [
            ("Benchshire Fire and Rescue Service", Agency.Kind.FIRE_RESCUE, "benchshire-fire"),
            ("Benchshire Police", Agency.Kind.POLICE, "benchshire-police"),
            ("Benchshire Youth Trust", Agency.Kind.CHARITY, "benchshire-youth"),
        ]
    ]
    analyst = User.objects.create_user(
        email="analyst@bench.example", password="bench-password-1", roles=[Role.ANALYST], agency=agencies[0]
    )
    sessions = [
        make_session(agencies[k % 3], f"Session {k}", slug=f"bench-session-{k}", programme=p, year_groups=[5])
        for k, p in enumerate(
            ["home-fire-safety", "arson", "hoax-calls", "knife-crime", "asb", "exploitation", "water-safety",
             "road-safety"]
        )
    ]
    officers = [Officer.objects.create(agency=a, name=f"Officer {a.slug}") for a in agencies]
    lsoas = []
    for d in range(DISTRICTS):
        district = Area.objects.create(level=Area.Level.DISTRICT, code=f"E07{d:06d}", name=f"District {d}")
        for w in range(WARDS_PER_DISTRICT):
            ward = Area.objects.create(
                level=Area.Level.WARD, code=f"E05{d:03d}{w:03d}", name=f"Ward {d}-{w}", parent=district
            )
            for k in range(4):
                lsoas.append(
                    Area.objects.create(
                        level=Area.Level.LSOA, code=f"E01{d:02d}{w:02d}{k:02d}", name=f"LSOA {d}-{w}-{k}",
                        parent=ward, district=district,
                    )
                )
    School.objects.bulk_create(
        [
            School(urn=200000 + k, name=f"School {k}", phase="Primary", la_code="999",
                   lsoa=lsoas[int(rng.integers(len(lsoas)))])
            for k in range(SCHOOLS)
        ],
        batch_size=1000,
    )
    school_ids = list(School.objects.values_list("pk", flat=True))
    first = date(SCHOOL_YEAR - 3, 9, 1)
    span = (date(SCHOOL_YEAR + 1, 7, 20) - first).days
    visits = []
    for k in range(VISITS):
        session = sessions[int(rng.integers(len(sessions)))]
        day = first + timedelta(days=int(rng.integers(span)))
        # A second apart for each visit, so no officer has two starting at once.
        starts = timezone.make_aware(datetime.combine(day, time(8))) + timedelta(seconds=k)
        visits.append(
            Visit(school_id=school_ids[int(rng.integers(len(school_ids)))], session=session,
                  officer=officers[agencies.index(session.partner)], starts_at=starts,
                  ends_at=starts + timedelta(hours=1), status=Visit.Status.CONFIRMED)
        )
    Visit.objects.bulk_create(visits, batch_size=2000)
    outcomes = []
    for pk in Visit.objects.values_list("pk", flat=True):
        pupils = int(rng.integers(10, 31))
        outcomes.append(VisitOutcome(visit_id=pk, delivered=True, pupils_by_year_group={"Year 5": pupils},
                                     pupils_reached=pupils))
    VisitOutcome.objects.bulk_create(outcomes, batch_size=2000)
    return analyst, agencies


def floor():
    """The bare sum: delivered visits and pupils by district, read straight from the outcomes."""
    from safereach.delivery.models import VisitOutcome

    visits, pupils = Counter(), Counter()
    for district, reached in VisitOutcome.objects.filter(delivered=True).values_list(
        "visit__school__lsoa__district__code", "pupils_reached"
    ):
        visits[district] += 1
        pupils[district] += reached
    return visits, pupils


def main():
    setup_django()
    import time_machine
    from django.conf import settings

    from safereach.delivery.reach_data import report as reach_report

    settings.ALLOWED_HOSTS = ["*"]
    rng = np.random.default_rng(2026)
    analyst, agencies = build(rng)
    with time_machine.travel(datetime(SCHOOL_YEAR + 1, 3, 1, 10), tick=True):
        client = signed_in(analyst)
        ours, csv_times, bare = [], [], []
        for _ in range(RUNS):
            with timed() as t:
                found = reach_report(school_year=SCHOOL_YEAR, own=lambda v: v.agency_id == agencies[0].pk)
            ours.append(t["seconds"])
            with timed() as t:
                response = client.get("/delivery/reach/export.csv", {"school_year": SCHOOL_YEAR})
            assert response.status_code == 200, response.status_code
            csv_times.append(t["seconds"])
            with timed() as t:
                visits, _ = floor()
            bare.append(t["seconds"])
    this_year = found.figures.total_visits
    assert sum(visits.values()) == VISITS and this_year > 0
    figures = {
        "schools": SCHOOLS,
        "visits": VISITS,
        "median_seconds_report": statistics.median(ours),
        "median_seconds_csv_export": statistics.median(csv_times),
        "baseline_median_seconds_sum_by_district": statistics.median(bare),
        "report_ratio_to_baseline": statistics.median(ours) / statistics.median(bare),
        "csv_ratio_to_baseline": statistics.median(csv_times) / statistics.median(bare),
    }
    report(
        "reach",
        figures,
        [
            f"{VISITS} delivered visits to {SCHOOLS} schools: the reach figures in "
            f"{figures['median_seconds_report']:.2f} s, the CSV export in "
            f"{figures['median_seconds_csv_export']:.2f} s (median of {RUNS}); the bare sum by district "
            f"{figures['baseline_median_seconds_sum_by_district']:.2f} s, so "
            f"{figures['report_ratio_to_baseline']:.1f}x and "
            f"{figures['csv_ratio_to_baseline']:.1f}x the floor",
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
