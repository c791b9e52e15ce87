import random
from datetime import date, timedelta

import pytest

from safereach.routing.diary import Diary, SchoolDay, Stop
from safereach.routing.slots import SlotRequest, choose_offers, find_slots, naive_slots

MONDAY = date(2027, 3, 1)
BASE, SCHOOL, NEAR, FAR = 0, 1, 2, 3
# Minutes between places: the school is 20 minutes from base; NEAR is 5 minutes from it.
MINUTES = {
    (BASE, SCHOOL): 20,
    (BASE, NEAR): 20,
    (BASE, FAR): 60,
    (SCHOOL, NEAR): 5,
    (SCHOOL, FAR): 50,
    (NEAR, FAR): 50,
}


def travel(a, b):
    return 0 if a == b else MINUTES[min(a, b), max(a, b)]


def diary(**extra):
    values = dict(
        officer_id=1,
        base=BASE,
        day_starts=8 * 60 + 30,
        day_ends=16 * 60 + 30,
        working_weekdays=frozenset({1, 2, 3, 4, 5}),
        max_visits_per_day=3,
    )
    values.update(extra)
    values["stops"] = {d: tuple(sorted(v)) for d, v in values.pop("visits", {}).items()}
    return Diary(**values)


def request(earliest=9 * 60, latest=15 * 60, lunch=None, **extra):
    values = dict(school=SCHOOL, days=[MONDAY], school_day=SchoolDay(earliest, latest, lunch), length=60)
    values.update(extra)
    return SlotRequest(**values)


def test_an_empty_day_offers_the_earliest_start_the_officer_can_reach():
    slots = find_slots(request(), [diary()], travel)

    # leaves base 08:30, 20 minutes' drive, 10 minutes to sign in: 09:00 at the earliest
    assert [(s.start, s.end, s.added_travel) for s in slots] == [(540, 600, 40)]


def test_the_officer_must_reach_the_next_visit_in_time():
    far_visit = Stop(start=10 * 60 + 30, end=11 * 60 + 30, place=FAR)
    slots = find_slots(request(), [diary(visits={MONDAY: [far_visit]})], travel)

    # Before the far visit would need 09:00-10:00 then 50 minutes' drive and 10 to sign in
    # by 10:30: impossible. After it: 11:30 + 50 + 10 = 12:30.
    assert [(s.start, s.came_from, s.goes_to) for s in slots] == [(12 * 60 + 30, FAR, BASE)]
    assert slots[0].added_travel == 50 + 20 - 60


def test_a_nearby_visit_makes_the_slot_next_to_it_cheapest():
    near_visit = Stop(start=9 * 60, end=10 * 60, place=NEAR)
    slots = find_slots(request(), [diary(visits={MONDAY: [near_visit]})], travel)

    assert slots[0].came_from == NEAR and slots[0].start == 10 * 60 + 15
    assert slots[0].added_travel == 5 + 20 - 20


def test_no_slot_on_leave_days_closed_days_days_off_or_full_days():
    days = [MONDAY + timedelta(days=i) for i in range(7)]
    full_wednesday = [Stop(s, s + 30, NEAR) for s in (9 * 60, 11 * 60, 14 * 60)]
    officer = diary(
        working_weekdays=frozenset({1, 2, 3, 4}), away=frozenset({days[1]}), visits={days[2]: full_wednesday}
    )

    slots = find_slots(request(days=days, closed_days=frozenset({days[3]})), [officer], travel)

    assert {s.day for s in slots} == {MONDAY}


def test_the_school_day_bounds_the_session():
    assert find_slots(request(earliest=13 * 60, latest=14 * 60 - 5), [diary()], travel) == []
    assert [s.start for s in find_slots(request(earliest=13 * 60 + 2), [diary()], travel)] == [785]


def test_no_slot_runs_into_the_schools_lunch():
    lunch = (12 * 60, 12 * 60 + 45)
    # Reachable at 11:35 at the earliest, but an hour from then runs over lunch: after lunch.
    officer = diary(visits={MONDAY: [Stop(10 * 60, 11 * 60 + 5, NEAR)]})

    slots = find_slots(request(lunch=lunch), [officer], travel)

    assert [(s.start, s.end) for s in slots] == [(12 * 60 + 45, 13 * 60 + 45)]


def test_a_busy_time_from_the_officers_calendar_is_never_offered():
    meeting = Stop(9 * 60, 11 * 60, BASE, is_visit=False)

    slots = find_slots(request(), [diary(visits={MONDAY: [meeting]})], travel)

    # back from the meeting at base at 11:00: 20 minutes' drive and 10 to sign in
    assert [s.start for s in slots] == [11 * 60 + 30]


