"""Incidents gather where real ones do: deprived urban LSOAs, town centres, certain seasons."""

from collections import Counter

import numpy as np


def _quintiles(county):
    lsoas = [a for a in county.areas if a["level"] == "lsoa"]
    score = {d["lsoa_code"]: d["imd_score"] for d in county.deprivation}
    ordered = sorted(lsoas, key=lambda a: score[a["code"]], reverse=True)
    fifth = len(ordered) // 5
    return ordered[:fifth], ordered[-fifth:]


def test_incidents_per_km2_are_far_higher_in_the_most_deprived_fifth(county):
    most, least = _quintiles(county)
    per_lsoa = Counter(r["lsoa_code"] for r in county.incidents)

    def density(areas):
        return sum(per_lsoa[a["code"]] for a in areas) / sum(a["area_km2"] for a in areas)

    assert density(most) / density(least) > 10


def test_incidents_per_resident_are_higher_in_the_most_deprived_fifth(county):
    """Not only because deprived LSOAs are small: per person too, as in police.uk data."""
    most, least = _quintiles(county)
    people = {d["lsoa_code"]: d["population"] for d in county.deprivation}
    per_lsoa = Counter(r["lsoa_code"] for r in county.incidents)

    def rate(areas):
        return sum(per_lsoa[a["code"]] for a in areas) / sum(people[a["code"]] for a in areas)

    assert 2.5 < rate(most) / rate(least) < 15


def _near_town_centre(county, rows, metres=800.0):
    e = np.array([r["easting"] for r in rows])
    n = np.array([r["northing"] for r in rows])
    near = np.zeros(len(rows), dtype=bool)
    for town in county.geography.towns:
        near |= np.hypot(e - town.easting, n - town.northing) < metres
    return near.mean()


def test_shoplifting_and_public_order_gather_in_town_centres(county):
    def share(category):
        return _near_town_centre(county, [r for r in county.incidents if r["category"] == category])

    assert share("Shoplifting") > 2 * share("Burglary")
    assert share("Public order") > 1.3 * share("Burglary")


def test_asb_and_deliberate_fires_follow_deprivation(county):
    most, _ = _quintiles(county)
    deprived = {a["code"] for a in most}

    def share(category):
        rows = [r for r in county.incidents if r["category"] == category]
        return sum(r["lsoa_code"] in deprived for r in rows) / len(rows)

    assert share("Anti-social behaviour") > share("Burglary") + 0.1
    assert share("Deliberate secondary fire") > share("Accidental dwelling fire") + 0.1


def test_seasons(county):
    def by_month(category):
        return Counter(r["month"].month for r in county.incidents if r["category"] == category)

    asb = by_month("Anti-social behaviour")
    assert (asb[6] + asb[7] + asb[8]) > 1.25 * (asb[12] + asb[1] + asb[2])
    fires = by_month("Deliberate secondary fire")
    assert fires[11] > 1.3 * fires[10] and fires[4] > 1.5 * fires[10]  # Bonfire Night, spring


def test_police_incidents_are_snapped_and_fire_incidents_dated(county):
    police = [r for r in county.incidents if r["source"] == "police"]
    points = {(r["lon"], r["lat"]) for r in police}
    assert len(points) < 0.2 * len(police)  # many crimes share each snap point
    assert all(r["location"].startswith("On or near ") for r in police)
    assert all(r["occurred_at"] is None for r in police)
    asb = [r for r in police if r["category"] == "Anti-social behaviour"]
    assert all(r["reference"] == "" for r in asb)  # police.uk gives ASB no crime ID
    crimes = [r for r in police if r["category"] != "Anti-social behaviour"]
    assert len({r["reference"] for r in crimes}) == len(crimes)
    fire = [r for r in county.incidents if r["source"] == "fire"]
    assert all(r["occurred_at"].date().replace(day=1) == r["month"] for r in fire)
    assert len({r["reference"] for r in fire}) == len(fire)
