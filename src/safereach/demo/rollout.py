"""The demo county's history of delivery: which schools received which programme in which term
over the months of incidents, and how incidents near them responded. Pure computation, no
database: `generate` plans it with the rest of the county, demo.history writes the visits.

A programme rolls out district by district, a district a term, and within a district schools
are chosen as prevention teams choose them, the more deprived (more pupils on free school
meals) more often, among those that teach the session's year groups and whose need it serves;
each wave starts in a term with at least six months of incidents before it and three after, so
the impact page has something to estimate. Anti-social behaviour sessions work in the
demo: incidents of its kinds within a visited school's radius fall by a third after the visit.
Every other programme changes nothing, so the page can show an effect and its absence; hoax
calls reach too few schools to estimate at all.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from scipy.spatial import cKDTree

from safereach.matrix.indicators import phase_group
from safereach.matrix.profiles import DEFAULT_RADIUS, Profile
from safereach.matrix.programmes import PROGRAMMES
from safereach.schools import year_groups

# programme → (share of the schools it suits that received it, change in its incidents near them)
ROLL_OUT = {
    "asb": (0.3, -0.33),
    "arson": (0.35, 0.0),
    "knife-crime": (0.35, 0.0),
    "home-fire-safety": (0.2, 0.0),
    "hoax-calls": (0.03, 0.0),
    "exploitation": (0.1, 0.0),
    "road-safety": (0.15, 0.0),
    "water-safety": (0.1, 0.0),
}
REPEAT = 0.3  # schools visited again a year on
# How far from a school its sessions reach: the streets its pupils live and play in, less than
# the radius the matrix counts over, so that neighbouring schools are touched less.
REACH_M = 800.0
NEED = 1.0  # how much more often a school is chosen for each 10 points of free school meals
MONTHS_BEFORE = 6
MONTHS_AFTER = 3


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def rollout_terms(first_month: date, last_month: date) -> list[tuple[date, str, date]]:
    """(first day, name, last day) of the terms a wave may start in."""
    from safereach.demo.bookings import term_dates

    terms = []
    for year in range(first_month.year - 1, last_month.year + 1):
        for name, starts, ends in term_dates(year)[0]:
            if (
                _month_index(first_month) + MONTHS_BEFORE
                <= _month_index(starts)
                <= _month_index(last_month) - MONTHS_AFTER + 1
            ):
                terms.append((starts, name, ends))
    return sorted(terms)


def years_taught(school: dict) -> frozenset[int]:
    """The year groups a demo school (as demo.schools writes it) teaches, by the schools' rule."""
    return year_groups.years_taught(
        school.get("phase", ""), school.get("low_age"), school.get("high_age"), school.get("name", "")
    )


def plan_rollout(
    rng: np.random.Generator, schools: list[dict], sessions, first_month: date, last_month: date
) -> list[dict]:
    """Delivered visits of the past: one per (school, programme) in a wave's term, on a planned
    day in its first weeks, and now and then a repeat a year on. `sessions` are the demo
    catalogue's rows (demo.bookings.SESSIONS)."""
    terms = rollout_terms(first_month, last_month)
    if not terms:
        return []
    plan = []
    planned = set()  # (urn, programme): a school has one first visit of a programme
    for agency, programme, title, years, *_rest, place, tiers, _text in sessions:
        if programme not in ROLL_OUT or place != "school":
            continue
        share, _ = ROLL_OUT[programme]
        suited = [
            s
            for s in schools
            if years_taught(s) & set(years)
            and (s["need_tier"] is None or s["need_tier"] in tiers)
            and (s["urn"], programme) not in planned
        ]
        if not suited:
            continue
        # District by district, as partners often roll a programme out: one district a term, in
        # an order of their choosing; districts left when the terms run out wait for later.
        districts = sorted({s["district_code"] for s in suited})
        order = [districts[int(k)] for k in rng.permutation(len(districts))]
        wave = {code: k for k, code in enumerate(order[: len(terms)])}
        within = [s for s in suited if s["district_code"] in wave]
        if not within:
            continue
        weight = np.array([1.0 + NEED * (s["percent_fsm"] or 0.0) / 10 for s in within])
        count = min(len(within), max(1, int(round(share * len(suited)))))
        chosen = rng.choice(len(within), size=count, replace=False, p=weight / weight.sum())
        for k in sorted(chosen):
            school = within[k]
            planned.add((school["urn"], programme))
            starts, name, ends = terms[wave[school["district_code"]]]
            day = starts + timedelta(days=int(rng.integers(3, 40)))
            visit = {
                "urn": school["urn"],
                "programme": programme,
                "session": title,
                "agency": agency,
                "term": name,
                "term_starts": starts,
                "term_ends": ends,
            }
            plan.append({**visit, "day": day, "first": True})
            if rng.random() < REPEAT:
                plan.append({**visit, "day": day + timedelta(days=364), "first": False})
    return sorted(plan, key=lambda p: (p["day"], p["urn"], p["programme"]))


def respond(
    rng: np.random.Generator, incidents: list[dict], schools: list[dict], plan: list[dict]
) -> list[dict]:
    """The incidents less those the programmes prevented: an incident of a responding programme's
    kinds, within REACH_M of a school that had received it by the month before, is taken out
    with the programme's chance. Others are left as they were, in the same order."""
    by_urn = {s["urn"]: s for s in schools}
    xy = np.array([[r["easting"], r["northing"]] for r in incidents], float).reshape(len(incidents), 2)
    month = np.array([_month_index(r["month"]) for r in incidents])
    category = np.array([r["category"] for r in incidents], dtype=object)
    prevented = np.zeros(len(incidents), bool)
    chance = rng.random(len(incidents))
    profiles = {p["slug"]: p["profile"] for p in PROGRAMMES}
    for programme, (_, effect) in ROLL_OUT.items():
        if not effect or programme not in profiles:
            continue
        kinds = set(Profile.from_json(profiles[programme]).target_categories)
        radius = {**DEFAULT_RADIUS, **profiles[programme].get("radius_m", {})}
        of_kind = np.flatnonzero(np.isin(category, list(kinds)))
        if not len(of_kind):
            continue
        tree = cKDTree(xy[of_kind])
        for visit in plan:
            if visit["programme"] != programme or not visit["first"]:
                continue
            school = by_urn[visit["urn"]]
            near = of_kind[
                tree.query_ball_point(
                    [school["easting"], school["northing"]],
                    min(REACH_M, radius[phase_group(school["phase"])]),
                )
            ]
            after = near[month[near] > _month_index(visit["day"])]
            prevented[after] |= chance[after] < -effect
    return [r for r, gone in zip(incidents, prevented) if not gone]
