"""The demo's outcomes: only for demo visits that have happened, counted in the year groups the
outcome page would ask for, recorded by the officer (or their coordinator), the latest visit of
an officer who signs in left to record, and the same every time for one seed."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safereach.bookings.models import Visit
from safereach.bookings.tests.factories import make_county
from safereach.catalogue.models import YEAR_LABEL
from safereach.delivery.models import VisitOutcome, year_groups_of
from safereach.delivery.outcomes import outcome_lines
from safereach.delivery.tests.factories import last_week, make_visit
from safereach.demo.outcomes import add_demo_outcomes, clear_demo_outcomes

SEED = SimpleNamespace(seed=11)


@pytest.fixture
def county(db):
    """The small booking county (the demo tests' own `county` is the generated demo county)."""
    return make_county()


@pytest.fixture
def diary(county):
    """Owen (who signs in) and Fatima (who does not) over the last five weeks, and visits the
    demo must leave alone: one ahead, one cancelled, and one that is not the demo's."""
    owen, fatima = county["owen"], county["fatima"]
    past = []
    for weeks_ago in range(5):
        for weekday in range(5):
            day = last_week(weekday) - timedelta(weeks=weeks_ago)
            past.append(make_visit(county, day, hour=9, officer=fatima, year_groups=(4,)))
            if weekday % 2 == 0:
                past.append(make_visit(county, day, hour=11, year_groups=(5, 6)))
    Visit.objects.filter(pk__in=[v.pk for v in past]).update(is_fictional=True)
    ahead = make_visit(county, timezone.localdate() + timedelta(days=3))
    cancelled = make_visit(county, last_week(0), hour=14, status=Visit.Status.CANCELLED)
    real = make_visit(county, last_week(1), hour=14)
    Visit.objects.filter(pk__in=[ahead.pk, cancelled.pk]).update(is_fictional=True)
    return {"owen": owen, "fatima": fatima, "past": past, "left_alone": [ahead, cancelled, real]}


def add(county):
    return add_demo_outcomes(SEED, {"fire": county["fire"]})


def test_outcomes_only_for_demo_visits_that_have_happened(county, diary):
    counts = add(county)
    outcomes = {o.visit_id: o for o in VisitOutcome.objects.all()}
    assert not set(outcomes) & {v.pk for v in diary["left_alone"]}
    assert counts == {"outcomes": len(outcomes), "outcomes to record": len(diary["past"]) - len(outcomes)}
    assert 0.7 * len(diary["past"]) <= len(outcomes) < len(diary["past"])
    latest_of_owen = max((v for v in diary["past"] if v.officer == diary["owen"]), key=lambda v: v.starts_at)
    assert latest_of_owen.pk not in outcomes


def test_counts_are_in_the_year_groups_the_outcome_page_asks_for(county, diary):
    add(county)
    for outcome in VisitOutcome.objects.select_related("visit__booking", "visit__session"):
        visit = outcome.visit
        if outcome.delivered:
            asked = {YEAR_LABEL[y] for y in year_groups_of(visit)}
            assert outcome.pupils_by_year_group and set(outcome.pupils_by_year_group) <= asked
            booked = {YEAR_LABEL[y] for y in visit.booking.year_groups}
            assert booked <= set(outcome.pupils_by_year_group)
            assert 0 < outcome.pupils_reached <= visit.booking.pupils + 30
        else:
            assert outcome.reason and outcome.pupils_reached == 0
        assert visit.ends_at <= outcome.recorded_at < timezone.now()
        expected = diary["owen"].user if visit.officer == diary["owen"] else county["coordinator"]
        assert outcome.recorded_by == expected


def test_the_week_offers_to_record_what_is_left(county, diary):
    add(county)
    lines = outcome_lines(diary["past"])
    texts = {line.link_text for line in lines.values()}
    assert texts == {"Record the outcome", "Change the outcome"}
    assert all(line.link for line in lines.values())


def test_one_seed_gives_the_same_outcomes_and_clearing_removes_them(county, diary):
    def recorded():
        return sorted(
            (o.visit_id, o.delivered, o.reason, o.pupils_by_year_group, o.school_feedback, o.recorded_at)
            for o in VisitOutcome.objects.all()
        )

    real = diary["left_alone"][2]
    VisitOutcome.objects.create(visit=real, delivered=True, pupils_by_year_group={"Year 5": 20})
    add(county)
    first = recorded()
    clear_demo_outcomes()
    assert list(VisitOutcome.objects.values_list("visit_id", flat=True)) == [real.pk]
    add(county)
    assert recorded() == first
