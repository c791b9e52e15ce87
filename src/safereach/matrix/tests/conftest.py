import datetime
import json

import numpy as np
import pytest


def _square(easting, northing, half=500):
    from safereach.areas.coordinates import to_wgs84

    xs = [easting - half, easting + half, easting + half, easting - half, easting - half]
    ys = [northing - half, northing - half, northing + half, northing + half, northing - half]
    lon, lat = to_wgs84(xs, ys)
    return json.dumps({"type": "Polygon",
                       "coordinates": [[[float(a), float(b)] for a, b in zip(lon, lat)]]})


@pytest.fixture
def small_county(db):
    """Two districts, twelve schools and a year of incidents piled up beside Ashby Primary,
    with every programme's target list built."""
    from safereach.accounts.models import Role
    from safereach.accounts.tests.factories import make_agency, make_user
    from safereach.areas.coordinates import to_wgs84
    from safereach.areas.models import Area
    from safereach.areas.tests.factories import make_area
    from safereach.evidence.models import Deprivation, Incident
    from safereach.evidence.tests.factories import make_dataset
    from safereach.matrix.build import build, seed_programmes
    from safereach.matrix.models import Programme
    from safereach.schools.tests.factories import make_school

    seed_programmes()
    rng = np.random.default_rng(3)
    police = make_agency("Northshire Police", kind="police")
    charity = make_agency("Safe Lives Charity", kind="charity")
    Programme.objects.get(slug="knife-crime").agencies.add(police)
    # Only the analyst signs in through the form (in the browser test); hashing a password
    # costs a quarter of a second, so the others have none and are logged in directly.
    users = {
        Role.ANALYST: make_user(Role.ANALYST, email="analyst@example.org"),
        Role.COORDINATOR: make_user(Role.COORDINATOR, email="coordinator@example.org",
                                      password=None),
        Role.PARTNER: make_user(Role.PARTNER, email="partner@example.org", agency=police,
                                  password=None),
        "other partner": make_user(Role.PARTNER, email="charity@example.org", agency=charity,
                                     password=None),
        Role.OFFICER: make_user(Role.OFFICER, email="officer@example.org", password=None),
    }
    districts = [make_area(Area.Level.DISTRICT, code="E07000901", name="Northvale"),
                 make_area(Area.Level.DISTRICT, code="E07000902", name="Southmere")]
    wards = [make_area(Area.Level.WARD, code=f"E0500090{k}", name=f"Ward {k}",
                         parent=districts[k // 2], district=districts[k // 2]) for k in range(4)]
    lsoas = []
    for k in range(8):
        e, n = 560_000 + 2000 * (k % 4), 200_000 + 3000 * (k // 4)
        lon, lat = to_wgs84([e], [n])
        area = make_area(Area.Level.LSOA, code=f"E0100090{k}", name=f"LSOA {k}", vintage=2011,
                           parent=wards[k // 2], district=districts[k // 4],
                           geometry=_square(e, n), centroid_easting=e, centroid_northing=n,
                           centroid_lon=float(lon[0]), centroid_lat=float(lat[0]))
        Deprivation.objects.create(lsoa_code=area.code, imd_score=10 + 5 * k, idaci_score=0.1 + 0.02 * k,
                                   crime_score=-1 + 0.3 * k, population=1500)
        lsoas.append(area)
    names = ["Ashby Primary", "Beech Primary", "Cedar Primary", "Dale Primary", "Elm Primary",
             "Fern Primary", "Grove Academy", "Holt Academy", "Ivy Academy", "Juniper Academy",
             "Kestrel School", "Larch School"]
    schools = []
    for k, name in enumerate(names):
        area = lsoas[k % 8]
        e, n = area.centroid_easting + 100, area.centroid_northing + 100
        lon, lat = to_wgs84([e], [n])
        phase = "Primary" if "Primary" in name else "Secondary" if "Academy" in name else "Not applicable"
        schools.append(make_school(urn=900_001 + k, name=name, phase=phase, lsoa=area,
                                     easting=e, northing=n, lon=float(lon[0]), lat=float(lat[0]),
                                     percent_fsm=5.0 + 3 * k, need_tier=(k % 3) + 1))
    crime = make_dataset(kind="crime")
    ashby = schools[0]
    incidents = []
    for month in range(1, 13):
        for category, near in [("Criminal damage and arson", 6), ("Possession of weapons", 2),
                               ("Anti-social behaviour", 5)]:
            spots = [(ashby.easting + de, ashby.northing + dn)
                     for de, dn in rng.normal(0, 300, (near, 2))]
            spots.append((560_000 + rng.uniform(-1000, 7000), 200_000 + rng.uniform(-1000, 4000)))
            incidents += [Incident(dataset=crime, source="police", category=category,
                                   month=datetime.date(2024, month, 1), easting=e, northing=n)
                          for e, n in spots]
    Incident.objects.bulk_create(incidents)
    build()
    return {"users": users, "schools": schools, "districts": districts, "wards": wards}