def test_capacity_is_held_for_target_schools_until_the_hold_lapses():
    busy = diary(max_visits_per_day=2, visits={MONDAY: [Stop(9 * 60, 10 * 60, NEAR)]})
    held = dict(held_share=0.5, hold_until=MONDAY + timedelta(days=1))

    assert find_slots(request(is_target=False, **held), [busy], travel) == []
    assert find_slots(request(is_target=True, **held), [busy], travel) != []
    assert find_slots(request(is_target=False, held_share=0.5, hold_until=MONDAY), [busy], travel) != []


def test_offers_are_one_per_day_least_added_travel_first():
    days = [MONDAY + timedelta(days=i) for i in range(5)]
    officer = diary(visits={days[2]: [Stop(9 * 60, 10 * 60, NEAR)]})
    other = diary(officer_id=2, base=FAR)

    offers = choose_offers(find_slots(request(days=days), [officer, other], travel), count=3)

    assert offers[0].day == days[2] and offers[0].added_travel == 5
    assert len({o.day for o in offers}) == 3
    assert all(o.officer_id == 1 for o in offers)


def random_case(seed):
    rng = random.Random(seed)
    places = 30
    coords = [(rng.uniform(0, 40), rng.uniform(0, 40)) for _ in range(places)]

    def km_travel(a, b):
        if a == b:
            return 0
        (x1, y1), (x2, y2) = coords[a], coords[b]
        return 5 + 1.5 * ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5

    days = [MONDAY + timedelta(days=i) for i in range(10)]
    diaries, all_visits = [], []
    for officer_id in range(6):
        visits = {}
        for day in days:
            t = 9 * 60 + rng.randrange(0, 90, 5)
            day_visits = []
            for _ in range(rng.randrange(0, 3)):
                length = rng.choice([45, 60, 90])
                if t + length > 15 * 60:
                    break
                v = Stop(t, t + length, rng.randrange(1, places))
                day_visits.append(v)
                all_visits.append((officer_id, day, v))
                t += length + rng.randrange(40, 150, 5)
            visits[day] = day_visits
        diaries.append(
            Diary(
                officer_id=officer_id,
                base=0,
                day_starts=8 * 60,
                day_ends=rng.choice([16, 17]) * 60,
                working_weekdays=frozenset({1, 2, 3, 4, 5}) - {rng.randrange(1, 6)},
                max_visits_per_day=rng.choice([2, 3, 4]),
                away=frozenset({rng.choice(days)}),
                stops={d: tuple(v) for d, v in visits.items()},
            )
        )
    req = SlotRequest(
        school=rng.randrange(1, places),
        days=days,
        school_day=SchoolDay(8 * 60 + 45, 15 * 60 + 15, (12 * 60, 12 * 60 + 45) if seed % 2 else None),
        length=rng.choice([45, 60]),
    )
    return req, diaries, all_visits, km_travel


@pytest.mark.parametrize("seed", range(20))
def test_the_fast_search_finds_exactly_what_the_naive_search_finds(seed):
    req, diaries, all_visits, km_travel = random_case(seed)

    assert find_slots(req, diaries, km_travel) == naive_slots(req, diaries, km_travel)


@pytest.mark.parametrize("seed", range(20))
def test_every_slot_is_reachable_recomputed_from_the_diary(seed):
    req, diaries, all_visits, km_travel = random_case(seed)
    by_officer = {d.officer_id: d for d in diaries}

    slots = find_slots(req, diaries, km_travel)

    assert slots
    for slot in slots:
        d = by_officer[slot.officer_id]
        day = [(v.start, v.end, v.place) for v in d.stops.get(slot.day, ())]
        before = [v for v in day if v[1] <= slot.start]
        after = [v for v in day if v[0] >= slot.end]
        assert len(before) + len(after) == len(day), "overlaps a visit"
        left_at, left_from = max(((v[1], v[2]) for v in before), default=(d.day_starts, d.base))
        assert left_at + km_travel(left_from, req.school) + req.arrive_before <= slot.start
        if after:
            next_start, _, next_place = min(after)
            assert slot.end + km_travel(req.school, next_place) + req.arrive_before <= next_start
        else:
            assert slot.end + km_travel(req.school, d.base) <= d.day_ends
        school = req.school_day
        assert school.earliest <= slot.start and slot.end <= school.latest
        if school.lunch:
            assert slot.end <= school.lunch[0] or slot.start >= school.lunch[1]
        assert len(day) < d.max_visits_per_day
        assert slot.day not in d.away and slot.day.isoweekday() in d.working_weekdays


def test_a_day_another_partner_visits_the_school_comes_first():
    days = [MONDAY + timedelta(days=i) for i in range(5)]
    officer = diary(visits={days[2]: [Stop(9 * 60, 10 * 60, NEAR)]})
    slots = find_slots(request(days=days), [officer], travel)

    offers = choose_offers(slots, count=3, prefer_days=[days[4]])

    assert [o.day for o in offers] == [days[4], days[2], days[0]]
