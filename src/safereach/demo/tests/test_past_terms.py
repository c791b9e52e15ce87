"""The demo county's past terms: visits from the roll-out `generate` planned, kept to the rules
of the diary, each with its outcome, and the first delivered visit of each school in the term
the plan gave it; incidents of anti-social behaviour fell near the schools that had it."""

from collections import Counter
from datetime import datetime, time

from django.utils import timezone

from safereach.bookings.calendar_days import is_bank_holiday
from safereach.bookings.models import Closure, Term, Visit
from safereach.demo.bookings import recent_school_days
from safereach.demo.rollout import ROLL_OUT
from safereach.demo.schools import LA_CODE
from safereach.workforce.models import Leave


def history():
    first = recent_school_days(LA_CODE, timezone.localdate())[0]
    return Visit.objects.filter(
        is_fictional=True, starts_at__lt=timezone.make_aware(datetime.combine(first, time(0)))
    ).select_related("school", "session", "officer", "outcome")


def test_past_terms_keep_to_the_rules_of_the_diary(run_demo, county):
    run_demo()
    visits = list(history())
    assert len(visits) >= 200
    per_day = Counter()
    for v in visits:
        day = timezone.localdate(v.starts_at)
        assert Term.objects.filter(la_code=LA_CODE, starts_on__lte=day, ends_on__gte=day).exists()
        assert not Closure.objects.filter(la_code=LA_CODE, starts_on__lte=day, ends_on__gte=day).exists()
        assert not is_bank_holiday(day) and day.isoweekday() <= 5
        assert v.officer.works_on(day) and v.officer.sessions.filter(pk=v.session_id).exists()
        assert not Leave.objects.filter(officer=v.officer, starts_on__lte=day, ends_on__gte=day).exists()
        per_day[(v.officer_id, day)] += 1
        assert per_day[(v.officer_id, day)] <= v.officer.max_visits_per_day
        assert v.outcome is not None and v.outcome.recorded_at >= v.ends_at
    delivered = [v for v in visits if v.outcome.delivered]
    assert 0 < len(visits) - len(delivered) < 0.1 * len(visits)
    assert {v.session.programme.slug for v in delivered} == set(ROLL_OUT)
    # Each school's first delivered visit of a programme is in the term the plan gave it.
    planned = {(p["urn"], p["programme"]): p for p in county.rollout if p["first"]}
    first = {}
    for v in sorted(delivered, key=lambda v: v.starts_at):
        first.setdefault((v.school.urn, v.session.programme.slug), v)
    for key, v in first.items():
        p = planned[key]
        assert p["term_starts"] <= timezone.localdate(v.starts_at) <= p["term_ends"]


def test_incidents_respond_only_where_the_demo_says(county, monkeypatch):
    from safereach.demo import rollout
    from safereach.demo.county import generate

    monkeypatch.setitem(rollout.ROLL_OUT, "asb", (rollout.ROLL_OUT["asb"][0], 0.0))
    without = generate(county.seed, county.last_month)
    asb = {"Anti-social behaviour", "Public order", "Deliberate secondary fire"}
    had = Counter(r["category"] for r in county.incidents)
    would_have = Counter(r["category"] for r in without.incidents)
    # Incidents of other kinds are as they would have been; those anti-social behaviour
    # sessions aim at are fewer, by a share of those near visited schools after the visit.
    others = {k: n for k, n in had.items() if k not in asb}
    assert others == {k: n for k, n in would_have.items() if k not in asb}
    fewer = sum(would_have[k] - had[k] for k in asb)
    assert 0.03 * sum(would_have[k] for k in asb) < fewer < 0.33 * sum(would_have[k] for k in asb)
    assert without.rollout == county.rollout
